package io.ebpfjvm.core.map;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.loader.MapSpec;

import java.util.function.BiConsumer;

/**
 * A live map. Values live in one flat preallocated array, {@link #values()}, each at a
 * multiple of {@link #valueStride()} (the value size rounded up to 8, as the kernel lays
 * preallocated elements out); a lookup answers with an index into that array, which the VM
 * turns into a pointer the program can read and write, and allocates nothing.
 *
 * <p>Operations return 0 or a negated kernel errno ({@link Errno}), as the map helpers do.
 * All maps are safe for concurrent use by any number of program threads and Java threads.
 * A failed update changes nothing.
 */
public abstract class BpfMap {
    /** Most bytes one map may preallocate; a hostile declaration cannot exhaust memory. */
    public static final long MAX_BYTES = 1L << 30;

    protected final MapSpec spec;
    protected final int stride;

    protected BpfMap(MapSpec spec) {
        this.spec = spec;
        this.stride = (spec.valueSize() + 7) & ~7;
    }

    /** Creates an empty map of the declared type, checking the declaration as the kernel's map_create does. */
    public static BpfMap create(MapSpec spec) {
        MapType type = MapType.of(spec.type());
        if (type == null) {
            throw new EbpfException("map '" + spec.name() + "': type " + spec.type() + " is not supported (supported: "
                + java.util.Arrays.toString(MapType.values()) + ")");
        }
        if (spec.maxEntries() <= 0) {
            throw invalid(spec, "max_entries " + spec.maxEntries() + ", expected at least 1");
        }
        if (type != MapType.RINGBUF && (spec.valueSize() <= 0 || spec.valueSize() > (1 << 20))) {
            throw invalid(spec, "value_size " + spec.valueSize() + ", expected 1..1048576");
        }
        long perEntry = type == MapType.RINGBUF ? 1 : ((spec.valueSize() + 7L) & ~7L) + Math.max(0, spec.keySize());
        long cpus = type == MapType.PERCPU_ARRAY || type == MapType.PERCPU_HASH ? Cpus.COUNT : 1;
        if ((long) spec.maxEntries() * perEntry * cpus > MAX_BYTES) {
            throw invalid(spec, "max_entries " + spec.maxEntries() + " x value_size " + spec.valueSize()
                + " needs more than " + (MAX_BYTES >> 20) + " MiB");
        }
        return switch (type) {
            case ARRAY, PERCPU_ARRAY -> {
                requireKey(spec, 4);
                yield new ArrayMap(spec, type == MapType.PERCPU_ARRAY);
            }
            case PROG_ARRAY -> {
                requireKey(spec, 4);
                if (spec.valueSize() != 4) {
                    throw invalid(spec, "value_size " + spec.valueSize() + ", expected 4 (a program id)");
                }
                yield new ArrayMap(spec, false);
            }
            case HASH, LRU_HASH, PERCPU_HASH -> {
                if (spec.keySize() <= 0 || spec.keySize() > 512) {
                    throw invalid(spec, "key_size " + spec.keySize() + ", expected 1..512");
                }
                yield new HashTableMap(spec, type == MapType.LRU_HASH, type == MapType.PERCPU_HASH);
            }
            case LPM_TRIE -> {
                if (spec.keySize() < 5 || spec.keySize() > 4 + 256) {
                    throw invalid(spec, "key_size " + spec.keySize() + ", expected 5..260 (u32 prefixlen + data)");
                }
                if ((spec.flags() & 1) == 0) {
                    throw invalid(spec, "LPM tries need map_flags BPF_F_NO_PREALLOC, as in the kernel");
                }
                yield new LpmTrieMap(spec);
            }
            case RINGBUF -> {
                int size = spec.maxEntries();
                if (spec.keySize() != 0 || spec.valueSize() != 0 || Integer.bitCount(size) != 1 || size % 4096 != 0) {
                    throw invalid(spec, "ring buffers need key_size 0, value_size 0 and max_entries a power of 2"
                        + " multiple of 4096, got " + spec.keySize() + "/" + spec.valueSize() + "/" + size);
                }
                yield new RingBufMap(spec);
            }
        };
    }

    private static void requireKey(MapSpec spec, int size) {
        if (spec.keySize() != size) {
            throw invalid(spec, "key_size " + spec.keySize() + ", expected " + size);
        }
    }

    static EbpfException invalid(MapSpec spec, String what) {
        return new EbpfException("map '" + spec.name() + "' (" + MapType.of(spec.type()).kernelName() + "): " + what);
    }

    public MapSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public MapType type() {
        return MapType.of(spec.type());
    }

    /** The flat value storage. */
    public abstract byte[] values();

    /** Distance between consecutive values in {@link #values()}. */
    public int valueStride() {
        return stride;
    }

    /**
     * Index in {@link #values()} of the value stored under {@code key} (for per-CPU maps, the
     * calling thread's CPU's copy), or -1.
     */
    public abstract int lookup(byte[] key, int keyOffset);

    /** Program-side update ({@code bpf_map_update_elem}): 0 or a negated errno. */
    public abstract long update(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags);

    /** {@code bpf_map_delete_elem}: 0 or a negated errno. */
    public abstract long delete(byte[] key, int keyOffset);

    /**
     * Writes into {@code out} the key after {@code key} (the first key when {@code key} is
     * null or absent), as {@code BPF_MAP_GET_NEXT_KEY}; false at the end.
     */
    public abstract boolean nextKey(byte[] key, byte[] out);

    /** Bytes a host-side read of one value returns (all CPUs' copies for per-CPU maps). */
    public int hostValueSize() {
        return spec.valueSize();
    }

    /** Host-side read: a copy of the value (every CPU's copy, each padded to 8 bytes, for per-CPU maps) or null. */
    public byte[] get(byte[] key) {
        checkKey(key);
        int at = lookup(key, 0);
        if (at < 0) {
            return null;
        }
        byte[] out = new byte[spec.valueSize()];
        System.arraycopy(values(), at, out, 0, out.length);
        return out;
    }

    /** Host-side write with {@code BPF_ANY}; throws with the kernel's error name on failure. */
    public void put(byte[] key, byte[] value) {
        checkKey(key);
        if (value.length != hostValueSize()) {
            throw new EbpfException("map '" + name() + "': value of " + value.length + " bytes, expected " + hostValueSize());
        }
        long r = hostUpdate(key, value, Errno.BPF_ANY);
        if (r < 0) {
            throw new EbpfException("map '" + name() + "': update failed with " + Errno.name(r));
        }
    }

    /** Host-side update, all CPUs at once for per-CPU maps. */
    protected long hostUpdate(byte[] key, byte[] value, long flags) {
        return update(key, 0, value, 0, flags);
    }

    /** Host-side delete; true when the key was there. */
    public boolean remove(byte[] key) {
        checkKey(key);
        return delete(key, 0) == 0;
    }

    /** Visits every entry (keys in table order) with host-side values. */
    public void forEach(BiConsumer<byte[], byte[]> visitor) {
        byte[] key = null;
        byte[] next = new byte[Math.max(0, spec.keySize())];
        while (nextKey(key, next)) {
            byte[] k = next.clone();
            byte[] v = get(k);
            if (v != null) {
                visitor.accept(k, v);
            }
            key = k;
        }
    }

    protected void checkKey(byte[] key) {
        if (key.length != spec.keySize()) {
            throw new EbpfException("map '" + name() + "': key of " + key.length + " bytes, expected " + spec.keySize());
        }
    }

    static int u32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    static void putU32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }
}
