package io.ebpfjvm.core.map;

import io.ebpfjvm.core.loader.MapSpec;

import java.util.Arrays;
import java.util.Objects;

/**
 * What {@code BPF_MAP_CREATE} is given: a map's type, key and value sizes, capacity and
 * flags. Constructing one checks it as the kernel's {@code map_create} and the type's
 * allocation check do, and throws a {@link MapCreateException} carrying the kernel's errno
 * for anything the kernel refuses; it also refuses sizes this VM will not preallocate
 * (value or key above {@link #MAX_VALUE_SIZE}, storage above {@link #storageLimit()}), so
 * a hostile declaration can never exhaust the heap.
 *
 * <p>Sizes are the kernel's {@code __u32}s: a negative {@code int} reads as a value above 2^31.
 *
 * @param name       map name, for messages (not checked against the kernel's 15-character rule)
 * @param type       the map type
 * @param keySize    key size in bytes
 * @param valueSize  value size in bytes
 * @param maxEntries capacity (for ring buffers: the data area size in bytes)
 * @param flags      {@code map_flags}, see {@link MapFlags}
 */
public record MapDefinition(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags) {
    /** Largest key or value this VM accepts (the kernel's bounds are a few MiB). */
    public static final int MAX_VALUE_SIZE = 1 << 20;
    /** Most bytes one map may preallocate, all CPUs' copies included (storage is int-indexed). */
    public static final long MAX_STORAGE_BYTES = 1L << 30;
    /** System property lowering {@link #storageLimit()} below {@link #MAX_STORAGE_BYTES}, in bytes. */
    public static final String STORAGE_LIMIT_PROPERTY = "ebpf.map.maxStorageBytes";

    /**
     * The most bytes one map may preallocate: {@link #MAX_STORAGE_BYTES}, or less when
     * {@code -Debpf.map.maxStorageBytes=N} says so (an embedding JVM with a small heap).
     * Read at each map creation.
     */
    public static long storageLimit() {
        String v = System.getProperty(STORAGE_LIMIT_PROPERTY);
        if (v == null || v.isBlank()) {
            return MAX_STORAGE_BYTES;
        }
        long limit;
        try {
            limit = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(STORAGE_LIMIT_PROPERTY + "=" + v + ": expected a number of bytes");
        }
        if (limit <= 0 || limit > MAX_STORAGE_BYTES) {
            throw new IllegalArgumentException(STORAGE_LIMIT_PROPERTY + "=" + v + ": expected 1.." + MAX_STORAGE_BYTES + " bytes");
        }
        return limit;
    }

    public MapDefinition {
        name = name == null ? "" : name;
        Objects.requireNonNull(type, "type");
        CreateRules.check(new MapDefinitionView(name, type, keySize, valueSize, maxEntries, flags));
    }

    /**
     * The definition of a loader's map declaration.
     *
     * @throws MapCreateException when the type is not implemented or the kernel would refuse it
     */
    public static MapDefinition of(MapSpec spec) {
        int entries = spec.maxEntries();
        if (spec.type() == MapType.PERF_EVENT_ARRAY.id() && entries == 0) {
            entries = Cpus.COUNT; // libbpf sizes a perf event array without max_entries to the CPU count
        }
        return of(spec.name(), spec.type(), spec.keySize(), spec.valueSize(), entries, spec.flags());
    }

    /** A definition from the kernel's numeric type; an unknown type fails with {@code EINVAL}, as in the kernel. */
    public static MapDefinition of(String name, int typeId, int keySize, int valueSize, int maxEntries, int flags) {
        MapType type = MapType.of(typeId);
        if (type == null) {
            throw new MapCreateException(Errno.EINVAL, "map '" + name + "': type " + typeId
                + " is not supported (supported: " + Arrays.toString(MapType.values()) + ") (EINVAL)");
        }
        return new MapDefinition(name, type, keySize, valueSize, maxEntries, flags);
    }

    /** Distance between two values in a map's storage: the value size rounded up to 8, as the kernel lays values out. */
    public int valueStride() {
        return CreateRules.stride(valueSize);
    }

    /** Copies of each value: {@link Cpus#COUNT} for per-CPU maps, else 1. */
    public int cpus() {
        return type.isPerCpu() ? Cpus.COUNT : 1;
    }

    /**
     * Bytes of one value as user space reads and writes it: every CPU's copy, each padded to
     * 8 bytes, for per-CPU maps (the kernel's layout); 4 (a program index) for program arrays.
     */
    public int hostValueSize() {
        return switch (type) {
            case PERCPU_ARRAY, PERCPU_HASH -> valueStride() * cpus();
            case PROG_ARRAY -> 4;
            case RINGBUF -> 0;
            case PERF_EVENT_ARRAY -> 4;
            default -> valueSize;
        };
    }

    /** The bytes this map preallocates (approximately: the big arrays). */
    public long storageBytes() {
        return CreateRules.storageBytes(new MapDefinitionView(name, type, keySize, valueSize, maxEntries, flags));
    }

    /** True when programs may not write the map ({@link MapFlags#RDONLY_PROG}). */
    public boolean readOnlyForPrograms() {
        return (flags & MapFlags.RDONLY_PROG) != 0;
    }

    /** {@code map 'name' (BPF_MAP_TYPE_X)}, the prefix of every message about this map. */
    public String describe() {
        return "map '" + name + "' (" + type.kernelName() + ")";
    }
}
