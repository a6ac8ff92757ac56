package io.ebpfjvm.core.map;

import io.ebpfjvm.core.loader.MapSpec;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * {@code BPF_MAP_TYPE_PROG_ARRAY}: slots holding program indices (in the kernel, program
 * file descriptors) for {@code bpf_tail_call}. Slots start empty. The host stores a
 * program with a 4-byte little-endian value (only {@link Errno#BPF_ANY}), deletes it, and
 * reads it back; {@link #program(long)} is what a tail call reads. Programs cannot look
 * elements up ({@link #lookupSlot} is always -1 and there is no value storage), as the
 * verifier forbids it in the kernel.
 */
public final class ProgArrayMap extends ArrayMap {
    private static final int EMPTY = -1;
    private final AtomicIntegerArray programs;

    ProgArrayMap(MapDefinition definition, MapSpec spec) {
        super(definition, spec, 0);
        this.programs = new AtomicIntegerArray(maxEntries);
        for (int i = 0; i < maxEntries; i++) {
            programs.set(i, EMPTY);
        }
    }

    @Override
    public int lookupSlot(byte[] key, int keyOffset) {
        return -1;
    }

    /** As the syscall: flags must be {@code BPF_ANY}; the value is a program index (a negative one is {@code -EBADF}). */
    @Override
    long store(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags) {
        if (flags != Errno.BPF_ANY) {
            return -Errno.EINVAL;
        }
        int i = index(key, keyOffset);
        if (i < 0) {
            return -Errno.E2BIG;
        }
        int program = Words.u32(value, valueOffset);
        if (program < 0) {
            return -Errno.EBADF;
        }
        programs.set(i, program);
        return 0;
    }

    @Override
    long hostUpdate(byte[] key, byte[] value, long flags) {
        return store(key, 0, value, 0, flags);
    }

    /** Empties a slot: 0, {@code -ENOENT} when it was empty, {@code -E2BIG} out of range. */
    @Override
    long erase(byte[] key, int keyOffset) {
        int i = index(key, keyOffset);
        if (i < 0) {
            return -Errno.E2BIG;
        }
        return programs.getAndSet(i, EMPTY) == EMPTY ? -Errno.ENOENT : 0;
    }

    @Override
    byte[] copyOf(byte[] key) {
        int i = index(key, 0);
        int program = i < 0 ? EMPTY : programs.get(i);
        if (program == EMPTY) {
            return null;
        }
        byte[] out = new byte[4];
        Words.putU32(out, 0, program);
        return out;
    }

    @Override
    public int program(long index) {
        return index < 0 || index >= maxEntries ? -1 : programs.get((int) index);
    }

    /** Slots holding a program. */
    @Override
    public int size() {
        int n = 0;
        for (int i = 0; i < maxEntries; i++) {
            n += programs.get(i) == EMPTY ? 0 : 1;
        }
        return n;
    }
}
