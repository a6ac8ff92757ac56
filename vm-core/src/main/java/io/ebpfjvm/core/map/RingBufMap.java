package io.ebpfjvm.core.map;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.loader.MapSpec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code BPF_MAP_TYPE_RINGBUF}: a multi-producer, single-consumer queue of variable-size
 * records. Programs {@link #reserve} a record, fill it through the returned pointer, then
 * {@link #commit submit or discard} it, or copy one in with {@link #output}; Java receives
 * committed records in reservation order with {@link #consume}, {@link #poll} or
 * {@link #drain}, and can block in {@link #await}.
 *
 * <p>Layout, as the kernel's: {@code max_entries} bytes of data addressed by ever-growing
 * producer and consumer positions (taken modulo the size); each record is an 8-byte header
 * (u32 length with {@link #BUSY_BIT} while being written and {@link #DISCARD_BIT} if
 * discarded, then a u32 the kernel uses for a page offset, 0 here) followed by the data,
 * the whole rounded up to 8 bytes. A reservation fails when the records not yet consumed
 * plus the new one would exceed {@code max_entries - 1} bytes. The kernel maps the data area
 * twice in a row so a record that wraps past the end is still contiguous; here
 * {@link #values()} is twice the size for the same reason: a record starting at position
 * {@code p} occupies {@code [p mod size, p mod size + length)} of it.
 *
 * <p>Concurrency: reservations take a lock (they are short); submit, discard and consumption
 * take none against producers. The consumer side is serialised: concurrent {@code consume}
 * calls deliver each record once.
 */
public final class RingBufMap extends BpfMap {
    /** Bytes of the record header. */
    public static final int HEADER_SIZE = 8;
    /** Header length bit: the record is reserved and not yet submitted or discarded. */
    public static final int BUSY_BIT = 1 << 31;
    /** Header length bit: the record was discarded; the consumer skips it. */
    public static final int DISCARD_BIT = 1 << 30;
    /** {@code BPF_RB_NO_WAKEUP}: do not wake a waiting consumer. */
    public static final long NO_WAKEUP = 1;
    /** {@code BPF_RB_FORCE_WAKEUP}: wake a waiting consumer. */
    public static final long FORCE_WAKEUP = 2;
    /** {@code bpf_ringbuf_query} selectors ({@code BPF_RB_AVAIL_DATA} etc.). */
    public static final long AVAIL_DATA = 0;
    public static final long RING_SIZE = 1;
    public static final long CONS_POS = 2;
    public static final long PROD_POS = 3;

    /** Receives one record: {@code length} bytes at {@code buffer[offset]}, valid only during the call. */
    @FunctionalInterface
    public interface RecordHandler {
        void onRecord(byte[] buffer, int offset, int length);
    }

    private final int size;
    private final byte[] data;
    private final Object producerLock = new Object();
    private final Object consumerLock = new Object();
    private final Object signal = new Object();
    private volatile long producer;
    private volatile long consumer;
    private volatile int waiters;

    RingBufMap(MapDefinition definition, MapSpec spec) {
        super(definition, spec);
        this.size = maxEntries;
        this.data = new byte[Math.multiplyExact(size, 2)];
    }

    /** The data area, twice over (see the class comment); reserved records are written here. */
    @Override
    public byte[] values() {
        return data;
    }

    /** The data area size ({@code max_entries}). */
    public int capacity() {
        return size;
    }

    private int header(long position) {
        return (int) (position & (size - 1));
    }

    /** {@link #reserve(long, long)} with no flags. */
    public int reserve(long length) {
        return reserve(length, 0);
    }

    /**
     * {@code bpf_ringbuf_reserve}: reserves a record of {@code length} bytes and returns the
     * index in {@link #values()} of its data, or -1 (the helper's NULL) when flags are not 0
     * or there is no room.
     */
    public int reserve(long length, long flags) {
        if (flags != 0 || length < 0 || length > size) {
            return -1;
        }
        long total = (length + HEADER_SIZE + 7) & ~7L;
        synchronized (producerLock) {
            long prod = producer;
            if (prod + total - consumer > size - 1) {
                return -1;
            }
            int at = header(prod);
            Words.INT.setVolatile(data, at, (int) length | BUSY_BIT);
            Words.putU32(data, at + 4, 0);
            // publishing the new producer position after the header lets the consumer trust it
            producer = prod + total;
            return at + HEADER_SIZE;
        }
    }

    /** {@link #commit(int, boolean, long)} with no flags. */
    public void commit(int dataIndex, boolean discard) {
        commit(dataIndex, discard, 0);
    }

    /**
     * {@code bpf_ringbuf_submit} ({@code discard} false) or {@code bpf_ringbuf_discard} of the
     * record whose data is at {@code dataIndex}; wakes a waiting consumer unless
     * {@link #NO_WAKEUP}.
     *
     * @throws EbpfException when {@code dataIndex} is not the data of a reserved, uncommitted record
     */
    public void commit(int dataIndex, boolean discard, long flags) {
        int at = dataIndex - HEADER_SIZE;
        int h = at >= 0 && at < size && (at & 7) == 0 ? (int) Words.INT.getVolatile(data, at) : 0;
        if ((h & BUSY_BIT) == 0) {
            throw new EbpfException(describe() + ": " + (discard ? "discard" : "submit") + " of offset " + dataIndex
                + ", which is not a reserved record");
        }
        int length = h & ~(BUSY_BIT | DISCARD_BIT);
        Words.INT.setVolatile(data, at, length | (discard ? DISCARD_BIT : 0));
        if ((flags & NO_WAKEUP) == 0 || (flags & FORCE_WAKEUP) != 0) {
            wake();
        }
    }

    /** {@link #output(byte[], int, int, long)} with no flags. */
    public long output(byte[] src, int offset, int length) {
        return output(src, offset, length, 0);
    }

    /**
     * {@code bpf_ringbuf_output}: reserves, copies {@code length} bytes from
     * {@code src[offset]} and submits.
     *
     * @return 0, {@code -EINVAL} for unknown flags, {@code -EAGAIN} when there is no room
     */
    public long output(byte[] src, int offset, int length, long flags) {
        if ((flags & ~(NO_WAKEUP | FORCE_WAKEUP)) != 0) {
            return -Errno.EINVAL;
        }
        int at = reserve(length, 0);
        if (at < 0) {
            return -Errno.EAGAIN;
        }
        System.arraycopy(src, offset, data, at, length);
        commit(at, false, flags);
        return 0;
    }

    /** {@code bpf_ringbuf_query}: available bytes, size, consumer or producer position; 0 for other selectors. */
    public long query(long what) {
        if (what == AVAIL_DATA) {
            return producer - consumer;
        }
        if (what == RING_SIZE) {
            return size;
        }
        if (what == CONS_POS) {
            return consumer;
        }
        return what == PROD_POS ? producer : 0;
    }

    /** Bytes reserved or committed but not yet consumed, headers included. */
    public long pending() {
        return producer - consumer;
    }

    /**
     * Delivers every committed record, in order, to {@code handler}, skipping discarded ones
     * and stopping at the first record still being written. A record's space is given back to
     * producers after the handler returns. If the handler throws, the record counts as
     * consumed (as libbpf does) and the exception propagates.
     *
     * @return how many records were delivered
     */
    public int consume(RecordHandler handler) {
        synchronized (consumerLock) {
            int delivered = 0;
            long cons = consumer;
            while (cons < producer) {
                int at = header(cons);
                int h = (int) Words.INT.getVolatile(data, at);
                if ((h & BUSY_BIT) != 0) {
                    break;
                }
                int length = h & ~(BUSY_BIT | DISCARD_BIT);
                cons += (length + HEADER_SIZE + 7) & ~7L;
                try {
                    if ((h & DISCARD_BIT) == 0) {
                        delivered++;
                        handler.onRecord(data, at + HEADER_SIZE, length);
                    }
                } finally {
                    consumer = cons;
                }
            }
            return delivered;
        }
    }

    /** {@link #consume} with each record as a read-only buffer, valid only during the call. */
    public int poll(Consumer<ByteBuffer> sink) {
        return consume((buffer, offset, length) -> sink.accept(ByteBuffer.wrap(buffer, offset, length).slice().asReadOnlyBuffer()));
    }

    /** Consumes every committed record and returns copies of them, in order. */
    public List<byte[]> drain() {
        List<byte[]> out = new ArrayList<>();
        consume((buffer, offset, length) -> out.add(Arrays.copyOfRange(buffer, offset, offset + length)));
        return out;
    }

    /**
     * Waits until {@link #consume} has something to take (a submitted or discarded record at the
     * consumer position) or the timeout passes.
     *
     * @return true when there is something to consume
     */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (signal) {
            waiters++;
            try {
                // waiters is written before the header is read, and commit writes the header before
                // reading waiters (all volatile), so a commit either sees us waiting or we see it
                while (!ready()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                }
                return true;
            } finally {
                waiters--;
            }
        }
    }

    private boolean ready() {
        long cons = consumer;
        return cons < producer && ((int) Words.INT.getVolatile(data, header(cons)) & BUSY_BIT) == 0;
    }

    private void wake() {
        if (waiters > 0) {
            synchronized (signal) {
                signal.notifyAll();
            }
        }
    }

    /** Ring buffers have no elements: always 0 (see {@link #query}). */
    @Override
    public int size() {
        return 0;
    }

    @Override
    public int lookupSlot(byte[] key, int keyOffset) {
        return -1;
    }

    @Override
    long store(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags) {
        return -Errno.ENOTSUPP;
    }

    @Override
    long hostUpdate(byte[] key, byte[] value, long flags) {
        return -Errno.ENOTSUPP;
    }

    @Override
    long erase(byte[] key, int keyOffset) {
        return -Errno.ENOTSUPP;
    }

    @Override
    public long nextKey(byte[] key, int keyOffset, byte[] next, int nextOffset) {
        return -Errno.ENOTSUPP;
    }

    @Override
    byte[] copyOf(byte[] key) {
        throw new EbpfException(describe() + ": ring buffers have no elements to look up; use consume() or poll()");
    }
}
