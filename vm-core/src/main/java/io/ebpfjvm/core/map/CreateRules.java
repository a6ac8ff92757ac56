package io.ebpfjvm.core.map;

import static io.ebpfjvm.core.map.MapFlags.*;

/**
 * The checks {@code BPF_MAP_CREATE} applies, per type, in the kernel's order (so the errno
 * matches when several things are wrong), then this VM's own size limits. Every failure is a
 * {@link MapCreateException} whose message names the map, the field and what was expected.
 */
final class CreateRules {
    private CreateRules() {
    }

    /** The kernel's KMALLOC_MAX_SIZE on x86-64 with 4 KiB pages; bounds hash elements. */
    private static final long KMALLOC_MAX = 1L << 22;
    /** The kernel's PCPU_MIN_UNIT_SIZE: the largest per-CPU value. */
    private static final long PCPU_MAX_VALUE = 32 << 10;
    private static final long PAGE = 4096;
    private static final int LPM_DATA_MAX = 256;

    private static final int ARRAY_FLAGS = NUMA_NODE | MMAPABLE | ACCESS_MASK | PRESERVE_ELEMS | INNER_MAP;
    private static final int HASH_FLAGS = NO_PREALLOC | NO_COMMON_LRU | NUMA_NODE | ACCESS_MASK | ZERO_SEED;
    private static final int LPM_FLAGS = NO_PREALLOC | NUMA_NODE | ACCESS_MASK;
    private static final int RINGBUF_FLAGS = NUMA_NODE;

    static int stride(int valueSize) {
        return (valueSize + 7) & ~7;
    }

    static void check(MapDefinitionView d) {
        if (d.has(RDONLY) && d.has(WRONLY)) {
            throw fail(d, Errno.EINVAL, "map_flags 0x" + Integer.toHexString(d.flags()) + " has both BPF_F_RDONLY and BPF_F_WRONLY");
        }
        switch (d.type()) {
            case ARRAY, PERCPU_ARRAY, PROG_ARRAY -> array(d);
            case HASH, PERCPU_HASH, LRU_HASH -> hash(d);
            case LPM_TRIE -> lpm(d);
            case RINGBUF -> ringbuf(d);
            case PERF_EVENT_ARRAY -> {
                common(d);
                require(d, d.key() == 4 && d.value() == 4, "key_size " + d.key() + ", value_size " + d.value()
                    + ", expected 4 and 4 (a u32 index and a perf event fd)");
                allowedFlags(d, NUMA_NODE | ACCESS_MASK | PRESERVE_ELEMS);
            }
            case DEVMAP, DEVMAP_HASH, CPUMAP, XSKMAP -> redirect(d);
        }
        ownLimits(d);
    }

    private static void array(MapDefinitionView d) {
        if (d.type() == MapType.PROG_ARRAY) {
            require(d, d.value() == 4, "value_size " + d.value() + ", expected 4 (a program index)");
            require(d, !d.has(RDONLY_PROG | WRONLY_PROG), "program arrays take no BPF_F_RDONLY_PROG/BPF_F_WRONLY_PROG");
        }
        common(d);
        require(d, d.key() == 4, "key_size " + d.key() + ", expected 4 (a u32 index)");
        require(d, d.value() > 0, "value_size 0, expected at least 1");
        allowedFlags(d, ARRAY_FLAGS);
        require(d, !(d.type().isPerCpu() && d.has(NUMA_NODE)), "per-CPU maps take no BPF_F_NUMA_NODE");
        require(d, d.type() == MapType.ARRAY || !d.has(MMAPABLE | INNER_MAP),
            "only BPF_MAP_TYPE_ARRAY takes BPF_F_MMAPABLE or BPF_F_INNER_MAP");
        require(d, !d.has(PRESERVE_ELEMS), "BPF_F_PRESERVE_ELEMS is for perf event arrays");
        perCpuValue(d);
    }

