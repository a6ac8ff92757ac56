package io.ebpfjvm.core.map;

import io.ebpfjvm.core.loader.MapSpec;

import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * {@code HASH}, {@code LRU_HASH} and {@code PERCPU_HASH}. Keys sit in a {@link KeyTable};
 * values in preallocated slots ({@code max_entries} of them; per CPU for per-CPU maps, slot
 * {@code s} of CPU {@code c} at {@code (s * cpus + c) * stride}). Writers take a lock;
 * lookups are lock-free (optimistic reads validated against the lock's stamp).
 *
 * <p>Updating an existing key copies the new value over the old in place, so a concurrent
 * reader may see a mix of the two (the kernel gives the same guarantee for in-place value
 * updates: use atomics or a spin lock in the program for more). LRU maps evict, when full,
 * the least recently used entry in the clock (second chance) approximation of recency.
 */
final class HashTableMap extends BpfMap {
    private final StampedLock lock = new StampedLock();
    private final KeyTable table;
    private final byte[] values;
    private final boolean lru;
    private final int cpus;
    private final byte[] referenced;
    private int hand;

    HashTableMap(MapSpec spec, boolean lru, boolean perCpu) {
        super(spec);
        this.lru = lru;
        this.cpus = perCpu ? Cpus.COUNT : 1;
        this.table = new KeyTable(spec.keySize(), spec.maxEntries());
        this.values = new byte[Math.multiplyExact(Math.multiplyExact(spec.maxEntries(), stride), cpus)];
        this.referenced = lru ? new byte[spec.maxEntries()] : null;
    }

    @Override
    public byte[] values() {
        return values;
    }

    private int at(int slot, int cpu) {
        return (slot * cpus + cpu) * stride;
    }

    private int currentCpu() {
        return cpus == 1 ? 0 : Cpus.current();
    }

    @Override
    public int lookup(byte[] key, int keyOffset) {
        long stamp = lock.tryOptimisticRead();
        int slot = find(key, keyOffset);
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                slot = find(key, keyOffset);
            } finally {
                lock.unlockRead(stamp);
            }
        }
        if (slot < 0) {
            return -1;
        }
        if (lru) {
            referenced[slot] = 1;
        }
        return at(slot, currentCpu());
    }

    private int find(byte[] key, int keyOffset) {
        int b = table.find(key, keyOffset);
        return b < 0 ? -1 : table.slot(b);
    }

    @Override
    public long update(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags) {
        return write(key, keyOffset, value, valueOffset, flags, false);
    }

    @Override
    protected long hostUpdate(byte[] key, byte[] value, long flags) {
        return write(key, 0, value, 0, flags, cpus > 1);
    }

    private long write(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags, boolean allCpus) {
        if (flags < 0 || flags > Errno.BPF_EXIST) {
            return -Errno.EINVAL;
        }
        long stamp = lock.writeLock();
        try {
            int b = table.find(key, keyOffset);
            boolean fresh = b < 0;
            if (!fresh && flags == Errno.BPF_NOEXIST) {
                return -Errno.EEXIST;
            }
            if (fresh && flags == Errno.BPF_EXIST) {
                return -Errno.ENOENT;
            }
            int slot;
            if (fresh) {
                if (table.full()) {
                    if (!lru) {
                        return -Errno.E2BIG;
                    }
                    evictOne();
                }
                slot = table.insert(key, keyOffset);
                if (slot < 0) {
                    return -Errno.E2BIG;
                }
                if (cpus > 1) {
                    Arrays.fill(values, at(slot, 0), at(slot, 0) + cpus * stride, (byte) 0);
                }
            } else {
                slot = table.slot(b);
            }
            if (allCpus) {
                for (int c = 0; c < cpus; c++) {
                    System.arraycopy(value, valueOffset + c * stride, values, at(slot, c), spec.valueSize());
                }
            } else {
                System.arraycopy(value, valueOffset, values, at(slot, currentCpu()), spec.valueSize());
            }
            if (lru) {
                // A new entry has not been used yet; rewriting an old one counts as a use.
                referenced[slot] = (byte) (fresh ? 0 : 1);
            }
            return 0;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Second-chance sweep: the first slot not referenced since the hand last passed goes. */
    private void evictOne() {
        int n = spec.maxEntries();
        for (int step = 0; step < 2 * n + 1; step++) {
            int slot = hand;
            hand = (hand + 1) % n;
            int b = table.bucketOfSlot(slot);
            if (b < 0) {
                continue;
            }
            if (referenced[slot] != 0) {
                referenced[slot] = 0;
                continue;
            }
            table.remove(b);
            return;
        }
    }

    @Override
    public long delete(byte[] key, int keyOffset) {
        long stamp = lock.writeLock();
        try {
            int b = table.find(key, keyOffset);
            if (b < 0) {
                return -Errno.ENOENT;
            }
            table.remove(b);
            return 0;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    public int hostValueSize() {
        return cpus > 1 ? stride * cpus : spec.valueSize();
    }

    @Override
    public byte[] get(byte[] key) {
        checkKey(key);
        long stamp = lock.readLock();
        try {
            int slot = find(key, 0);
            if (slot < 0) {
                return null;
            }
            if (cpus == 1) {
                return Arrays.copyOfRange(values, at(slot, 0), at(slot, 0) + spec.valueSize());
            }
            byte[] out = new byte[hostValueSize()];
            for (int c = 0; c < cpus; c++) {
                System.arraycopy(values, at(slot, c), out, c * stride, spec.valueSize());
            }
            return out;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    @Override
    public boolean nextKey(byte[] key, byte[] out) {
        long stamp = lock.readLock();
        try {
            int from = key == null ? -1 : table.find(key, 0);
            int b = table.nextUsed(from);
            if (b < 0) {
                return false;
            }
            table.key(b, out, 0);
            return true;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    int size() {
        return table.size();
    }
}
