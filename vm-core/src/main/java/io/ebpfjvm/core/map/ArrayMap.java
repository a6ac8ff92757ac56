package io.ebpfjvm.core.map;

import io.ebpfjvm.core.loader.MapSpec;

import java.util.Arrays;

/**
 * {@code ARRAY}, {@code PERCPU_ARRAY} and {@code PROG_ARRAY}: u32 index keys, every element
 * always present (zero-initialised), no delete. Per-CPU arrays keep one row per CPU:
 * element {@code i} of CPU {@code c} is at {@code (c * max_entries + i) * stride}.
 */
public final class ArrayMap extends BpfMap {
    private final byte[] values;
    private final boolean perCpu;
    /** For program arrays: which slots hold a program. */
    private final boolean[] present;

    ArrayMap(MapSpec spec, boolean perCpu) {
        super(spec);
        this.perCpu = perCpu;
        this.values = new byte[Math.multiplyExact(Math.multiplyExact(spec.maxEntries(), stride), perCpu ? Cpus.COUNT : 1)];
        this.present = type() == MapType.PROG_ARRAY ? new boolean[spec.maxEntries()] : null;
        if (spec.initialData() != null) {
            System.arraycopy(spec.initialData(), 0, values, 0, Math.min(spec.initialData().length, spec.valueSize()));
        }
    }

    @Override
    public byte[] values() {
        return values;
    }

    private int index(byte[] key, int off) {
        long i = u32(key, off) & 0xffffffffL;
        return i < spec.maxEntries() ? (int) i : -1;
    }

    private int at(int index, int cpu) {
        return (perCpu ? cpu * spec.maxEntries() + index : index) * stride;
    }

    @Override
    public int lookup(byte[] key, int keyOffset) {
        int i = index(key, keyOffset);
        if (i < 0 || (present != null && !present[i])) {
            return -1;
        }
        return at(i, perCpu ? Cpus.current() : 0);
    }

    @Override
    public long update(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags) {
        int i = index(key, keyOffset);
        if (flags > Errno.BPF_EXIST || flags < 0) {
            return -Errno.EINVAL;
        }
        if (i < 0) {
            return -Errno.E2BIG;
        }
        if (flags == Errno.BPF_NOEXIST) {
            return -Errno.EEXIST;
        }
        System.arraycopy(value, valueOffset, values, at(i, perCpu ? Cpus.current() : 0), spec.valueSize());
        if (present != null) {
            present[i] = true;
        }
        return 0;
    }

    @Override
    protected long hostUpdate(byte[] key, byte[] value, long flags) {
        if (!perCpu) {
            return update(key, 0, value, 0, flags);
        }
        int i = index(key, 0);
        if (i < 0) {
            return -Errno.E2BIG;
        }
        if (flags == Errno.BPF_NOEXIST) {
            return -Errno.EEXIST;
        }
        for (int c = 0; c < Cpus.COUNT; c++) {
            System.arraycopy(value, c * stride, values, at(i, c), spec.valueSize());
        }
        return 0;
    }

    @Override
    public int hostValueSize() {
        return perCpu ? stride * Cpus.COUNT : spec.valueSize();
    }

    @Override
    public byte[] get(byte[] key) {
        checkKey(key);
        int i = index(key, 0);
        if (i < 0 || (present != null && !present[i])) {
            return null;
        }
        if (!perCpu) {
            return Arrays.copyOfRange(values, at(i, 0), at(i, 0) + spec.valueSize());
        }
        byte[] out = new byte[hostValueSize()];
        for (int c = 0; c < Cpus.COUNT; c++) {
            System.arraycopy(values, at(i, c), out, c * stride, spec.valueSize());
        }
        return out;
    }

    @Override
    public long delete(byte[] key, int keyOffset) {
        if (present == null) {
            return -Errno.EINVAL;
        }
        int i = index(key, keyOffset);
        if (i < 0 || !present[i]) {
            return -Errno.ENOENT;
        }
        present[i] = false;
        return 0;
    }

    @Override
    public boolean nextKey(byte[] key, byte[] out) {
        long next = key == null ? 0 : (u32(key, 0) & 0xffffffffL) + 1;
        if (key != null && (u32(key, 0) & 0xffffffffL) >= spec.maxEntries()) {
            next = 0;
        }
        if (next >= spec.maxEntries()) {
            return false;
        }
        putU32(out, 0, (int) next);
        return true;
    }

    /** For program arrays: the program id stored at {@code index}, or -1. */
    public int program(long index) {
        if (present == null || index < 0 || index >= spec.maxEntries() || !present[(int) index]) {
            return -1;
        }
        return u32(values, (int) index * stride);
    }
}
