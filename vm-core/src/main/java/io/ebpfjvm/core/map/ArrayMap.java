package io.ebpfjvm.core.map;

import io.ebpfjvm.core.loader.MapSpec;

/**
 * {@code BPF_MAP_TYPE_ARRAY}: u32 index keys {@code 0 .. max_entries-1}; every element always
 * exists (zero at creation) and cannot be deleted. Element {@code i} is at
 * {@code i * stride} of {@link #values()}. Updates overwrite the element in place (each
 * aligned 8-byte word whole), as the kernel's do; lookups take no lock at all.
 *
 * <p>Also the base of {@link PerCpuArrayMap} (one copy per CPU) and {@link ProgArrayMap}.
 */
public sealed class ArrayMap extends BpfMap permits PerCpuArrayMap, ProgArrayMap {
    private final byte[] values;
    /** Copies of each element: 1, or the CPU count for per-CPU arrays. */
    final int cpus;
    /** Bytes from one CPU's copies to the next's (see {@link CreateRules#cpuBlock}). */
    private final int cpuBlock;
    /** Where CPU 0's copies start (see {@link CreateRules#cpuOrigin}). */
    private final int cpuOrigin;

    ArrayMap(MapDefinition definition, MapSpec spec) {
        this(definition, spec, 1);
    }

    /** {@code copies} 0 allocates no value storage (program arrays keep theirs elsewhere). */
    ArrayMap(MapDefinition definition, MapSpec spec, int copies) {
        super(definition, spec);
        this.cpus = Math.max(1, copies);
        // bounded by MapDefinition.MAX_STORAGE_BYTES, so it fits an int
        this.cpuBlock = Math.toIntExact(CreateRules.cpuBlock(maxEntries, stride, cpus));
        this.cpuOrigin = CreateRules.cpuOrigin(cpus);
        this.values = new byte[Math.toIntExact(cpuOrigin + (long) cpuBlock * copies)];
    }

    /** Copies a global-data section's contents into element 0. */
    void initialise(byte[] data) {
        System.arraycopy(data, 0, values, 0, Math.min(data.length, valueSize));
    }

    @Override
    public byte[] values() {
        return values;
    }

    @Override
    public int size() {
        return maxEntries;
    }

    /** The element index a u32 key names, or -1 when it is out of range. */
    final int index(byte[] key, int offset) {
        long i = Integer.toUnsignedLong(Words.u32(key, offset));
        return i < maxEntries ? (int) i : -1;
    }

    /** Where CPU {@code cpu}'s copy of element {@code index} starts. */
    final int at(int index, int cpu) {
        return cpuOrigin + cpu * cpuBlock + index * stride;
    }

    private int callerCpu() {
        return cpus == 1 ? 0 : Cpus.current();
    }

    @Override
    public int lookupSlot(byte[] key, int keyOffset) {
        int i = index(key, keyOffset);
        return i < 0 ? -1 : at(i, callerCpu());
    }

    @Override
    long store(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags) {
        long r = check(key, keyOffset, flags);
        if (r < 0) {
            return r;
        }
        Words.copyIn(value, valueOffset, values, at((int) r, callerCpu()), valueSize);
        return 0;
    }

    /** The kernel's checks in its order; the element index, or a negated errno. */
    private long check(byte[] key, int keyOffset, long flags) {
        if (Long.compareUnsigned(flags & ~Errno.BPF_F_LOCK, Errno.BPF_EXIST) > 0) {
            return -Errno.EINVAL;
        }
        int i = index(key, keyOffset);
        if (i < 0) {
            return -Errno.E2BIG;
        }
        if ((flags & Errno.BPF_NOEXIST) != 0) {
            return -Errno.EEXIST;
        }
        if ((flags & Errno.BPF_F_LOCK) != 0) {
            return -Errno.EINVAL;
        }
        return i;
    }

    @Override
    long hostUpdate(byte[] key, byte[] value, long flags) {
        long r = check(key, 0, flags);
        if (r < 0) {
            return r;
        }
        for (int c = 0; c < cpus; c++) {
            Words.copyIn(value, c * stride, values, at((int) r, c), valueSize);
        }
        return 0;
    }

    @Override
    byte[] copyOf(byte[] key) {
        int i = index(key, 0);
        if (i < 0) {
            return null;
        }
        byte[] out = new byte[hostValueSize()];
        for (int c = 0; c < cpus; c++) {
            Words.copyOut(values, at(i, c), out, c * stride, valueSize);
        }
        return out;
    }

    /** Array elements cannot be deleted: always {@code -EINVAL}, as in the kernel. */
    @Override
    long erase(byte[] key, int keyOffset) {
        return -Errno.EINVAL;
    }

    /** Index order; a missing or out-of-range key restarts at 0, as the kernel's does. */
    @Override
    public long nextKey(byte[] key, int keyOffset, byte[] next, int nextOffset) {
        long i = key == null ? -1 : Integer.toUnsignedLong(Words.u32(key, keyOffset));
        if (i < 0 || i >= maxEntries) {
            Words.putU32(next, nextOffset, 0);
            return 0;
        }
        if (i == maxEntries - 1) {
            return -Errno.ENOENT;
        }
        Words.putU32(next, nextOffset, (int) i + 1);
        return 0;
    }

    /**
     * For program arrays, the program index stored at {@code index} (the target of
     * {@code bpf_tail_call}), else -1; -1 for every other array.
     */
    public int program(long index) {
        return -1;
    }
}
