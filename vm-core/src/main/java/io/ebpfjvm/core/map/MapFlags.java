package io.ebpfjvm.core.map;

/** The {@code map_flags} bits of {@code BPF_MAP_CREATE} (the kernel's {@code BPF_F_*} values). */
public final class MapFlags {
    private MapFlags() {
    }

    /** Allocate elements on demand. Required for LPM tries; refused for LRU maps; here storage is always preallocated. */
    public static final int NO_PREALLOC = 1;
    /** LRU maps: one LRU list per CPU instead of a common one (accepted; one list is kept). */
    public static final int NO_COMMON_LRU = 1 << 1;
    /** The {@code numa_node} attribute is meaningful (accepted and ignored; refused for per-CPU maps as in the kernel). */
    public static final int NUMA_NODE = 1 << 2;
    /** User space may only read the map. */
    public static final int RDONLY = 1 << 3;
    /** User space may only write the map. */
    public static final int WRONLY = 1 << 4;
    public static final int STACK_BUILD_ID = 1 << 5;
    /** Hash maps: hash with seed 0 instead of a random one (deterministic iteration order). */
    public static final int ZERO_SEED = 1 << 6;
    /** Programs may only read the map (global {@code .rodata}). */
    public static final int RDONLY_PROG = 1 << 7;
    /** Programs may only write the map. */
    public static final int WRONLY_PROG = 1 << 8;
    public static final int CLONE = 1 << 9;
    /** Arrays: user space may mmap the values (here they are a Java array anyway). */
    public static final int MMAPABLE = 1 << 10;
    public static final int PRESERVE_ELEMS = 1 << 11;
    public static final int INNER_MAP = 1 << 12;

    /** The four access-restriction bits. */
    public static final int ACCESS_MASK = RDONLY | WRONLY | RDONLY_PROG | WRONLY_PROG;
}
