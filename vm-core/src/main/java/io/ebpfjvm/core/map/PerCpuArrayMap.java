package io.ebpfjvm.core.map;

import io.ebpfjvm.core.loader.MapSpec;

/**
 * {@code BPF_MAP_TYPE_PERCPU_ARRAY}: an array with one copy of each element per CPU
 * ({@link Cpus}). Each CPU's copies lie together, a cache line apart from the next CPU's
 * ({@link #valueIndex}), so threads on different CPUs never write the same line; the host
 * reads and writes an element's copies in the kernel's user-space layout (one after another,
 * each padded to 8 bytes). Programs read and write their own CPU's copy.
 */
public final class PerCpuArrayMap extends ArrayMap {
    PerCpuArrayMap(MapDefinition definition, MapSpec spec) {
        super(definition, spec, Cpus.COUNT);
    }

    /** Where CPU {@code cpu}'s copy of element {@code index} is in {@link #values()}. */
    public int valueIndex(int index, int cpu) {
        return at(index, cpu);
    }
}
