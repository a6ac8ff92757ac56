package io.ebpfjvm.core.map;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How threads map to "CPUs" for per-CPU maps and {@code bpf_get_smp_processor_id}: there are
 * {@link #COUNT} CPUs (the JVM's available processors); each thread is given one, round
 * robin, the first time it asks, and keeps it for its life. Two threads may share a CPU slot
 * when there are more threads than CPUs, as two programs on one CPU would in the kernel (one
 * after the other there; here possibly at once, so per-CPU values can see concurrent updates).
 */
public final class Cpus {
    private Cpus() {
    }

    public static final int COUNT = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final ThreadLocal<Integer> ID = ThreadLocal.withInitial(() -> Math.floorMod(NEXT.getAndIncrement(), COUNT));

    /** The calling thread's CPU id, 0..COUNT-1. */
    public static int current() {
        return ID.get();
    }
}