    private static void hash(MapDefinitionView d) {
        boolean lru = d.type() == MapType.LRU_HASH;
        allowedFlags(d, HASH_FLAGS);
        require(d, lru || !d.has(NO_COMMON_LRU), "BPF_F_NO_COMMON_LRU is for LRU maps");
        if (lru && d.has(NO_PREALLOC)) {
            throw fail(d, Errno.ENOTSUPP, "LRU maps are always preallocated: BPF_F_NO_PREALLOC is not supported");
        }
        require(d, !(d.has(NUMA_NODE) && (d.type().isPerCpu() || d.has(NO_COMMON_LRU))),
            "per-CPU maps take no BPF_F_NUMA_NODE");
        common(d);
        require(d, d.key() > 0, "key_size 0, expected at least 1");
        require(d, d.value() > 0, "value_size 0, expected at least 1");
        if (d.key() + d.value() >= KMALLOC_MAX - 64) {
            throw fail(d, Errno.E2BIG, "key_size " + d.key() + " + value_size " + d.value() + " is more than an element may hold");
        }
        perCpuValue(d);
    }

    private static void lpm(MapDefinitionView d) {
        common(d);
        require(d, d.has(NO_PREALLOC), "LPM tries need map_flags BPF_F_NO_PREALLOC, as in the kernel");
        allowedFlags(d, LPM_FLAGS);
        require(d, d.key() >= 5 && d.key() <= 4 + LPM_DATA_MAX,
            "key_size " + d.key() + ", expected 5.." + (4 + LPM_DATA_MAX) + " (u32 prefixlen + 1..256 data bytes)");
        require(d, d.value() >= 1 && d.value() <= KMALLOC_MAX - LPM_DATA_MAX - 64,
            "value_size " + d.value() + ", expected 1.." + (KMALLOC_MAX - LPM_DATA_MAX - 64));
    }

    private static void ringbuf(MapDefinitionView d) {
        allowedFlags(d, RINGBUF_FLAGS);
        long size = d.entries();
        require(d, d.key() == 0 && d.value() == 0 && Long.bitCount(size) == 1 && size % PAGE == 0,
            "key_size " + d.key() + ", value_size " + d.value() + ", max_entries " + size
                + ": ring buffers need key_size 0, value_size 0 and max_entries a power of 2 multiple of " + PAGE);
    }

    /** dev_map_alloc_check, cpu_map_alloc, xsk_map_alloc: u32 keys, a u32 value (+ a program fd for dev/cpu maps). */
    private static void redirect(MapDefinitionView d) {
        boolean xsk = d.type() == MapType.XSKMAP;
        boolean wideValue = !xsk && d.value() == 8;
        require(d, d.entries() > 0 && d.key() == 4 && (d.value() == 4 || wideValue), "key_size " + d.key() + ", value_size "
            + d.value() + ", max_entries " + d.entries() + ": expected key_size 4, value_size 4" + (xsk ? "" : " or 8")
            + " and max_entries > 0");
        int allowed = d.type() == MapType.CPUMAP ? NUMA_NODE : NUMA_NODE | RDONLY | WRONLY;
        allowedFlags(d, allowed);
    }

    private static void common(MapDefinitionView d) {
        require(d, d.entries() > 0, "max_entries 0, expected at least 1");
    }

    /** Unknown bits, or both program-access restrictions at once. */
    private static void allowedFlags(MapDefinitionView d, int allowed) {
        int extra = d.flags() & ~allowed;
        require(d, extra == 0, "map_flags 0x" + Integer.toHexString(d.flags()) + " has bits 0x"
            + Integer.toHexString(extra) + " this map type does not take");
        require(d, !(d.has(RDONLY_PROG) && d.has(WRONLY_PROG)), "both BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG");
    }

    private static void perCpuValue(MapDefinitionView d) {
        if (d.type().isPerCpu() && stride((int) Math.min(d.value(), Integer.MAX_VALUE - 8)) > PCPU_MAX_VALUE) {
            throw fail(d, Errno.E2BIG, "value_size " + d.value() + ", per-CPU values are at most " + PCPU_MAX_VALUE + " bytes");
        }
    }

