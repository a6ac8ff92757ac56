package io.ebpfjvm.core.map;

/** The map types ebpf-jvm implements, with the kernel's {@code BPF_MAP_TYPE_*} numbers. */
public enum MapType {
    HASH(1), ARRAY(2), PROG_ARRAY(3), PERCPU_HASH(5), PERCPU_ARRAY(6), LRU_HASH(9), LPM_TRIE(11), RINGBUF(27);

    private final int id;

    MapType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    public String kernelName() {
        return "BPF_MAP_TYPE_" + name();
    }

    public static MapType of(int id) {
        for (MapType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
