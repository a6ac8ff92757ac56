package io.ebpfjvm.core.map;

import io.ebpfjvm.core.exec.PerThread;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How threads map to "CPUs" for per-CPU maps and {@code bpf_get_smp_processor_id}: there are
 * {@link #COUNT} CPUs (the JVM's available processors at startup); each thread is given one,
 * round robin, the first time it asks, and keeps it for its life unless it
 * {@link #bindCurrentThread binds} itself to another.
 *
 * <p>In the kernel a program runs to completion on its CPU with preemption off, so per-CPU
 * values never see two writers at once. Here two threads share a CPU slot when there are more
 * threads than CPUs, and can then update the same per-CPU value concurrently: bind threads
 * to distinct CPUs (at most {@link #COUNT}) when a program relies on exclusive access, or use
 * atomic instructions.
 */
public final class Cpus {
    private Cpus() {
    }

    /** How many CPUs per-CPU maps keep values for. */
    public static final int COUNT = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final PerThread<int[]> ID = new PerThread<>(
        () -> new int[] {Math.floorMod(NEXT.getAndIncrement(), COUNT)});

    /** The calling thread's CPU id, 0..COUNT-1. */
    public static int current() {
        return ID.get()[0];
    }

    /** Pins the calling thread to CPU {@code cpu} (0..COUNT-1) from now on. */
    public static void bindCurrentThread(int cpu) {
        if (cpu < 0 || cpu >= COUNT) {
            throw new IllegalArgumentException("cpu " + cpu + " out of range 0.." + (COUNT - 1));
        }
        ID.get()[0] = cpu;
    }
}