    /** Limits the kernel does not have but a VM in someone's heap needs. */
    private static void ownLimits(MapDefinitionView d) {
        if (d.value() > MapDefinition.MAX_VALUE_SIZE || d.key() > MapDefinition.MAX_VALUE_SIZE) {
            throw fail(d, Errno.E2BIG, "key_size " + d.key() + ", value_size " + d.value()
                + ": ebpf-jvm supports keys and values of at most " + MapDefinition.MAX_VALUE_SIZE + " bytes");
        }
        long bytes = storageBytes(d);
        long limit = MapDefinition.storageLimit();
        if (bytes > limit) {
            String bound = limit % (1 << 20) == 0 ? (limit >> 20) + " MiB" : limit + " bytes";
            throw fail(d, Errno.ENOMEM, "max_entries " + d.entries() + " x value_size " + d.value()
                + " needs " + bytes + " bytes of storage, more than the " + bound + " ebpf-jvm preallocates for one map"
                + (limit == MapDefinition.MAX_STORAGE_BYTES ? "" : " (-D" + MapDefinition.STORAGE_LIMIT_PROPERTY + ")"));
        }
    }

    /**
     * Bytes of one CPU's copies of {@code elements} values. Per-CPU maps keep each CPU's copies
     * together and start the next CPU's a cache line further than needed, so threads on
     * different CPUs never write the same cache line (no false sharing), as in the kernel,
     * whose per-CPU areas are apart.
     */
    static long cpuBlock(long elements, int stride, int cpus) {
        long bytes = elements * stride;
        return cpus == 1 ? bytes : ((bytes + 63) & ~63L) + 64;
    }

    /**
     * Where CPU 0's block starts. Per-CPU maps leave the first cache line empty: the array's
     * header (its length, read by every bounds check on any CPU) would otherwise share a line
     * with CPU 0's values, and each of CPU 0's writes would evict it from the other CPUs.
     */
    static int cpuOrigin(int cpus) {
        return cpus == 1 ? 0 : 64;
    }

    /** What the implementation of {@code d} allocates, in bytes (sizes already bounded, so no overflow). */
    static long storageBytes(MapDefinitionView d) {
        long n = d.entries();
        long stride = (d.value() + 7) & ~7L;
        long cpus = d.type().isPerCpu() ? Cpus.COUNT : 1;
        return switch (d.type()) {
            case ARRAY, PERCPU_ARRAY -> cpuOrigin((int) cpus) + cpuBlock(n, (int) stride, (int) cpus) * cpus;
            case PROG_ARRAY -> n * 4;
            // one spare slot for copy-on-write replacement; keys, chain links, buckets, LRU links
            case HASH, PERCPU_HASH, LRU_HASH -> cpuOrigin((int) cpus) + cpuBlock(n + 1, (int) stride, (int) cpus) * cpus
                + (n + 1) * (d.key() + 4 + 9) + 8 * n;
            // value slots plus up to 2n-1 trie nodes (data, prefix length, two children, value slot)
            case LPM_TRIE -> (n + 1) * stride + 2 * n * (d.key() - 4 + 16);
            // the data area twice over so a record that wraps stays contiguous
            case RINGBUF -> 2 * n;
            case PERF_EVENT_ARRAY -> 8 * n;
            case DEVMAP, CPUMAP, XSKMAP -> n * stride + 4 * n;
            case DEVMAP_HASH -> (n + 1) * (stride + d.key() + 4 + 9) + 8 * n;
        };
    }

    private static void require(MapDefinitionView d, boolean ok, String what) {
        if (!ok) {
            throw fail(d, Errno.EINVAL, what);
        }
    }

    private static MapCreateException fail(MapDefinitionView d, int errno, String what) {
        return new MapCreateException(errno, d.where() + ": " + what + " (" + Errno.name(errno) + ")");
    }
}
