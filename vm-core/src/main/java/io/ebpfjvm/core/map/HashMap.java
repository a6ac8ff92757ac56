package io.ebpfjvm.core.map;

import io.ebpfjvm.core.loader.MapSpec;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.StampedLock;

/**
 * {@code BPF_MAP_TYPE_HASH}: fixed-size byte keys to values, at most {@code max_entries} of
 * them. Keys live in a {@link SlotTable}; the value of slot {@code s} at
 * {@code s * stride} of {@link #values()}. There are {@code max_entries + 1} slots: the spare
 * lets a replacement be written in full into a free slot and then swapped in for the old one
 * (as the kernel's preallocated hash does with its extra element), so a lookup sees the whole
 * old or the whole new value, never a mix, and replacing works in a full map. A pointer a
 * program obtained before the replacement keeps pointing at the old slot, which a later
 * insert may reuse, as in the kernel.
 *
 * <p>Changes take a {@link StampedLock}'s write lock; lookups read optimistically and fall
 * back to the read lock only when a writer interfered. Iteration is bucket order (random per
 * map unless {@link MapFlags#ZERO_SEED}).
 *
 * <p>Also the base of {@link LruHashMap} (evicts instead of failing when full) and
 * {@link PerCpuHashMap} (one value copy per CPU).
 */
public sealed class HashMap extends BpfMap permits LruHashMap, PerCpuHashMap {
    final StampedLock lock = new StampedLock();
    final SlotTable table;
    final byte[] values;
    /** Value copies per slot: 1, or the CPU count for per-CPU maps. */
    final int cpus;
    /** Bytes from one CPU's copies to the next's (see {@link CreateRules#cpuBlock}). */
    private final int cpuBlock;
    /** Where CPU 0's copies start (see {@link CreateRules#cpuOrigin}). */
    private final int cpuOrigin;

    HashMap(MapDefinition definition, MapSpec spec) {
        this(definition, spec, 1);
    }

    HashMap(MapDefinition definition, MapSpec spec, int cpus) {
        super(definition, spec);
        this.cpus = cpus;
        int slots = maxEntries + 1;
        long seed = (definition.flags() & MapFlags.ZERO_SEED) != 0 ? 0 : ThreadLocalRandom.current().nextLong();
        this.table = new SlotTable(keySize, slots, seed);
        // bounded by MapDefinition.MAX_STORAGE_BYTES, so it fits an int
        this.cpuBlock = Math.toIntExact(CreateRules.cpuBlock(slots, stride, cpus));
        this.cpuOrigin = CreateRules.cpuOrigin(cpus);
        this.values = new byte[Math.toIntExact(cpuOrigin + (long) cpuBlock * cpus)];
    }

    @Override
    public byte[] values() {
        return values;
    }

    @Override
    public int size() {
        long stamp = lock.readLock();
        try {
            return table.size();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Where CPU {@code cpu}'s copy of slot {@code slot}'s value starts. */
    final int valueIndex(int slot, int cpu) {
        return cpuOrigin + cpu * cpuBlock + slot * stride;
    }

    final int callerCpu() {
        return cpus == 1 ? 0 : Cpus.current();
    }

    /** The slot of {@code key}, without locking unless a writer gets in the way. */
    private int findSlot(byte[] key, int keyOffset) {
        long stamp = lock.tryOptimisticRead();
        int slot = table.find(key, keyOffset);
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                slot = table.find(key, keyOffset);
            } finally {
                lock.unlockRead(stamp);
            }
        }
        return slot;
    }

    @Override
    public int lookupSlot(byte[] key, int keyOffset) {
        int slot = findSlot(key, keyOffset);
        if (slot < 0) {
            return -1;
        }
        used(slot);
        return valueIndex(slot, callerCpu());
    }

    @Override
    long store(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags) {
        return write(key, keyOffset, value, valueOffset, flags, false);
    }

    @Override
    long hostUpdate(byte[] key, byte[] value, long flags) {
        return write(key, 0, value, 0, flags, true);
    }

    /** Every check comes before the first change, so a failed update leaves the map as it was. */
    private long write(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags, boolean host) {
        if (badFlags(flags)) {
            return -Errno.EINVAL;
        }
        long stamp = lock.writeLock();
        try {
            int old = table.find(key, keyOffset);
            if (old >= 0) {
                if (flags == Errno.BPF_NOEXIST) {
                    return -Errno.EEXIST;
                }
                replace(old, value, valueOffset, host);
                return 0;
            }
            if (flags == Errno.BPF_EXIST) {
                return -Errno.ENOENT;
            }
            if (table.size() >= maxEntries && !evictOne()) {
                return -Errno.E2BIG;
            }
            int slot = table.allocate();
            fill(slot, value, valueOffset, host);
            table.insert(slot, key, keyOffset);
            inserted(slot);
            return 0;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Writes a new entry's value into a slot no reader can reach yet. */
    void fill(int slot, byte[] value, int valueOffset, boolean host) {
        Words.copyIn(value, valueOffset, values, valueIndex(slot, 0), valueSize);
    }

    /** Replaces an entry's value: copy-on-write into the free slot, then swap it in. */
    void replace(int old, byte[] value, int valueOffset, boolean host) {
        int fresh = table.allocate();
        fill(fresh, value, valueOffset, host);
        table.replace(old, fresh);
        replaced(old, fresh);
        table.release(old);
    }

    @Override
    long erase(byte[] key, int keyOffset) {
        long stamp = lock.writeLock();
        try {
            int slot = table.find(key, keyOffset);
            if (slot < 0) {
                return -Errno.ENOENT;
            }
            table.remove(slot);
            removed(slot);
            table.release(slot);
            return 0;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    byte[] copyOf(byte[] key) {
        byte[] out = new byte[hostValueSize()];
        long stamp = lock.tryOptimisticRead();
        int slot = table.find(key, 0);
        if (slot >= 0) {
            copyValue(slot, out);
        }
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                slot = table.find(key, 0);
                if (slot >= 0) {
                    copyValue(slot, out);
                }
            } finally {
                lock.unlockRead(stamp);
            }
        }
        return slot < 0 ? null : out;
    }

    private void copyValue(int slot, byte[] out) {
        for (int c = 0; c < cpus; c++) {
            Words.copyOut(values, valueIndex(slot, c), out, c * stride, valueSize);
        }
    }

    /** Bucket order; a key that is not in the map restarts from the first entry, as the kernel's does. */
    @Override
    public long nextKey(byte[] key, int keyOffset, byte[] next, int nextOffset) {
        long stamp = lock.readLock();
        try {
            int slot = key == null ? SlotTable.NIL : table.find(key, keyOffset);
            int n = slot == SlotTable.NIL ? table.first() : table.after(slot);
            if (n == SlotTable.NIL) {
                return -Errno.ENOENT;
            }
            table.key(n, next, nextOffset);
            return 0;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    // Hooks for LRU bookkeeping; all but used() run under the write lock.

    /** A program looked the entry in {@code slot} up (no lock held). */
    void used(int slot) {
    }

    void inserted(int slot) {
    }

    /** The entry moved from slot {@code old} to slot {@code fresh} with a new value. */
    void replaced(int old, int fresh) {
    }

    void removed(int slot) {
    }

    /** Makes room in a full map; false when this kind of map does not evict. */
    boolean evictOne() {
        return false;
    }
}
