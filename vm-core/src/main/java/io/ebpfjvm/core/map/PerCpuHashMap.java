package io.ebpfjvm.core.map;

import io.ebpfjvm.core.loader.MapSpec;

/**
 * {@code BPF_MAP_TYPE_PERCPU_HASH}: a {@link HashMap} whose entries hold one value per CPU
 * ({@link Cpus}); each CPU's copies lie together in {@link #values()}, a cache line apart
 * from the next CPU's (see {@code CreateRules.cpuBlock}). A program's insert sets its CPU's copy and zeroes the
 * others; a program's replacement overwrites only its CPU's copy, in place (as the kernel's
 * does, so there is no copy-on-write here); the host reads and writes all copies at once, in
 * the kernel's user-space layout (each copy padded to 8 bytes).
 */
public final class PerCpuHashMap extends HashMap {
    PerCpuHashMap(MapDefinition definition, MapSpec spec) {
        super(definition, spec, Cpus.COUNT);
    }

    @Override
    void fill(int slot, byte[] value, int valueOffset, boolean host) {
        int mine = callerCpu();
        for (int c = 0; c < cpus; c++) {
            if (host) {
                Words.copyIn(value, valueOffset + c * stride, values, valueIndex(slot, c), valueSize);
            } else if (c == mine) {
                Words.copyIn(value, valueOffset, values, valueIndex(slot, c), valueSize);
            } else {
                Words.zero(values, valueIndex(slot, c), valueSize);
            }
        }
    }

    @Override
    void replace(int old, byte[] value, int valueOffset, boolean host) {
        if (host) {
            for (int c = 0; c < cpus; c++) {
                Words.copyIn(value, valueOffset + c * stride, values, valueIndex(old, c), valueSize);
            }
        } else {
            Words.copyIn(value, valueOffset, values, valueIndex(old, callerCpu()), valueSize);
        }
    }
}
