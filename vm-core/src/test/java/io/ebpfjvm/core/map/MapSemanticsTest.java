package io.ebpfjvm.core.map;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.loader.MapSpec;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ebpfjvm.core.map.Errno.*;
import static org.junit.jupiter.api.Assertions.*;

class MapSemanticsTest {

    static MapSpec spec(MapType type, int key, int value, int max, int flags) {
        return new MapSpec("m", type.id(), key, value, max, flags, 0, 0, null, false);
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    @Test
    void arrayFlagsAndBounds() {
        BpfMap m = BpfMap.create(spec(MapType.ARRAY, 4, 8, 4, 0));
        assertEquals(0, m.update(u32(1), 0, u64(7), 0, BPF_ANY));
        assertEquals(0, m.update(u32(1), 0, u64(8), 0, BPF_EXIST));
        assertEquals(-EEXIST, m.update(u32(1), 0, u64(9), 0, BPF_NOEXIST));
        assertEquals(-E2BIG, m.update(u32(4), 0, u64(9), 0, BPF_ANY));
        assertEquals(-EINVAL, m.update(u32(1), 0, u64(9), 0, 3));
        assertEquals(-EINVAL, m.delete(u32(1), 0));
        assertEquals(8, m.lookup(u32(1), 0));
        assertArrayEquals(u64(8), m.get(u32(1)));
        assertArrayEquals(u64(0), m.get(u32(3)), "array elements always exist, zeroed");
        assertEquals(-1, m.lookup(u32(4), 0));
        List<Integer> keys = new ArrayList<>();
        m.forEach((k, v) -> keys.add(ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN).getInt()));
        assertEquals(List.of(0, 1, 2, 3), keys);
    }

