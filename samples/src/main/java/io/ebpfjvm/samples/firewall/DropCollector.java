package io.ebpfjvm.samples.firewall;

import io.ebpfjvm.core.map.RingBufMap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Consumes the firewall's drop reports from its ring buffer on a background thread while the
 * packets are classified, as a user-space agent polling {@code drop_events} would: counts
 * reports per reason and keeps the first few (or all of them, for tests).
 */
public final class DropCollector implements AutoCloseable {
    private final RingBufMap ring;
    private final int keep;
    private final List<DropEvent> kept = new ArrayList<>();
    private final Map<DropReason, Long> perReason = new EnumMap<>(DropReason.class);
    private final Thread thread;
    private volatile boolean stopping;
    private long total;

    /** Starts consuming; {@code keep} is how many reports to keep ({@code Integer.MAX_VALUE} for all). */
    public DropCollector(RingBufMap ring, int keep) {
        this.ring = ring;
        this.keep = keep;
        this.thread = new Thread(this::loop, "drop-collector");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (!stopping) {
                if (drain() > 0) {
                    // Reports are coming: take them in batches 0.2 ms apart instead of
                    // waiting, so the classifying threads never pay for waking this one.
                    LockSupport.parkNanos(200_000);
                } else {
                    ring.await(20, TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Takes every report in the ring; how many there were. */
    private synchronized long drain() {
        long before = total;
        ring.consume((buffer, offset, length) -> {
            DropEvent e = DropEvent.decode(buffer, offset, length);
            total++;
            if (e.reason() != null) {
                perReason.merge(e.reason(), 1L, Long::sum);
            }
            if (kept.size() < keep) {
                kept.add(e);
            }
        });
        return total - before;
    }

    /** Stops the background thread and takes what is left in the ring. */
    @Override
    public void close() {
        stopping = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drain();
    }

    public synchronized long total() {
        return total;
    }

    public synchronized Map<DropReason, Long> perReason() {
        return new EnumMap<>(perReason);
    }

    /** The reports kept, in the order they were consumed. */
    public synchronized List<DropEvent> events() {
        return Collections.unmodifiableList(new ArrayList<>(kept));
    }
}
