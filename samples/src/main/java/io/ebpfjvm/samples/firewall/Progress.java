package io.ebpfjvm.samples.firewall;

import java.io.PrintStream;
import java.util.function.LongConsumer;

/**
 * A progress line on standard error ({@code interp: 42% of 1,000,000 packets}), redrawn at
 * most five times a second, for runs long enough to make a user wonder. Thread-safe: the
 * classifier's workers report to it.
 */
public final class Progress implements LongConsumer {
    private static final long INTERVAL_NANOS = 200_000_000L;
    private final PrintStream out;
    private final String label;
    private final long total;
    private long lastPrint;
    private boolean printed;

    public Progress(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.lastPrint = System.nanoTime();
    }

    @Override
    public synchronized void accept(long done) {
        long now = System.nanoTime();
        if (now - lastPrint < INTERVAL_NANOS || done >= total) {
            return;
        }
        lastPrint = now;
        printed = true;
        out.printf(java.util.Locale.ROOT, "\r%s: %3d%% of %,d packets", label, done * 100 / Math.max(1, total), total);
        out.flush();
    }

    /** Erases the progress line, if one was drawn. */
    public synchronized void finish() {
        if (printed) {
            out.print("\r" + " ".repeat(label.length() + 40) + "\r");
            out.flush();
        }
    }
}
