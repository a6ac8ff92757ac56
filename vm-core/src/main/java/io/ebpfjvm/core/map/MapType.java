package io.ebpfjvm.core.map;

import java.util.Locale;

/** The map types ebpf-jvm implements, with the kernel's {@code BPF_MAP_TYPE_*} numbers. */
public enum MapType {
    HASH(1), ARRAY(2), PROG_ARRAY(3), PERF_EVENT_ARRAY(4), PERCPU_HASH(5), PERCPU_ARRAY(6), LRU_HASH(9), LPM_TRIE(11),
    DEVMAP(14), CPUMAP(16), XSKMAP(17), DEVMAP_HASH(25), RINGBUF(27);

    private final int id;

    MapType(int id) {
        this.id = id;
    }

    /** The kernel's number for this type. */
    public int id() {
        return id;
    }

    /** The kernel's constant name, e.g. {@code BPF_MAP_TYPE_HASH}. */
    public String kernelName() {
        return "BPF_MAP_TYPE_" + name();
    }

    /** True for the types that keep one value per CPU. */
    public boolean isPerCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY;
    }

    /** True for the XDP redirect maps (devmap, devmap hash, cpumap, xskmap). */
    public boolean isRedirect() {
        return this == DEVMAP || this == DEVMAP_HASH || this == CPUMAP || this == XSKMAP;
    }

    /** The type with kernel number {@code id}, or null when ebpf-jvm does not implement it. */
    public static MapType of(int id) {
        for (MapType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /**
     * The type named {@code name}: {@code BPF_MAP_TYPE_LRU_HASH}, {@code LRU_HASH} or
     * bpftool's {@code lru_hash}; null when unknown.
     */
    public static MapType byName(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.startsWith("BPF_MAP_TYPE_")) {
            n = n.substring("BPF_MAP_TYPE_".length());
        }
        for (MapType t : values()) {
            if (t.name().equals(n)) {
                return t;
            }
        }
        return null;
    }
}
