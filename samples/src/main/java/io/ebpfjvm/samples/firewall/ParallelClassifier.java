package io.ebpfjvm.samples.firewall;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.map.Cpus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Runs one program over every packet of a {@link Traffic} on several threads. Thread {@code t}
 * binds itself to CPU {@code t} (see {@link Cpus}), so per-CPU map values keep a single writer
 * as in the kernel; hence at most {@link Cpus#COUNT} threads. Packets are handed out in
 * chunks; the program must not write the packet (the traffic is shared).
 */
public final class ParallelClassifier {
    private static final int CHUNK = 4096;

    /**
     * The outcome of one pass: return-value counts, the wall time of the classification, and
     * the packets and time of its second half. A program's first packets run while HotSpot is
     * still compiling (the JIT's generated class is new for every program), so the second half
     * is the steady state.
     */
    public record Result(VerdictCounts verdicts, long nanos, int threads, long steadyPackets, long steadyNanos) {
        /** Million packets per second over the wall time. */
        public double mpps() {
            return verdicts.total() * 1e3 / Math.max(1, nanos);
        }

        /** Million packets per second over the second half of the packets. */
        public double steadyMpps() {
            return steadyPackets * 1e3 / Math.max(1, steadyNanos);
        }
    }

    private ParallelClassifier() {
    }

    /** The largest thread count {@link #run} accepts. */
    public static int maxThreads() {
        return Cpus.COUNT;
    }

    /**
     * Classifies packets {@code [0, count)} of {@code traffic}. {@code progress} (may be null)
     * receives the number of packets done so far, from the worker threads, after each chunk.
     */
    public static Result run(ExecutableProgram program, Traffic traffic, int count, int threads, LongConsumer progress) {
        if (threads < 1 || threads > Cpus.COUNT) {
            throw new IllegalArgumentException("threads " + threads + ", expected 1-" + Cpus.COUNT);
        }
        AtomicLong next = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicLong halfAt = new AtomicLong(-1);
        AtomicLong halfDone = new AtomicLong();
        VerdictCounts[] perThread = new VerdictCounts[threads];
        Throwable[] failure = new Throwable[1];
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int cpu = t;
            VerdictCounts mine = new VerdictCounts();
            perThread[t] = mine;
            Thread w = new Thread(() -> {
                Cpus.bindCurrentThread(cpu);
                byte[] data = traffic.data();
                while (true) {
                    long from = next.getAndAdd(CHUNK);
                    if (from >= count) {
                        break;
                    }
                    int to = (int) Math.min(count, from + CHUNK);
                    for (int i = (int) from; i < to; i++) {
                        mine.add(program.run(data, traffic.offset(i), traffic.length(i)));
                    }
                    long d = done.addAndGet(to - from);
                    if (d >= count / 2 && halfAt.get() < 0 && halfAt.compareAndSet(-1, System.nanoTime())) {
                        halfDone.set(d);
                    }
                    if (progress != null) {
                        progress.accept(d);
                    }
                }
            }, "classifier-" + t);
            w.setUncaughtExceptionHandler((th, e) -> {
                synchronized (failure) {
                    failure[0] = e;
                }
                next.set(Long.MAX_VALUE / 2);  // stop the other workers
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while classifying", e);
            }
        }
        long end = System.nanoTime();
        long nanos = end - start;
        synchronized (failure) {
            if (failure[0] instanceof RuntimeException r) {
                throw r;
            }
            if (failure[0] != null) {
                throw new IllegalStateException(failure[0]);
            }
        }
        VerdictCounts all = new VerdictCounts();
        for (VerdictCounts v : perThread) {
            all.addAll(v);
        }
        long steadyStart = halfAt.get() < 0 ? start : halfAt.get();
        long steadyPackets = halfAt.get() < 0 ? count : count - halfDone.get();
        return new Result(all, nanos, threads, steadyPackets, end - steadyStart);
    }
}
