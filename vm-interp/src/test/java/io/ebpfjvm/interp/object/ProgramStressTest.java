package io.ebpfjvm.interp.object;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.interp.Interpreter;
import org.junit.jupiter.api.RepeatedTest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several threads run one program (stress_counters.c: per-flow counters created with
 * BPF_NOEXIST and bumped atomically, an atomic byte total) while a Java thread churns other
 * keys of the same hash map and walks it. Afterwards every count is exact: no update lost, no
 * element duplicated, the churned keys hold exactly what the Java thread last wrote.
 */
class ProgramStressTest {
    private static final int THREADS = 4;
    private static final int PACKETS = 40_000;
    private static final int FLOWS = 64;
    private static final int CHURN_BASE = 100_000;
    private static final int CHURN_KEYS = 1_000;

    private static byte[] key(int k) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(k).array();
    }

    private static long u64(byte[] value) {
        return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    @RepeatedTest(3)
    void countsStayExactUnderConcurrentProgramsAndJavaUpdates() throws Exception {
        BpfObject object = ObjectRunTest.load("stress_counters.o");
        MapSet maps = MapSet.create(object);
        ExecutableProgram program = Interpreter.compile(object.select("stress", null), null, maps,
            KernelHelpers.registry(line -> { }), ExecutionOptions.defaults());
        BpfMap flows = maps.byName("flows").orElseThrow();
        BpfMap totals = maps.byName("totals").orElseThrow();

        long[] expectedPerFlow = new long[FLOWS];
        long expectedBytes = 0;
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < PACKETS; i++) {
                expectedPerFlow[flowOf(t, i)]++;
                expectedBytes += lengthOf(t, i);
            }
        }

        CyclicBarrier start = new CyclicBarrier(THREADS + 1);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            workers.add(new Thread(() -> {
                try {
                    byte[] frame = new byte[128];
                    start.await();
                    for (int i = 0; i < PACKETS; i++) {
                        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(14, flowOf(thread, i));
                        long verdict = program.run(frame, 0, lengthOf(thread, i));
                        if (verdict != 2) {
                            throw new AssertionError("packet " + i + " of thread " + thread + " returned " + verdict);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        Map<Integer, Long> churnModel = new HashMap<>();
        Thread churn = new Thread(() -> {
            SplittableRandom random = new SplittableRandom(5);
            try {
                start.await();
                while (!done.get()) {
                    int k = CHURN_BASE + random.nextInt(CHURN_KEYS);
                    if (random.nextInt(3) == 0) {
                        flows.remove(key(k));
                        churnModel.remove(k);
                    } else {
                        long v = random.nextLong();
                        flows.put(key(k), u64(v));
                        churnModel.put(k, v);
                    }
                    if (random.nextInt(500) == 0) {
                        // A full walk while programs insert: every key seen must be a flow or a churn key.
                        flows.forEach((kk, vv) -> {
                            int seen = ByteBuffer.wrap(kk).order(ByteOrder.LITTLE_ENDIAN).getInt();
                            if (!(seen >= 0 && seen < FLOWS) && !(seen >= CHURN_BASE && seen < CHURN_BASE + CHURN_KEYS)) {
                                throw new AssertionError("walk saw a key nobody stored: " + seen);
                            }
                        });
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        workers.forEach(Thread::start);
        churn.start();
        for (Thread w : workers) {
            w.join(TimeUnit.MINUTES.toMillis(2));
        }
        done.set(true);
        churn.join(TimeUnit.MINUTES.toMillis(1));
        if (failure.get() != null) {
            throw new AssertionError("a thread failed", failure.get());
        }

        for (int f = 0; f < FLOWS; f++) {
            byte[] value = flows.get(key(f));
            assertNotNull(value, "flow " + f + " lost");
            assertEquals(expectedPerFlow[f], u64(value), "count of flow " + f);
        }
        assertEquals(expectedBytes, u64(totals.get(key(0))), "byte total");
        for (int k = CHURN_BASE; k < CHURN_BASE + CHURN_KEYS; k++) {
            Long model = churnModel.get(k);
            byte[] value = flows.get(key(k));
            if (model == null) {
                assertNull(value, "churn key " + k + " was deleted last");
            } else {
                assertArrayEquals(u64(model), value, "churn key " + k);
            }
        }
        assertEquals(FLOWS + churnModel.size(), flows.size(), "no duplicated or stray elements");
        assertTrue(flows.size() <= flows.maxEntries());
    }

    private static int flowOf(int thread, int i) {
        return (thread * 7 + i * 13) % FLOWS;
    }

    private static int lengthOf(int thread, int i) {
        return 18 + (thread + i) % 110;
    }
}
