package io.ebpfjvm.core.exec;

import java.util.function.Supplier;

/**
 * One value per thread, found in a few nanoseconds: engines keep their per-thread run state
 * (register file, stack, context) here, looked up on every run. A {@link ThreadLocal} lookup
 * hashes into the thread's map and costs more than running a small program; here the common
 * case is one array load indexed by the thread id and one identity compare.
 *
 * <p>The slots are a cache in front of a {@link ThreadLocal}, which stays the truth: a slot
 * holds an immutable (owner, value) pair, written without synchronisation. A thread that reads
 * another thread's pair (or none) sees a different owner and takes the {@code ThreadLocal}
 * path, so a racy read can only cost time. Because the pair's fields are final, a thread that
 * does see its own pair sees it fully built. A slot keeps the last thread that used it
 * reachable until another thread takes it over: at most {@link #SLOTS} values stay alive
 * after their threads end.
 */
public final class PerThread<T> {
    /** Slots in the cache (a power of two); threads whose ids collide share one and both still work. */
    public static final int SLOTS = 64;

    private record Owned<T>(Thread owner, T value) {
    }

    /** The truth; holding the pair itself means a miss refills its slot without allocating. */
    private final ThreadLocal<Owned<T>> values;
    @SuppressWarnings("unchecked")
    private final Owned<T>[] slots = new Owned[SLOTS];

    public PerThread(Supplier<? extends T> initial) {
        this.values = ThreadLocal.withInitial(() -> new Owned<>(Thread.currentThread(), initial.get()));
    }

    /** The calling thread's value, created by the supplier on the thread's first call. */
    public T get() {
        Thread t = Thread.currentThread();
        Owned<T> o = slots[slot(t)];
        if (o != null && o.owner == t) {
            return o.value;
        }
        return miss(t);
    }

    /** Replaces the calling thread's value. */
    public void set(T value) {
        Thread t = Thread.currentThread();
        Owned<T> o = new Owned<>(t, value);
        values.set(o);
        slots[slot(t)] = o;
    }

    private T miss(Thread t) {
        Owned<T> o = values.get();
        slots[slot(t)] = o;
        return o.value;
    }

    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+; getId() is the same final field on 17
    private static int slot(Thread t) {
        return (int) t.getId() & (SLOTS - 1);
    }
}
