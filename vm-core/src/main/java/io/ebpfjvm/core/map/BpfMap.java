package io.ebpfjvm.core.map;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.loader.MapSpec;

import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * A live BPF map with the kernel's semantics. Values live in one flat preallocated array,
 * {@link #values()}, each at a multiple of {@link #valueStride()} (the value size rounded up
 * to 8, as the kernel lays preallocated elements out); a program-side lookup answers with a
 * byte index into that array, which the VM turns into the pointer
 * {@code (map region, index)}, and allocates nothing.
 *
 * <p>Two sets of operations:
 * <ul>
 *   <li>program side ({@code bpf_map_*_elem} helpers): {@link #lookupSlot}, {@link #update(byte[], int, byte[], int, long)},
 *       {@link #delete(byte[], int)}; keys and values are read from the caller's array at an offset, results are
 *       0 or a negated kernel errno ({@link Errno}); per-CPU maps act on the calling thread's CPU ({@link Cpus});</li>
 *   <li>host side ({@code bpf} syscall): {@link #lookup(byte[])}, {@link #update(byte[], byte[], long)},
 *       {@link #put}, {@link #remove}, {@link #nextKey(byte[], int, byte[], int)}, {@link #forEach}; values are in
 *       user-space layout ({@link #hostValueSize()} bytes: every CPU's copy for per-CPU maps).</li>
 * </ul>
 *
 * <p>Every map is safe for any number of program threads and Java threads at once. A failed
 * update changes nothing. Structural changes (insert, delete, eviction) take the map's lock;
 * lookups do not (they read optimistically and retry under the lock if a writer interfered).
 * Value bytes: each naturally aligned 8-byte word of a value is written whole; a value as a
 * whole is replaced atomically (copy-on-write, a reader sees all old or all new) for hash,
 * LRU and LPM maps, and overwritten in place (readers may see a mix of old and new words)
 * for arrays and per-CPU maps, which is what the kernel does too. Values a program changes
 * through its pointer are plain memory: use atomic instructions for counters.
 */
public abstract sealed class BpfMap permits ArrayMap, HashMap, LpmTrieMap, RingBufMap, RedirectMap, PerfEventArrayMap {
    private final MapDefinition definition;
    private final MapSpec spec;
    final int keySize;
    final int valueSize;
    final int maxEntries;
    final int stride;

    BpfMap(MapDefinition definition, MapSpec spec) {
        this.definition = definition;
        this.spec = spec;
        this.keySize = definition.keySize();
        this.valueSize = definition.valueSize();
        this.maxEntries = definition.maxEntries();
        this.stride = definition.valueStride();
    }

    /**
     * Creates an empty map.
     *
     * @throws MapCreateException when the kernel would refuse the definition (already checked when it was built)
     */
    public static BpfMap create(MapDefinition definition) {
        MapSpec spec = new MapSpec(definition.name(), definition.type().id(), definition.keySize(), definition.valueSize(),
            definition.maxEntries(), definition.flags(), 0, 0, null, definition.readOnlyForPrograms());
        return create(definition, spec);
    }

    /**
     * Creates the map a loaded object declares; a global-data map ({@code .data}, {@code .rodata},
     * {@code .bss}) starts with the section's contents in element 0.
     *
     * @throws MapCreateException when the type is not implemented or the kernel would refuse the declaration
     */
    public static BpfMap create(MapSpec spec) {
        BpfMap map = create(MapDefinition.of(spec), spec);
        if (spec.initialData() != null) {
            if (!(map instanceof ArrayMap array) || map.type() != MapType.ARRAY) {
                throw new MapCreateException(Errno.EINVAL, map.describe() + ": only arrays take initial data");
            }
            array.initialise(spec.initialData());
        }
        return map;
    }

    private static BpfMap create(MapDefinition d, MapSpec spec) {
        try {
            return allocate(d, spec);
        } catch (OutOfMemoryError e) {
            // Within the storage limit but more than this heap holds: the failed allocation
            // leaves nothing behind, so it is reported like the kernel's -ENOMEM.
            throw new MapCreateException(Errno.ENOMEM, "map '" + d.name() + "' (BPF_MAP_TYPE_" + d.type().name()
                + "): cannot preallocate its storage: the JVM heap is too small (" + e.getMessage() + "; ENOMEM)");
        }
    }

    private static BpfMap allocate(MapDefinition d, MapSpec spec) {
        return switch (d.type()) {
            case ARRAY -> new ArrayMap(d, spec);
            case PERCPU_ARRAY -> new PerCpuArrayMap(d, spec);
            case PROG_ARRAY -> new ProgArrayMap(d, spec);
            case HASH -> new HashMap(d, spec);
            case PERCPU_HASH -> new PerCpuHashMap(d, spec);
            case LRU_HASH -> new LruHashMap(d, spec);
            case LPM_TRIE -> new LpmTrieMap(d, spec);
            case RINGBUF -> new RingBufMap(d, spec);
            case DEVMAP, DEVMAP_HASH, CPUMAP, XSKMAP -> new RedirectMap(d, spec);
            case PERF_EVENT_ARRAY -> new PerfEventArrayMap(d, spec);
        };
    }

    public MapDefinition definition() {
        return definition;
    }

    /** The declaration this map was created from (synthesised for maps created from a {@link MapDefinition}). */
    public MapSpec spec() {
        return spec;
    }

    public String name() {
        return definition.name();
    }

    public MapType type() {
        return definition.type();
    }

    public int keySize() {
        return keySize;
    }

    public int valueSize() {
        return valueSize;
    }

    public int maxEntries() {
        return maxEntries;
    }

    /** The flat value storage, the array behind this map's memory region. */
    public abstract byte[] values();

    /** Distance between consecutive values in {@link #values()}. */
    public int valueStride() {
        return stride;
    }

    /** How many entries the map holds now ({@code max_entries} for arrays). */
    public abstract int size();

    // ---- program side -------------------------------------------------------------------

    /**
     * {@code bpf_map_lookup_elem}: the index in {@link #values()} of the value stored under the
     * {@code keySize} bytes at {@code key[keyOffset]} (for per-CPU maps, the calling thread's
     * CPU's copy), or -1 when there is none. Allocates nothing.
     */
    public abstract int lookupSlot(byte[] key, int keyOffset);

    /** The same as {@link #lookupSlot}; the name the helpers use. */
    public final int lookup(byte[] key, int keyOffset) {
        return lookupSlot(key, keyOffset);
    }

    /**
     * {@code bpf_map_update_elem} with {@link Errno#BPF_ANY}, {@link Errno#BPF_NOEXIST} or
     * {@link Errno#BPF_EXIST}: stores the {@code valueSize} bytes at {@code value[valueOffset]}.
     *
     * @return 0, or a negated errno: {@code -EEXIST}, {@code -ENOENT}, {@code -E2BIG} (full or index out of
     *     range), {@code -EINVAL} (bad flags), as the kernel returns for the map's type
     */
    public final long update(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags) {
        Objects.checkFromIndexSize(keyOffset, keySize, key.length);
        Objects.checkFromIndexSize(valueOffset, valueSize, value.length);
        return programReadOnly() ? -Errno.EPERM : store(key, keyOffset, value, valueOffset, flags);
    }

    /**
     * {@code bpf_map_delete_elem}: 0, {@code -ENOENT}, or {@code -EINVAL} for arrays;
     * {@code -EPERM} when programs may not write the map.
     */
    public final long delete(byte[] key, int keyOffset) {
        Objects.checkFromIndexSize(keyOffset, keySize, key.length);
        return programReadOnly() ? -Errno.EPERM : erase(key, keyOffset);
    }

    /** Program-side update, bounds already checked. */
    abstract long store(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags);

    /** Delete, program or host side, bounds already checked. */
    abstract long erase(byte[] key, int keyOffset);

    // ---- host side ----------------------------------------------------------------------

    /**
     * {@code BPF_MAP_GET_NEXT_KEY}: writes into {@code next[nextOffset]} the key after the one
     * at {@code key[keyOffset]}, or the first key when {@code key} is null or not in the map.
     *
     * @return 0, or {@code -ENOENT} after the last key
     */
    public abstract long nextKey(byte[] key, int keyOffset, byte[] next, int nextOffset);

    /** Bytes of a value as the host reads and writes it: all CPUs' copies, each padded to 8, for per-CPU maps. */
    public int hostValueSize() {
        return definition.hostValueSize();
    }

    /**
     * {@code BPF_MAP_LOOKUP_ELEM}: a copy of the value under {@code key} ({@link #hostValueSize()}
     * bytes), or null. Unlike a program's lookup it does not count as a use for LRU maps.
     */
    public byte[] lookup(byte[] key) {
        checkKey(key);
        if ((definition.flags() & MapFlags.WRONLY) != 0) {
            throw new EbpfException(describe() + ": user space may not read it (BPF_F_WRONLY)");
        }
        return copyOf(key);
    }

    /** The same as {@link #lookup(byte[])}. */
    public final byte[] get(byte[] key) {
        return lookup(key);
    }

    /**
     * {@code BPF_MAP_UPDATE_ELEM}: stores {@code value} ({@link #hostValueSize()} bytes; for
     * per-CPU maps every CPU's copy) under {@code key}.
     *
     * @return 0 or a negated errno, as {@link #update(byte[], int, byte[], int, long)};
     *     {@code -EPERM} when the map is read-only for user space
     */
    public final long update(byte[] key, byte[] value, long flags) {
        checkKey(key);
        if (value.length != hostValueSize()) {
            throw new EbpfException("map '" + name() + "': value of " + value.length + " bytes, expected " + hostValueSize());
        }
        if ((definition.flags() & MapFlags.RDONLY) != 0) {
            return -Errno.EPERM;
        }
        if ((flags & Errno.BPF_F_LOCK) != 0) {
            return -Errno.EINVAL;
        }
        return hostUpdate(key, value, flags);
    }

    /** Host-side {@link #update(byte[], byte[], long)} with {@code BPF_ANY}; throws naming the errno on failure. */
    public final void put(byte[] key, byte[] value) {
        long r = update(key, value, Errno.BPF_ANY);
        if (r < 0) {
            throw new EbpfException(describe() + ": update failed with " + Errno.name(r));
        }
    }

    /** {@code BPF_MAP_DELETE_ELEM}: true when the key was there; throws for maps that cannot delete (arrays). */
    public final boolean remove(byte[] key) {
        checkKey(key);
        long r = (definition.flags() & MapFlags.RDONLY) != 0 ? -Errno.EPERM : erase(key, 0);
        if (r < 0 && r != -Errno.ENOENT) {
            throw new EbpfException(describe() + ": delete failed with " + Errno.name(r));
        }
        return r == 0;
    }

    /** {@link #nextKey(byte[], int, byte[], int)} on whole arrays; false at the end. */
    public final boolean nextKey(byte[] key, byte[] next) {
        if (key != null) {
            checkKey(key);
        }
        checkKey(next);
        return nextKey(key, 0, next, 0) == 0;
    }

    /**
     * Visits every entry, in {@code BPF_MAP_GET_NEXT_KEY} order, with copies of key and value
     * (user-space layout). Entries added or removed during the walk may or may not be seen, as
     * with the kernel's iteration.
     */
    public void forEach(BiConsumer<byte[], byte[]> visitor) {
        byte[] key = null;
        byte[] next = new byte[keySize];
        while (nextKey(key, 0, next, 0) == 0) {
            byte[] k = next.clone();
            byte[] v = copyOf(k);
            if (v != null) {
                visitor.accept(k, v);
            }
            key = k;
        }
    }

    /** Host update of a key and value of the right sizes, flags not yet checked. */
    abstract long hostUpdate(byte[] key, byte[] value, long flags);

    /** Host read of the value under a key of the right size. */
    abstract byte[] copyOf(byte[] key);

    void checkKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != keySize) {
            throw new EbpfException("map '" + name() + "': key of " + key.length + " bytes, expected " + keySize);
        }
    }

    /** {@code map 'name' (BPF_MAP_TYPE_X)}. */
    public final String describe() {
        return definition.describe();
    }

    @Override
    public String toString() {
        return describe() + " key " + keySize + " value " + valueSize + " max_entries " + maxEntries;
    }

    /**
     * The kernel's first update check: anything but ANY, NOEXIST or EXIST is {@code -EINVAL}
     * (BPF_F_LOCK too: no map here has a spin lock in its value).
     */
    static boolean badFlags(long flags) {
        return Long.compareUnsigned(flags, Errno.BPF_EXIST) > 0;
    }

    /** Programs may not change a map marked {@link MapFlags#RDONLY_PROG} (the verifier refuses them; this is the runtime guard). */
    final boolean programReadOnly() {
        return (definition.flags() & MapFlags.RDONLY_PROG) != 0;
    }
}
