package io.ebpfjvm.core.map;

import io.ebpfjvm.core.loader.MapSpec;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The XDP redirect maps: {@code BPF_MAP_TYPE_DEVMAP} and {@code DEVMAP_HASH} (values: a u32
 * ifindex, optionally followed by a u32 program fd), {@code CPUMAP} (a u32 queue size,
 * optionally a program fd) and {@code XSKMAP} (a u32 AF_XDP socket). The VM has no devices,
 * CPUs queues or sockets behind them: the host fills entries, and {@code bpf_redirect_map}
 * reports the entry it picked ({@link #hasTarget}) to the caller of the run.
 *
 * <p>Kernel rules kept: u32 keys; a DEVMAP/CPUMAP/XSKMAP key is an index below
 * {@code max_entries} whose slot may be empty; DEVMAP_HASH keys are any u32 ({@code -E2BIG}
 * when full). Host updates refuse {@code BPF_NOEXIST} on index maps ({@code -EEXIST}); an
 * ifindex of 0 empties a DEVMAP slot and is refused by DEVMAP_HASH ({@code -EINVAL}: no such
 * device), any other ifindex is accepted (there are no devices to check); a CPU at or above the CPU count
 * ({@code -ENODEV}); a queue size of 0 empties a CPUMAP slot; programs attached through the
 * second value word are not supported ({@code -EINVAL}). Deleting an index within range
 * always succeeds. Programs may look DEVMAP entries up (read-only values), never change them;
 * CPUMAP and XSKMAP lookups from programs find nothing here.
 */
public final class RedirectMap extends BpfMap {
    private static final int ENODEV = 19;
    private final byte[] values;
    /** Index maps: 1 where the slot holds an entry. */
    private final AtomicIntegerArray present;
    /** DEVMAP_HASH: the entries, in a hash map of the same sizes. */
    private final HashMap hash;

    RedirectMap(MapDefinition definition, MapSpec spec) {
        super(definition, spec);
        if (definition.type() == MapType.DEVMAP_HASH) {
            this.hash = new HashMap(new MapDefinition(definition.name(), MapType.HASH, 4, valueSize, maxEntries, 0), spec);
            this.values = hash.values();
            this.present = null;
        } else {
            this.hash = null;
            this.values = new byte[Math.toIntExact((long) maxEntries * stride)];
            this.present = new AtomicIntegerArray(maxEntries);
        }
    }

    @Override
    public byte[] values() {
        return values;
    }

    @Override
    public int size() {
        if (hash != null) {
            return hash.size();
        }
        int n = 0;
        for (int i = 0; i < maxEntries; i++) {
            n += present.get(i);
        }
        return n;
    }

    /** The kernel's lookup for {@code bpf_redirect_map}: does the (u32-truncated) key name an entry? */
    public boolean hasTarget(long key) {
        int k = (int) key;
        if (hash != null) {
            byte[] scratch = KEY.get();
            Words.putU32(scratch, 0, k);
            return hash.lookupSlot(scratch, 0) >= 0;
        }
        long i = Integer.toUnsignedLong(k);
        return i < maxEntries && present.get((int) i) != 0;
    }

    private static final ThreadLocal<byte[]> KEY = ThreadLocal.withInitial(() -> new byte[4]);

    @Override
    public int lookupSlot(byte[] key, int keyOffset) {
        if (type() != MapType.DEVMAP && type() != MapType.DEVMAP_HASH) {
            return -1;
        }
        if (hash != null) {
            return hash.lookupSlot(key, keyOffset);
        }
        long i = Integer.toUnsignedLong(Words.u32(key, keyOffset));
        return i < maxEntries && present.get((int) i) != 0 ? (int) i * stride : -1;
    }

    /** Programs cannot change redirect maps (the kernel's verifier refuses the call). */
    @Override
    long store(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags) {
        return -Errno.EPERM;
    }

    @Override
    long hostUpdate(byte[] key, byte[] value, long flags) {
        if (badFlags(flags)) {
            return -Errno.EINVAL;
        }
        int k = Words.u32(key, 0);
        if (hash == null) {
            if (Integer.toUnsignedLong(k) >= maxEntries) {
                return -Errno.E2BIG;
            }
            if (flags == Errno.BPF_NOEXIST) {
                return -Errno.EEXIST;
            }
        }
        int first = Words.u32(value, 0);
        // bpf_devmap_val / bpf_cpumap_val: a program fd follows when the value has 8 bytes (-1: none)
        int program = valueSize >= 8 ? Words.u32(value, 4) : -1;
        switch (type()) {
            case DEVMAP -> {
                if (first == 0) {
                    // ifindex 0 empties the slot, and then may not name a program
                    if (program > -1) {
                        return -Errno.EINVAL;
                    }
                    present.set(k, 0);
                    return 0;
                }
                if (program > 0) {
                    return -Errno.EINVAL;
                }
            }
            case DEVMAP_HASH -> {
                if (first == 0 || program > 0) {
                    return -Errno.EINVAL;
                }
            }
            case CPUMAP -> {
                if (Integer.toUnsignedLong(k) >= Cpus.COUNT) {
                    return -ENODEV;
                }
                if (program > 0) {
                    return -Errno.EINVAL;
                }
                if (first == 0) {
                    present.set(k, 0);
                    return 0;
                }
            }
            default -> {
            }
        }
        if (hash != null) {
            return hash.hostUpdate(key, value, flags);
        }
        Words.copyIn(value, 0, values, k * stride, valueSize);
        present.set(k, 1);
        return 0;
    }

    @Override
    long erase(byte[] key, int keyOffset) {
        if (hash != null) {
            return hash.erase(key, keyOffset);
        }
        long i = Integer.toUnsignedLong(Words.u32(key, keyOffset));
        if (i >= maxEntries) {
            return -Errno.EINVAL;
        }
        present.set((int) i, 0);
        return 0;
    }

    @Override
    byte[] copyOf(byte[] key) {
        if (hash != null) {
            return hash.copyOf(key);
        }
        long i = Integer.toUnsignedLong(Words.u32(key, 0));
        if (i >= maxEntries || present.get((int) i) == 0 || type() == MapType.XSKMAP) {
            return null;
        }
        byte[] out = new byte[valueSize];
        Words.copyOut(values, (int) i * stride, out, 0, valueSize);
        return out;
    }

    @Override
    public long nextKey(byte[] key, int keyOffset, byte[] next, int nextOffset) {
        if (hash != null) {
            return hash.nextKey(key, keyOffset, next, nextOffset);
        }
        long i = key == null ? -1 : Integer.toUnsignedLong(Words.u32(key, keyOffset));
        if (i < 0 || i >= maxEntries) {
            Words.putU32(next, nextOffset, 0);
            return 0;
        }
        if (i == maxEntries - 1) {
            return -Errno.ENOENT;
        }
        Words.putU32(next, nextOffset, (int) i + 1);
        return 0;
    }
}
