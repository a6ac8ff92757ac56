package io.ebpfjvm.core.map;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.ebpfjvm.core.map.Errno.*;
import static io.ebpfjvm.core.map.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class LruHashMapTest {

    private static Set<Integer> keys(BpfMap m) {
        Set<Integer> keys = new HashSet<>();
        m.forEach((k, v) -> keys.add(readU32(k, 0)));
        return keys;
    }

    @Test
    void evictsInInsertionOrderWhenNothingIsUsed() {
        BpfMap m = map(MapType.LRU_HASH, 4, 4, 4, 0);
        assertInstanceOf(LruHashMap.class, m);
        for (int k = 0; k < 4; k++) {
            assertEquals(0, m.update(u32(k), 0, u32(k), 0, BPF_ANY));
        }
        for (int k = 4; k < 10; k++) {
            assertEquals(0, m.update(u32(k), 0, u32(k), 0, BPF_NOEXIST), "never E2BIG");
            assertEquals(Set.of(k - 3, k - 2, k - 1, k), keys(m), "after inserting " + k);
        }
    }

    @Test
    void aProgramLookupSavesAnEntryOnce() {
        BpfMap m = map(MapType.LRU_HASH, 4, 4, 4, 0);
        for (int k = 0; k < 4; k++) {
            m.put(u32(k), u32(k));
        }
        assertTrue(m.lookupSlot(u32(0), 0) >= 0);
        assertTrue(m.lookupSlot(u32(1), 0) >= 0);
        assertTrue(m.lookupSlot(u32(3), 0) >= 0);
        m.put(u32(4), u32(4));
        assertEquals(Set.of(0, 1, 3, 4), keys(m), "2 was the only one not used");
        m.put(u32(5), u32(5));
        assertEquals(Set.of(1, 3, 4, 5), keys(m), "0 had its second chance");
        // 3 was moved to the most recent end (bit cleared) while 0 was being evicted, so 1 and 4 go next
        m.put(u32(6), u32(6));
        assertEquals(Set.of(3, 4, 5, 6), keys(m));
        m.put(u32(7), u32(7));
        assertEquals(Set.of(3, 5, 6, 7), keys(m));
        m.put(u32(8), u32(8));
        assertEquals(Set.of(5, 6, 7, 8), keys(m));
    }

    @Test
    void hostLookupsAreNotUsesButReplacementsAre() {
        BpfMap m = map(MapType.LRU_HASH, 4, 4, 3, 0);
        for (int k = 0; k < 3; k++) {
            m.put(u32(k), u32(k));
        }
        assertNotNull(m.lookup(u32(0)));
        m.put(u32(3), u32(3));
        assertEquals(Set.of(1, 2, 3), keys(m), "the kernel's syscall lookup does not mark");
        m.put(u32(1), u32(10));
        m.put(u32(4), u32(4));
        assertEquals(Set.of(1, 3, 4), keys(m), "a replaced entry is recent and referenced");
        assertArrayEquals(u32(10), m.lookup(u32(1)));
    }

    @Test
    void failedUpdatesAndReplacementsEvictNothing() {
        BpfMap m = map(MapType.LRU_HASH, 4, 4, 2, 0);
        m.put(u32(1), u32(1));
        m.put(u32(2), u32(2));
        assertEquals(-EEXIST, m.update(u32(1), 0, u32(9), 0, BPF_NOEXIST));
        assertEquals(-ENOENT, m.update(u32(3), 0, u32(9), 0, BPF_EXIST));
        assertEquals(-EINVAL, m.update(u32(3), 0, u32(9), 0, 7));
        assertEquals(0, m.update(u32(2), 0, u32(22), 0, BPF_EXIST));
        assertEquals(Set.of(1, 2), keys(m));
        assertEquals(0, m.delete(u32(1), 0));
        assertEquals(-ENOENT, m.delete(u32(1), 0));
        m.put(u32(5), u32(5));
        assertEquals(Set.of(2, 5), keys(m), "room after a delete: no eviction");
    }

    /** An independent model of the documented policy: recency list, reference bits, second chance. */
    private static final class Model {
        final int capacity;
        final LinkedList<Integer> recency = new LinkedList<>();
        final Map<Integer, Integer> values = new HashMap<>();
        final Set<Integer> referenced = new HashSet<>();

        Model(int capacity) {
            this.capacity = capacity;
        }

        void put(int k, int v) {
            if (values.containsKey(k)) {
                recency.remove((Integer) k);
                recency.addFirst(k);
                referenced.add(k);
            } else {
                if (values.size() == capacity) {
                    int victim;
                    while (referenced.remove(victim = recency.getLast())) {
                        recency.removeLast();
                        recency.addFirst(victim);
                    }
                    recency.removeLast();
                    values.remove(victim);
                }
                recency.addFirst(k);
                referenced.remove(k);
            }
            values.put(k, v);
        }

        void use(int k) {
            if (values.containsKey(k)) {
                referenced.add(k);
            }
        }

        boolean delete(int k) {
            referenced.remove(k);
            recency.remove((Integer) k);
            return values.remove(k) != null;
        }
    }

    @Test
    void randomChurnMatchesThePolicy() {
        Random r = new Random(7);
        BpfMap m = map(MapType.LRU_HASH, 4, 4, 50, 0);
        Model model = new Model(50);
        for (int i = 0; i < 100_000; i++) {
            int k = r.nextInt(120);
            switch (r.nextInt(5)) {
                case 0, 1 -> {
                    assertEquals(0, m.update(u32(k), 0, u32(i), 0, BPF_ANY));
                    model.put(k, i);
                }
                case 2 -> {
                    model.use(k);
                    assertEquals(model.values.containsKey(k), m.lookupSlot(u32(k), 0) >= 0, "op " + i);
                }
                case 3 -> assertEquals(model.delete(k) ? 0 : -ENOENT, m.delete(u32(k), 0), "op " + i);
                default -> {
                    byte[] v = m.lookup(u32(k));
                    Integer want = model.values.get(k);
                    assertEquals(want, v == null ? null : readU32(v, 0), "op " + i);
                }
            }
        }
        Map<Integer, Integer> seen = new HashMap<>();
        m.forEach((k, v) -> seen.put(readU32(k, 0), readU32(v, 0)));
        assertEquals(model.values, seen);
        assertEquals(model.values.size(), m.size());
        List<Integer> list = new ArrayList<>(model.recency);
        assertEquals(model.values.size(), list.size());
    }
}
