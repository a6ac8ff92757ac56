package io.ebpfjvm.core.map;

import io.ebpfjvm.core.loader.MapSpec;

/**
 * {@code BPF_MAP_TYPE_PERCPU_ARRAY}: an array with one copy of each element per CPU
 * ({@link Cpus}). CPU {@code c}'s copy of element {@code i} is at
 * {@code (i * Cpus.COUNT + c) * stride}, so an element's copies are adjacent and the host
 * reads or writes them in one piece, in the kernel's user-space layout (each copy padded to
 * 8 bytes). Programs read and write their own CPU's copy.
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
