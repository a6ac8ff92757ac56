package io.ebpfjvm.core.host;

import io.ebpfjvm.core.error.EbpfException;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A map with Java keys and values (records, boxed numbers or {@code byte[]}), made by
 * {@link HostMap#typed}, whose layouts were checked against the map's BTF types once. Each
 * call encodes and decodes through codecs built once per Java type; the map itself is shared
 * with running programs and safe to use meanwhile.
 *
 * <p>Per-CPU maps hold one value per CPU: read them with {@link #perCpu}; {@link #put} stores
 * the value on every CPU; {@link #get} refuses them (which CPU's copy would it be?).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TypedMap<K, V> {
    private final HostMap map;
    private final Class<K> keyType;
    private final Class<V> valueType;
    private final Codec key;
    private final Codec value;
    private final int stride;
    private final int cpus;

    TypedMap(HostMap map, Class<K> keyType, Class<V> valueType, Codec key, Codec value) {
        this.map = map;
        this.keyType = keyType;
        this.valueType = valueType;
        this.key = key;
        this.value = value;
        this.stride = map.map().valueStride();
        this.cpus = map.isPerCpu() ? map.hostValueSize() / stride : 1;
    }

    /** The untyped map. */
    public HostMap untyped() {
        return map;
    }

    /** The key as the map holds it. */
    public byte[] encodeKey(K k) {
        byte[] b = new byte[map.keySize()];
        encode(key, k, b, 0, "key");
        return b;
    }

    /** One value (one CPU's copy) as the map holds it. */
    public byte[] encodeValue(V v) {
        byte[] b = new byte[map.valueSize()];
        encode(value, v, b, 0, "value");
        return b;
    }

    public K decodeKey(byte[] bytes) {
        return keyType.cast(key.decode(bytes, 0));
    }

    public V decodeValue(byte[] bytes) {
        return valueType.cast(value.decode(bytes, 0));
    }

    /** The value under {@code k}; for maps that are not per-CPU. */
    public Optional<V> get(K k) {
        if (cpus > 1 || map.isPerCpu()) {
            throw new EbpfException(map.map().describe() + ": a per-CPU map has a value per CPU: use perCpu(key)");
        }
        return map.lookup(encodeKey(k)).map(this::decodeValue);
    }

    /** Every CPU's value under {@code k} (one element for other maps), or an empty list when there is no entry. */
    public List<V> perCpu(K k) {
        return map.lookup(encodeKey(k)).map(this::split).orElse(List.of());
    }

    /** Stores {@code v} under {@code k} ({@code BPF_ANY}); on every CPU for per-CPU maps. */
    public void put(K k, V v) {
        byte[] one = encodeValue(v);
        byte[] host = new byte[map.hostValueSize()];
        for (int c = 0; c < cpus; c++) {
            System.arraycopy(one, 0, host, c * stride, one.length);
        }
        map.update(encodeKey(k), host);
    }

    /** Removes the entry under {@code k}; true when it was there. */
    public boolean remove(K k) {
        return map.delete(encodeKey(k));
    }

    /**
     * The entries as {@link HostMap#entries()} walks them, decoded; for per-CPU maps, CPU 0's
     * value (use {@link #forEachPerCpu} for all).
     */
    public List<Map.Entry<K, V>> entries() {
        List<Map.Entry<K, V>> out = new ArrayList<>();
        map.forEach((kb, vb) -> out.add(new AbstractMap.SimpleImmutableEntry<>(decodeKey(kb), decodeValue(vb))));
        return out;
    }

    /** Visits every entry with its decoded key and value (CPU 0's for per-CPU maps). */
    public void forEach(BiConsumer<K, V> visitor) {
        map.forEach((kb, vb) -> visitor.accept(decodeKey(kb), decodeValue(vb)));
    }

    /** Visits every entry with its decoded key and every CPU's decoded value. */
    public void forEachPerCpu(BiConsumer<K, List<V>> visitor) {
        map.forEach((kb, vb) -> visitor.accept(decodeKey(kb), split(vb)));
    }

    private List<V> split(byte[] host) {
        List<V> out = new ArrayList<>(cpus);
        for (int c = 0; c < cpus; c++) {
            out.add(valueType.cast(value.decode(host, c * stride)));
        }
        return out;
    }

    private static void encode(Codec codec, Object o, byte[] out, int offset, String what) {
        try {
            codec.encode(o, out, offset);
        } catch (NullPointerException | IllegalArgumentException | ClassCastException e) {
            throw new EbpfException("cannot encode " + what + " " + o + ": " + e.getMessage());
        }
    }
}
