package io.ebpfjvm.core.map;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static io.ebpfjvm.core.map.Errno.*;
import static io.ebpfjvm.core.map.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class HashMapTest {

    @Test
    void flagsCapacityAndDeleteFollowTheKernel() {
        BpfMap m = map(MapType.HASH, 4, 4, 3, 0);
        assertInstanceOf(HashMap.class, m);
        assertEquals(-ENOENT, m.update(u32(1), 0, u32(10), 0, BPF_EXIST));
        assertEquals(0, m.update(u32(1), 0, u32(10), 0, BPF_NOEXIST));
        assertEquals(-EEXIST, m.update(u32(1), 0, u32(11), 0, BPF_NOEXIST));
        assertEquals(0, m.update(u32(1), 0, u32(12), 0, BPF_EXIST));
        assertEquals(-EINVAL, m.update(u32(1), 0, u32(11), 0, 3));
        assertEquals(-EINVAL, m.update(u32(1), 0, u32(11), 0, BPF_F_LOCK));
        assertEquals(0, m.update(u32(2), 0, u32(20), 0, BPF_ANY));
        assertEquals(0, m.update(u32(3), 0, u32(30), 0, BPF_ANY));
        assertEquals(-E2BIG, m.update(u32(4), 0, u32(40), 0, BPF_ANY), "full");
        assertEquals(-E2BIG, m.update(u32(4), 0, u32(40), 0, BPF_NOEXIST));
        assertEquals(-ENOENT, m.update(u32(4), 0, u32(40), 0, BPF_EXIST), "existence is checked before room");
        assertEquals(0, m.update(u32(3), 0, u32(31), 0, BPF_ANY), "replacing needs no room");
        assertEquals(0, m.update(u32(3), 0, u32(32), 0, BPF_EXIST));
        assertEquals(3, m.size());
        assertEquals(0, m.delete(u32(2), 0));
        assertEquals(-ENOENT, m.delete(u32(2), 0));
        assertEquals(0, m.update(u32(4), 0, u32(40), 0, BPF_ANY));
        Set<Integer> keys = new HashSet<>();
        m.forEach((k, v) -> keys.add(readU32(k, 0)));
        assertEquals(Set.of(1, 3, 4), keys);
        assertArrayEquals(u32(32), m.lookup(u32(3)));
        assertArrayEquals(u32(12), m.lookup(u32(1)));
        assertNull(m.lookup(u32(2)));
        assertEquals(-1, m.lookupSlot(u32(2), 0));
        assertTrue(m.remove(u32(4)));
        assertFalse(m.remove(u32(4)));
    }

    @Test
    void lookupPointsIntoTheFlatValueArray() {
        BpfMap m = map(MapType.HASH, 8, 12, 16, 0);
        assertEquals(16, m.valueStride());
        assertEquals(17 * 16, m.values().length, "max_entries + 1 slots");
        byte[] v = new byte[12];
        v[0] = 42;
        v[11] = 43;
        m.put(u64(5), v);
        int at = m.lookupSlot(u64(5), 0);
        assertEquals(0, at % 16);
        assertEquals(42, m.values()[at]);
        assertEquals(43, m.values()[at + 11]);
        m.values()[at] = 44;
        assertEquals(44, m.lookup(u64(5))[0], "a program's store through its pointer is the value");
    }

    @Test
    void replacementIsCopyOnWrite() {
        BpfMap m = map(MapType.HASH, 4, 8, 2, 0);
        m.put(u32(1), u64(111));
        int before = m.lookupSlot(u32(1), 0);
        m.put(u32(1), u64(222));
        int after = m.lookupSlot(u32(1), 0);
        assertNotEquals(before, after, "the new value went to another slot");
        assertEquals(111, readU64(m.values(), before), "a pointer taken before still sees the whole old value");
        assertEquals(222, readU64(m.values(), after));
        m.put(u32(2), u64(333));
        for (int i = 0; i < 10; i++) {
            assertEquals(0, m.update(u32(1 + i % 2), 0, u64(i), 0, BPF_EXIST), "replacing in a full map, " + i);
        }
        assertEquals(2, m.size());
    }

    @Test
    void nextKeyRestartsOnAMissingKeyAndEndsWithEnoent() {
        BpfMap m = map(MapType.HASH, 4, 4, 8, 0);
        byte[] next = new byte[4];
        assertEquals(-ENOENT, m.nextKey(null, 0, next, 0), "empty");
        for (int k = 0; k < 5; k++) {
            m.put(u32(k), u32(k));
        }
        List<Integer> order = new ArrayList<>();
        byte[] key = null;
        while (m.nextKey(key, 0, next, 0) == 0) {
            order.add(readU32(next, 0));
            key = next.clone();
        }
        assertEquals(5, order.size());
        assertEquals(Set.of(0, 1, 2, 3, 4), new HashSet<>(order));
        assertEquals(0, m.nextKey(u32(99), 0, next, 0));
        assertEquals(order.get(0), readU32(next, 0), "a missing key restarts from the first");
        assertTrue(m.nextKey(u32(order.get(3)), next));
        assertEquals(order.get(4), readU32(next, 0));
        assertFalse(m.nextKey(u32(order.get(4)), next));
    }

    @Test
    void zeroSeedMakesIterationOrderReproducible() {
        List<List<Integer>> orders = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            BpfMap m = map(MapType.HASH, 4, 4, 64, MapFlags.ZERO_SEED);
            for (int k = 0; k < 40; k++) {
                m.put(u32(k * 7919), u32(k));
            }
            List<Integer> order = new ArrayList<>();
            m.forEach((k, v) -> order.add(readU32(v, 0)));
            orders.add(order);
        }
        assertEquals(orders.get(0), orders.get(1));
    }

    @Test
    void randomChurnMatchesAModel() {
        Random r = new Random(1);
        for (int keySize : new int[] {1, 3, 8, 13, 64}) {
            BpfMap m = map(MapType.HASH, keySize, 8, 200, 0);
            Map<Integer, Long> model = new TreeMap<>();
            int space = Math.min(300, 1 << (8 * Math.min(keySize, 3)));
            for (int i = 0; i < 50_000; i++) {
                int k = r.nextInt(space);
                byte[] key = key(keySize, k);
                int op = r.nextInt(4);
                if (op < 2) {
                    long flags = r.nextInt(3);
                    boolean present = model.containsKey(k);
                    long expected = flags == BPF_NOEXIST && present ? -EEXIST
                        : flags == BPF_EXIST && !present ? -ENOENT
                        : !present && model.size() >= 200 ? -E2BIG : 0;
                    assertEquals(expected, m.update(key, 0, u64(i), 0, flags), "op " + i);
                    if (expected == 0) {
                        model.put(k, (long) i);
                    }
                } else if (op == 2) {
                    assertEquals(model.remove(k) != null ? 0 : -ENOENT, m.delete(key, 0), "op " + i);
                } else {
                    Long want = model.get(k);
                    int at = m.lookupSlot(key, 0);
                    assertEquals(want == null, at < 0, "op " + i);
                    if (want != null) {
                        assertEquals(want, readU64(m.values(), at));
                    }
                }
            }
            assertEquals(model.size(), m.size());
            Map<Integer, Long> seen = new TreeMap<>();
            m.forEach((k, v) -> assertNull(seen.put(number(k), readU64(v, 0)), "each key once"));
            assertEquals(model, seen, "key size " + keySize);
        }
    }

    private static byte[] key(int size, int k) {
        byte[] b = new byte[size];
        for (int i = 0; i < Math.min(size, 4); i++) {
            b[size - 1 - i] = (byte) (k >>> (8 * i));
        }
        return b;
    }

    private static int number(byte[] key) {
        int k = 0;
        for (int i = Math.max(0, key.length - 4); i < key.length; i++) {
            k = k << 8 | (key[i] & 0xff);
        }
        return k;
    }

    @Test
    void perCpuHashProgramWritesItsCpuAndHostWritesAll() throws Exception {
        BpfMap m = map(MapType.PERCPU_HASH, 4, 4, 4, 0);
        assertInstanceOf(PerCpuHashMap.class, m);
        int last = Cpus.COUNT - 1;
        onCpu(last, () -> assertEquals(0, m.update(u32(1), 0, u32(5), 0, BPF_ANY)));
        byte[] all = m.lookup(u32(1));
        assertEquals(8 * Cpus.COUNT, all.length);
        for (int c = 0; c < Cpus.COUNT; c++) {
            assertEquals(c == last ? 5 : 0, readU32(all, c * 8), "a program's insert zeroes the other CPUs");
        }
        onCpu(0, () -> {
            int at = m.lookupSlot(u32(1), 0);
            assertEquals(0, m.update(u32(1), 0, u32(6), 0, BPF_EXIST));
            assertEquals(at, m.lookupSlot(u32(1), 0), "per-CPU values are replaced in place");
            assertEquals(6, readU32(m.values(), at));
        });
        all = m.lookup(u32(1));
        assertEquals(6, readU32(all, 0));
        assertEquals(Cpus.COUNT == 1 ? 6 : 5, readU32(all, last * 8), "only the caller's CPU changed");
        byte[] host = new byte[8 * Cpus.COUNT];
        for (int c = 0; c < Cpus.COUNT; c++) {
            host[c * 8] = (byte) (10 + c);
        }
        m.put(u32(2), host);
        assertArrayEquals(host, m.lookup(u32(2)));
        for (int c = 0; c < Cpus.COUNT; c++) {
            int cpu = c;
            onCpu(c, () -> assertEquals(10 + cpu, m.values()[m.lookupSlot(u32(2), 0)]));
        }
        assertEquals(-EEXIST, m.update(u32(2), host, BPF_NOEXIST));
        assertEquals(2, m.size());
    }
}