    @Test
    void hashFlagsCapacityAndIteration() {
        BpfMap m = BpfMap.create(spec(MapType.HASH, 4, 4, 3, 0));
        assertEquals(-ENOENT, m.update(u32(1), 0, u32(10), 0, BPF_EXIST));
        assertEquals(0, m.update(u32(1), 0, u32(10), 0, BPF_NOEXIST));
        assertEquals(-EEXIST, m.update(u32(1), 0, u32(11), 0, BPF_NOEXIST));
        assertEquals(0, m.update(u32(2), 0, u32(20), 0, BPF_ANY));
        assertEquals(0, m.update(u32(3), 0, u32(30), 0, BPF_ANY));
        assertEquals(-E2BIG, m.update(u32(4), 0, u32(40), 0, BPF_ANY));
        assertEquals(0, m.update(u32(3), 0, u32(31), 0, BPF_ANY), "replacing needs no free slot");
        assertEquals(0, m.delete(u32(2), 0));
        assertEquals(-ENOENT, m.delete(u32(2), 0));
        assertEquals(0, m.update(u32(4), 0, u32(40), 0, BPF_ANY));
        Set<Integer> keys = new HashSet<>();
        m.forEach((k, v) -> keys.add(ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN).getInt()));
        assertEquals(Set.of(1, 3, 4), keys);
        assertArrayEquals(u32(31), m.get(u32(3)));
        assertNull(m.get(u32(2)));
    }

    @Test
    void hashChurnKeepsExactContents() {
        BpfMap m = BpfMap.create(spec(MapType.HASH, 8, 8, 1000, 0));
        java.util.Map<Long, Long> model = new java.util.HashMap<>();
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 200_000; i++) {
            long k = r.nextInt(1500);
            if (r.nextBoolean()) {
                long expected = model.containsKey(k) || model.size() < 1000 ? 0 : -E2BIG;
                assertEquals(expected, m.update(u64(k), 0, u64(i), 0, BPF_ANY));
                if (expected == 0) {
                    model.put(k, (long) i);
                }
            } else {
                assertEquals(model.remove(k) != null ? 0 : -ENOENT, m.delete(u64(k), 0));
            }
        }
        for (long k = 0; k < 1500; k++) {
            byte[] v = m.get(u64(k));
            Long expected = model.get(k);
            assertEquals(expected == null, v == null);
            if (v != null) {
                assertEquals(expected, ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong());
            }
        }
    }

    @Test
    void lruEvictsTheLeastRecentlyUsed() {
        BpfMap m = BpfMap.create(spec(MapType.LRU_HASH, 4, 4, 4, 0));
        for (int k = 0; k < 4; k++) {
            assertEquals(0, m.update(u32(k), 0, u32(k), 0, BPF_ANY));
        }
        // Touch 0, 1 and 3: 2 is the one not used since, it goes first.
        m.lookup(u32(0), 0);
        m.lookup(u32(1), 0);
        m.lookup(u32(3), 0);
        assertEquals(0, m.update(u32(9), 0, u32(9), 0, BPF_ANY));
        assertNull(m.get(u32(2)));
        assertNotNull(m.get(u32(9)));
        assertEquals(4, ((HashTableMap) m).size());
    }

    @Test
    void lpmLongestPrefixWins() {
        BpfMap m = BpfMap.create(spec(MapType.LPM_TRIE, 8, 4, 16, 1));
        assertEquals(0, m.update(lpm(0, 0, 0, 0, 0), 0, u32(100), 0, BPF_ANY));
        assertEquals(0, m.update(lpm(8, 10, 0, 0, 0), 0, u32(8), 0, BPF_ANY));
        assertEquals(0, m.update(lpm(16, 10, 1, 0, 0), 0, u32(16), 0, BPF_ANY));
        assertEquals(0, m.update(lpm(32, 10, 1, 2, 3), 0, u32(32), 0, BPF_ANY));
        assertArrayEquals(u32(32), m.get(lpm(32, 10, 1, 2, 3)));
        assertArrayEquals(u32(16), m.get(lpm(32, 10, 1, 2, 4)));
        assertArrayEquals(u32(8), m.get(lpm(32, 10, 9, 9, 9)));
        assertArrayEquals(u32(100), m.get(lpm(32, 11, 0, 0, 0)));
        assertArrayEquals(u32(8), m.get(lpm(12, 10, 1, 2, 3)), "a shorter lookup prefix only sees shorter entries");
        assertEquals(-EINVAL, m.update(lpm(33, 1, 1, 1, 1), 0, u32(1), 0, BPF_ANY));
        assertEquals(0, m.delete(lpm(16, 10, 1, 77, 77), 0), "delete matches the exact prefix, host bits ignored");
        assertArrayEquals(u32(8), m.get(lpm(32, 10, 1, 2, 4)));
        assertEquals(-ENOENT, m.delete(lpm(16, 10, 1, 0, 0), 0));
    }

    @Test
    void lpmIpv6Slash128AndNoPreallocRequired() {
        BpfMap m = BpfMap.create(spec(MapType.LPM_TRIE, 20, 4, 4, 1));
        byte[] k = new byte[20];
        ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN).putInt(128);
        k[4] = 0x20;
        k[19] = 1;
        assertEquals(0, m.update(k, 0, u32(6), 0, BPF_ANY));
        assertArrayEquals(u32(6), m.get(k));
        k[19] = 2;
        assertNull(m.get(k));
        assertThrows(EbpfException.class, () -> BpfMap.create(spec(MapType.LPM_TRIE, 8, 4, 4, 0)));
    }

    static byte[] lpm(int bits, int a, int b, int c, int d) {
        return new byte[] {(byte) bits, 0, 0, 0, (byte) a, (byte) b, (byte) c, (byte) d};
    }

    @Test
    void perCpuArrayKeepsOneCopyPerCpu() {
        BpfMap m = BpfMap.create(spec(MapType.PERCPU_ARRAY, 4, 8, 2, 0));
        assertEquals(8 * Cpus.COUNT, m.hostValueSize());
        int at = m.lookup(u32(1), 0);
        assertEquals((Cpus.current() * 2 + 1) * 8, at);
        byte[] all = new byte[m.hostValueSize()];
        for (int c = 0; c < Cpus.COUNT; c++) {
            all[c * 8] = (byte) (c + 1);
        }
        m.put(u32(0), all);
        assertArrayEquals(all, m.get(u32(0)));
    }

    @Test
    void ringBufferDeliversCommittedRecordsInOrderAndWraps() {
        RingBufMap rb = (RingBufMap) BpfMap.create(spec(MapType.RINGBUF, 0, 0, 4096, 0));
        AtomicInteger seen = new AtomicInteger();
        for (int round = 0; round < 100; round++) {
            int a = rb.reserve(1000);
            int b = rb.reserve(500);
            assertTrue(a >= 0 && b >= 0, "round " + round);
            rb.values()[a] = (byte) round;
            rb.values()[b] = (byte) (round + 1);
            rb.commit(b, false);
            assertEquals(0, rb.poll(x -> { }), "the first record is still being written");
            rb.commit(a, round % 3 == 0);
            int expected = round % 3 == 0 ? 1 : 2;
            int finalRound = round;
            List<Integer> firstBytes = new ArrayList<>();
            assertEquals(expected, rb.poll(buf -> firstBytes.add((int) buf.get(0))));
            if (expected == 2) {
                assertEquals(List.of(finalRound, finalRound + 1), firstBytes);
            }
            seen.addAndGet(expected);
        }
        assertEquals(0, rb.pending());
        assertEquals(-1, rb.reserve(4096), "no record larger than half the ring");
    }

    @Test
    void hostileSizesAreRefused() {
        EbpfException e = assertThrows(EbpfException.class,
            () -> BpfMap.create(spec(MapType.HASH, 8, 1 << 20, Integer.MAX_VALUE, 0)));
        assertTrue(e.getMessage().contains("needs more than"), e.getMessage());
        assertThrows(EbpfException.class, () -> BpfMap.create(spec(MapType.ARRAY, 8, 8, 4, 0)));
        assertThrows(EbpfException.class, () -> BpfMap.create(spec(MapType.RINGBUF, 0, 0, 5000, 0)));
        assertThrows(EbpfException.class, () -> BpfMap.create(new MapSpec("x", 99, 4, 4, 1, 0, 0, 0, null, false)));
    }

    @Test
    void concurrentHashInsertsAndDeletesEndExact() throws Exception {
        BpfMap m = BpfMap.create(spec(MapType.HASH, 4, 4, 4096, 0));
        Thread[] ts = new Thread[4];
        for (int t = 0; t < ts.length; t++) {
            int base = t * 1000;
            ts[t] = new Thread(() -> {
                for (int round = 0; round < 50; round++) {
                    for (int k = base; k < base + 1000; k++) {
                        assertEquals(0, m.update(u32(k), 0, u32(k), 0, BPF_NOEXIST));
                    }
                    for (int k = base; k < base + 1000; k += 2) {
                        assertEquals(0, m.delete(u32(k), 0));
                    }
                    for (int k = base + 1; k < base + 1000; k += 2) {
                        assertTrue(m.lookup(u32(k), 0) >= 0);
                    }
                    if (round < 49) {
                        for (int k = base + 1; k < base + 1000; k += 2) {
                            assertEquals(0, m.delete(u32(k), 0));
                        }
                    }
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        AtomicInteger count = new AtomicInteger();
        m.forEach((k, v) -> {
            assertArrayEquals(k, v);
            assertEquals(1, ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN).getInt() % 2);
            count.incrementAndGet();
        });
        assertEquals(2000, count.get());
    }
}
