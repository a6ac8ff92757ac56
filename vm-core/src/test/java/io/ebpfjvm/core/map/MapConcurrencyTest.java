package io.ebpfjvm.core.map;

import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ebpfjvm.core.map.Errno.*;
import static io.ebpfjvm.core.map.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class MapConcurrencyTest {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int THREADS = 4;

    /** Runs {@code body(thread index)} on THREADS threads started together; rethrows the first failure. */
    private static void inParallel(ThreadBody body) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    body.run(id);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            Throwable first = failures.peek();
            if (first instanceof Error e) {
                throw e;
            }
            throw new AssertionError(first);
        }
    }

    @FunctionalInterface
    interface ThreadBody {
        void run(int thread) throws Exception;
    }

    @Test
    void atomicAddsThroughTheValueArrayAreExact() throws Exception {
        BpfMap array = map(MapType.ARRAY, 4, 16, 4, 0);
        BpfMap hash = map(MapType.HASH, 4, 8, 4, 0);
        hash.put(u32(1), u64(0));
        int arraySlot = array.lookupSlot(u32(2), 0) + 8;
        int hashSlot = hash.lookupSlot(u32(1), 0);
        int adds = 100_000;
        inParallel(t -> {
            long lastSeen = 0;
            for (int i = 0; i < adds; i++) {
                LONG.getAndAdd(array.values(), arraySlot, 1L);
                LONG.getAndAdd(hash.values(), hashSlot, 2L);
                if (i % 1000 == 0) {
                    long seen = readU64(array.lookup(u32(2)), 8);
                    assertTrue(seen >= lastSeen, "host reads of a growing counter never go back");
                    lastSeen = seen;
                }
            }
        });
        assertEquals((long) THREADS * adds, readU64(array.lookup(u32(2)), 8));
        assertEquals(0, readU64(array.lookup(u32(2)), 0), "the neighbouring word is untouched");
        assertEquals(2L * THREADS * adds, readU64(hash.lookup(u32(1)), 0));
    }

    @Test
    void perCpuCountersNeedNoAtomicsWhenThreadsOwnTheirCpu() throws Exception {
        BpfMap m = map(MapType.PERCPU_ARRAY, 4, 8, 1, 0);
        int threads = Math.min(THREADS, Cpus.COUNT);
        List<Thread> list = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int cpu = t;
            Thread thread = new Thread(() -> {
                Cpus.bindCurrentThread(cpu);
                for (int i = 0; i < 100_000; i++) {
                    int at = m.lookupSlot(u32(0), 0);
                    LONG.set(m.values(), at, (long) LONG.get(m.values(), at) + 1);
                }
            });
            list.add(thread);
            thread.start();
        }
        for (Thread t : list) {
            t.join();
        }
        byte[] all = m.lookup(u32(0));
        for (int c = 0; c < threads; c++) {
            assertEquals(100_000, readU64(all, c * 8), "cpu " + c);
        }
    }

    @Test
    void hashInsertsAndDeletesEndWithExactContents() throws Exception {
        BpfMap m = map(MapType.HASH, 4, 4, 4096, 0);
        AtomicInteger sharedWins = new AtomicInteger();
        inParallel(t -> {
            int base = t * 1000;
            for (int round = 0; round < 30; round++) {
                for (int k = base; k < base + 1000; k++) {
                    assertEquals(0, m.update(u32(k), 0, u32(k), 0, BPF_NOEXIST));
                }
                for (int k = base; k < base + 1000; k += 2) {
                    assertEquals(0, m.delete(u32(k), 0));
                }
                for (int k = base; k < base + 1000; k++) {
                    int at = m.lookupSlot(u32(k), 0);
                    assertEquals(k % 2 == 1, at >= 0, "key " + k);
                    if (at >= 0) {
                        assertEquals(k, readU32(m.values(), at));
                    }
                }
                if (round < 29) {
                    for (int k = base + 1; k < base + 1000; k += 2) {
                        assertEquals(0, m.delete(u32(k), 0));
                    }
                }
            }
            // every thread races for the same keys: exactly one insert of each wins
            for (int k = 10_000; k < 10_050; k++) {
                if (m.update(u32(k), 0, u32(t), 0, BPF_NOEXIST) == 0) {
                    sharedWins.incrementAndGet();
                }
            }
        });
        assertEquals(50, sharedWins.get());
        AtomicInteger count = new AtomicInteger();
        m.forEach((k, v) -> {
            int key = readU32(k, 0);
            if (key < 10_000) {
                assertArrayEquals(k, v);
                assertEquals(1, key % 2);
            }
            count.incrementAndGet();
        });
        assertEquals(THREADS * 500 + 50, count.get());
        assertEquals(THREADS * 500 + 50, m.size());
    }

    @Test
    void fullHashMapsNeverOverfill() throws Exception {
        BpfMap m = map(MapType.HASH, 4, 4, 100, 0);
        AtomicInteger inserted = new AtomicInteger();
        inParallel(t -> {
            for (int k = 0; k < 200; k++) {
                long r = m.update(u32(t * 1000 + k), 0, u32(k), 0, BPF_NOEXIST);
                assertTrue(r == 0 || r == -E2BIG, "got " + r);
                if (r == 0) {
                    inserted.incrementAndGet();
                }
            }
        });
        assertEquals(100, inserted.get());
        assertEquals(100, m.size());
    }

    /** The writer alternates two uniform 64-byte values; no reader may ever see a mix. */
    private static void replacementsAreNeverTorn(BpfMap m, byte[] key) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        byte[][] patterns = new byte[2][64];
        Arrays.fill(patterns[0], (byte) 0x11);
        Arrays.fill(patterns[1], (byte) 0x22);
        m.put(key, patterns[0]);
        inParallel(t -> {
            if (t == 0) {
                for (int i = 0; i < 200_000; i++) {
                    assertEquals(0, m.update(key, 0, patterns[i & 1], 0, BPF_EXIST));
                }
                stop.set(true);
                return;
            }
            while (!stop.get()) {
                byte[] v = m.lookup(key);
                for (byte b : v) {
                    assertEquals(v[0], b, "a torn value");
                }
                reads.incrementAndGet();
            }
        });
        assertTrue(reads.get() > 0);
    }

    @Test
    void hashReplacementsAreNeverTorn() throws Exception {
        replacementsAreNeverTorn(map(MapType.HASH, 4, 64, 8, 0), u32(1));
    }

    @Test
    void lpmReplacementsAreNeverTorn() throws Exception {
        replacementsAreNeverTorn(map(MapType.LPM_TRIE, 8, 64, 8, MapFlags.NO_PREALLOC), lpm(24, 10, 1, 2, 0));
    }

    @Test
    void lruChurnStaysConsistent() throws Exception {
        BpfMap m = map(MapType.LRU_HASH, 4, 8, 64, 0);
        inParallel(t -> {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (int i = 0; i < 100_000; i++) {
                int k = r.nextInt(500);
                switch (r.nextInt(4)) {
                    case 0, 1 -> assertEquals(0, m.update(u32(k), 0, u64(k * 3L), 0, BPF_ANY));
                    case 2 -> {
                        int at = m.lookupSlot(u32(k), 0);
                        if (at >= 0) {
                            long v = readU64(m.values(), at);
                            // the slot may have been recycled since the lookup, as in the kernel
                            assertEquals(0, v % 3);
                        }
                    }
                    default -> {
                        long r2 = m.delete(u32(k), 0);
                        assertTrue(r2 == 0 || r2 == -ENOENT);
                    }
                }
            }
        });
        AtomicInteger count = new AtomicInteger();
        m.forEach((k, v) -> {
            assertEquals(readU32(k, 0) * 3L, readU64(v, 0));
            count.incrementAndGet();
        });
        assertEquals(count.get(), m.size());
        assertTrue(count.get() <= 64);
        for (int k = 1000; k < 1064; k++) {
            m.put(u32(k), u64(k * 3L));
        }
        assertEquals(64, m.size(), "refilled to capacity after the churn");
    }

    @Test
    void lpmLookupsDuringChurnFindOnlyStoredPrefixes() throws Exception {
        BpfMap m = map(MapType.LPM_TRIE, 8, 4, 256, MapFlags.NO_PREALLOC);
        m.put(lpm(0, 0, 0, 0, 0), u32(0));
        inParallel(t -> {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (int i = 0; i < 50_000; i++) {
                int len = 8 + r.nextInt(25);
                int a = r.nextInt(4);
                byte[] key = lpm(len, 10, a, r.nextInt(256), r.nextInt(256));
                if (t < 2) {
                    // value = prefix length, so a lookup can tell it got a prefix of the right length
                    if (r.nextBoolean()) {
                        long res = m.update(key, 0, u32(len), 0, BPF_ANY);
                        assertTrue(res == 0 || res == -ENOSPC);
                    } else {
                        long res = m.delete(key, 0);
                        assertTrue(res == 0 || res == -ENOENT);
                    }
                } else {
                    byte[] v = m.lookup(lpm(32, 10, a, r.nextInt(256), r.nextInt(256)));
                    assertNotNull(v, "the /0 route always matches");
                    int got = readU32(v, 0);
                    assertTrue(got == 0 || (got >= 8 && got <= 32), "value " + got);
                }
            }
        });
        assertTrue(m.size() >= 1);
    }
}
