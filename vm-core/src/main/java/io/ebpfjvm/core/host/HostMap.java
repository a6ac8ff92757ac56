package io.ebpfjvm.core.host;

import io.ebpfjvm.core.btf.Btf;
import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.map.Errno;
import io.ebpfjvm.core.map.MapType;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One live map seen from Java, with keys and values as {@code byte[]} in the layout the
 * program sees (numbers little-endian), like the {@code bpf} syscall's map commands. For
 * per-CPU maps a value holds every CPU's copy, each padded to 8 bytes
 * ({@link #hostValueSize()}). Every operation is safe while programs run on other threads.
 *
 * <p>{@link #typed} gives a view with Java records as keys and values, checked against the
 * map's BTF types.
 */
public final class HostMap {
    private final BpfMap map;
    private final Btf btf;

    HostMap(BpfMap map, Btf btf) {
        this.map = map;
        this.btf = btf;
    }

    /** The map itself (program-side operations, flat value storage). */
    public BpfMap map() {
        return map;
    }

    public String name() {
        return map.name();
    }

    public MapType type() {
        return map.type();
    }

    public int keySize() {
        return map.keySize();
    }

    /** Bytes of one value as a program sees it. */
    public int valueSize() {
        return map.valueSize();
    }

    /** Bytes of one value as Java reads and writes it: every CPU's copy for per-CPU maps. */
    public int hostValueSize() {
        return map.hostValueSize();
    }

    public boolean isPerCpu() {
        return map.type().isPerCpu();
    }

    /** A copy of the value under {@code key} ({@code BPF_MAP_LOOKUP_ELEM}), or empty. */
    public Optional<byte[]> lookup(byte[] key) {
        return Optional.ofNullable(map.lookup(key));
    }

    /**
     * Stores {@code value} under {@code key}, creating or replacing the entry ({@code BPF_ANY}).
     *
     * @throws EbpfException naming the kernel's errno when the map refuses (full, index out of range, ...)
     */
    public void update(byte[] key, byte[] value) {
        map.put(key, value);
    }

    /**
     * {@code BPF_MAP_UPDATE_ELEM} with flags {@link Errno#BPF_ANY}, {@link Errno#BPF_NOEXIST} or
     * {@link Errno#BPF_EXIST}.
     *
     * @return 0, or the negated errno the kernel returns ({@code -EEXIST}, {@code -ENOENT}, {@code -E2BIG}, ...)
     */
    public long update(byte[] key, byte[] value, long flags) {
        return map.update(key, value, flags);
    }

    /** Removes the entry; true when it was there. Arrays cannot delete (an {@link EbpfException}, as the kernel's EINVAL). */
    public boolean delete(byte[] key) {
        return map.remove(key);
    }

    /** One entry of a walk: copies, owned by the caller. */
    public record Entry(byte[] key, byte[] value) {
    }

    /**
     * The entries, walked in {@code BPF_MAP_GET_NEXT_KEY} order: each key at most once, with a
     * copy of its value. Safe while programs change the map: the walk always ends (after at
     * most three passes' worth of steps, even if deleted keys keep sending it back to the first
     * key, as the kernel's iteration does); an entry present for the whole walk is seen unless
     * such restarts use that budget up; one added or deleted meanwhile may or may not be.
     */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        forEach((k, v) -> out.add(new Entry(k, v)));
        return out;
    }

    /** Visits the entries as {@link #entries()} walks them. */
    public void forEach(BiConsumer<byte[], byte[]> visitor) {
        if (map.keySize() == 0) {
            throw new EbpfException(map.describe() + ": has no keys to walk");
        }
        Set<ByteBuffer> seen = new HashSet<>();
        long steps = 3L * Math.max(1, map.maxEntries()) + 3;
        byte[] previous = null;
        byte[] next = new byte[map.keySize()];
        while (steps-- > 0 && map.nextKey(previous, 0, next, 0) == 0) {
            byte[] key = next.clone();
            if (seen.add(ByteBuffer.wrap(key))) {
                byte[] value = map.lookup(key);
                if (value != null) {
                    visitor.accept(key, value);
                }
            }
            previous = key;
        }
    }

    /** The keys, walked as {@link #entries()} walks them. */
    public List<byte[]> keys() {
        List<byte[]> out = new ArrayList<>();
        forEach((k, v) -> out.add(k));
        return out;
    }

    /**
     * A view with Java types as key and value, checked against the map's BTF key and value
     * types now: a record must match its struct member by member (names, order, widths,
     * offsets including padding), a boxed number ({@code Integer.class}, ...) an integer of its
     * width, {@code byte[].class} anything of the right size. Mark network-order components
     * with {@link NetworkOrder}. Maps declared without BTF types (legacy {@code maps} section,
     * {@code key_size}/{@code value_size}) check the size only.
     *
     * @throws LayoutException naming the first mismatching field
     */
    public <K, V> TypedMap<K, V> typed(Class<K> keyType, Class<V> valueType) {
        Codec key = Layouts.codec(keyType, btf, map.spec().keyType(), map.keySize(), map.describe() + " key");
        Codec value = Layouts.codec(valueType, btf, map.spec().valueType(), map.valueSize(), map.describe() + " value");
        return new TypedMap<>(this, keyType, valueType, key, value);
    }

    @Override
    public String toString() {
        return map.toString();
    }
}
