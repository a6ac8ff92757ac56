package io.ebpfjvm.core.map;

import io.ebpfjvm.core.error.EbpfException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ebpfjvm.core.map.Errno.*;
import static io.ebpfjvm.core.map.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class RingBufMapTest {

    private static RingBufMap ring(int size) {
        return (RingBufMap) map(MapType.RINGBUF, 0, 0, size, 0);
    }

    @Test
    void recordsAreDeliveredInReservationOrderOnceSubmitted() {
        RingBufMap rb = ring(4096);
        assertEquals(8192, rb.values().length, "the data area twice over");
        int a = rb.reserve(10);
        int b = rb.reserve(3);
        assertEquals(8, a, "data follows the 8-byte header");
        assertEquals(8 + 24, b, "10 bytes + header rounded up to 8");
        assertEquals(10 | RingBufMap.BUSY_BIT, readU32(rb.values(), a - 8), "header: length with the busy bit");
        rb.values()[a] = 'a';
        rb.values()[b] = 'b';
        rb.commit(b, false);
        assertEquals(0, rb.consume((buf, off, len) -> fail("the first record is still being written")));
        rb.commit(a, false);
        assertEquals(10, readU32(rb.values(), a - 8), "submitted: busy bit cleared");
        List<String> got = new ArrayList<>();
        assertEquals(2, rb.consume((buf, off, len) -> got.add((char) buf[off] + "/" + len)));
        assertEquals(List.of("a/10", "b/3"), got);
        assertEquals(0, rb.pending());
        assertEquals(0, rb.consume((buf, off, len) -> fail("nothing left")));
    }

    @Test
    void discardedRecordsAreSkipped() {
        RingBufMap rb = ring(4096);
        int a = rb.reserve(8);
        int b = rb.reserve(8);
        int c = rb.reserve(8);
        rb.values()[a] = 1;
        rb.values()[c] = 3;
        rb.commit(b, true);
        assertEquals(8 | RingBufMap.DISCARD_BIT, readU32(rb.values(), b - 8));
        rb.commit(c, false);
        rb.commit(a, false);
        List<byte[]> got = rb.drain();
        assertEquals(2, got.size());
        assertEquals(1, got.get(0)[0]);
        assertEquals(3, got.get(1)[0]);
        assertEquals(0, rb.pending(), "the discarded record's space is given back too");
    }

    @Test
    void capacityIsTheDataSizeMinusOne() {
        RingBufMap rb = ring(4096);
        assertEquals(-1, rb.reserve(4096 - 8 + 1 - 8), "header + 4081 rounds to 4096 bytes: more than size - 1");
        int big = rb.reserve(4096 - 16);
        assertTrue(big >= 0, "4080 + 8 = 4088 bytes fit");
        assertEquals(-1, rb.reserve(0), "not even an empty record fits now");
        assertEquals(-EAGAIN, rb.output(new byte[1], 0, 1));
        rb.commit(big, false);
        assertEquals(1, rb.drain().size());
        assertEquals(0, rb.reserve(0, 0) < 0 ? 1 : 0, "room again");
        assertEquals(-1, rb.reserve(8, 1), "reserve takes no flags");
        assertEquals(-1, rb.reserve(-1));
        assertEquals(-1, rb.reserve(1L << 40));
    }

    @Test
    void recordsWrappingPastTheEndStayContiguous() {
        RingBufMap rb = ring(4096);
        int wrapped = 0;
        for (int round = 0; round < 200; round++) {
            int length = 700 + (round * 37) % 300;
            int at = rb.reserve(length);
            assertTrue(at >= 0, "round " + round);
            if (at + length > 4096) {
                wrapped++;
            }
            for (int i = 0; i < length; i++) {
                rb.values()[at + i] = (byte) (round + i);
            }
            boolean discard = round % 5 == 4;
            rb.commit(at, discard);
            if (round % 3 == 2) {
                continue;
            }
            int finalRound = round;
            rb.consume((buf, off, len) -> {
                assertTrue(len >= 700 && len < 1000);
                int start = (byte) (buf[off]);
                for (int i = 1; i < len; i++) {
                    assertEquals((byte) (start + i), buf[off + i], "byte " + i + " of a record, round " + finalRound);
                }
            });
            assertEquals(0, rb.pending());
        }
        assertTrue(wrapped > 10, "records crossed the end " + wrapped + " times");
    }

    @Test
    void outputCopiesAndChecksFlags() {
        RingBufMap rb = ring(8192);
        byte[] src = {9, 8, 7, 6, 5};
        assertEquals(0, rb.output(src, 1, 3, 0));
        assertEquals(0, rb.output(src, 0, 5, RingBufMap.NO_WAKEUP));
        assertEquals(-EINVAL, rb.output(src, 0, 5, 4));
        List<byte[]> got = rb.drain();
        assertArrayEquals(new byte[] {8, 7, 6}, got.get(0));
        assertArrayEquals(src, got.get(1));
        assertEquals(8192, rb.query(RingBufMap.RING_SIZE));
        assertEquals(32, rb.query(RingBufMap.PROD_POS), "two records of 16 bytes with their headers");
        assertEquals(32, rb.query(RingBufMap.CONS_POS));
        assertEquals(0, rb.query(RingBufMap.AVAIL_DATA));
        rb.reserve(1);
        assertEquals(16, rb.query(RingBufMap.AVAIL_DATA));
        assertEquals(0, rb.query(99));
    }

    @Test
    void committingSomethingNotReservedFails() {
        RingBufMap rb = ring(4096);
        int a = rb.reserve(16);
        rb.commit(a, false);
        assertThrows(EbpfException.class, () -> rb.commit(a, false), "twice");
        assertThrows(EbpfException.class, () -> rb.commit(a + 8, true), "not a record start");
        assertThrows(EbpfException.class, () -> rb.commit(3, false), "before the first header");
        assertThrows(EbpfException.class, () -> rb.commit(5000, false), "outside the ring");
        assertThrows(EbpfException.class, () -> rb.commit(-8, false));
    }

    @Test
    void ringBuffersHaveNoElements() {
        RingBufMap rb = ring(4096);
        assertEquals(-1, rb.lookupSlot(new byte[0], 0));
        assertEquals(-ENOTSUPP, rb.update(new byte[0], 0, new byte[0], 0, BPF_ANY));
        assertEquals(-ENOTSUPP, rb.update(new byte[0], new byte[0], BPF_ANY));
        assertEquals(-ENOTSUPP, rb.delete(new byte[0], 0));
        assertEquals(-ENOTSUPP, rb.nextKey(null, 0, new byte[0], 0));
        assertThrows(EbpfException.class, () -> rb.lookup(new byte[0]));
        rb.forEach((k, v) -> fail("no elements"));
        assertEquals(0, rb.size());
    }

    @Test
    void aThrowingHandlerStillConsumesItsRecord() {
        RingBufMap rb = ring(4096);
        rb.output(new byte[] {1}, 0, 1);
        rb.output(new byte[] {2}, 0, 1);
        assertThrows(IllegalStateException.class, () -> rb.consume((b, o, l) -> {
            throw new IllegalStateException("boom");
        }));
        List<byte[]> rest = rb.drain();
        assertEquals(1, rest.size());
        assertEquals(2, rest.get(0)[0]);
    }

    @Test
    void awaitWakesOnSubmitAndTimesOut() throws Exception {
        RingBufMap rb = ring(4096);
        assertFalse(rb.await(20, TimeUnit.MILLISECONDS));
        int at = rb.reserve(4);
        assertFalse(rb.await(20, TimeUnit.MILLISECONDS), "a busy record is nothing to consume yet");
        Thread producer = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            rb.commit(at, false);
        });
        long start = System.nanoTime();
        producer.start();
        assertTrue(rb.await(10, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        producer.join();
        assertEquals(1, rb.poll(ByteBuffer::get));
    }

    @Test
    void concurrentProducersAndAConsumerLoseNothing() throws Exception {
        RingBufMap rb = ring(16384);
        int producers = 4;
        int perProducer = 20_000;
        AtomicInteger failures = new AtomicInteger();
        Thread[] threads = new Thread[producers];
        for (int t = 0; t < producers; t++) {
            int id = t;
            threads[t] = new Thread(() -> {
                byte[] record = new byte[12];
                for (int seq = 0; seq < perProducer; ) {
                    int length = 5 + seq % 8;
                    record[0] = (byte) id;
                    ByteBuffer.wrap(record, 1, 4).putInt(seq);
                    boolean discard = seq % 10 == 9;
                    int at = rb.reserve(length);
                    if (at < 0) {
                        failures.incrementAndGet();
                        Thread.onSpinWait();
                        continue;
                    }
                    System.arraycopy(record, 0, rb.values(), at, 5);
                    rb.commit(at, discard);
                    seq++;
                }
            });
            threads[t].start();
        }
        int[] nextSeq = new int[producers];
        int[] delivered = {0};
        int expected = producers * (perProducer - perProducer / 10);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (delivered[0] < expected && System.nanoTime() < deadline) {
            rb.await(10, TimeUnit.MILLISECONDS);
            rb.consume((buf, off, len) -> {
                int id = buf[off];
                int seq = ByteBuffer.wrap(buf, off + 1, 4).getInt();
                assertEquals(5 + seq % 8, len);
                // each producer's records arrive in its order, discarded ones missing
                while (nextSeq[id] % 10 == 9) {
                    nextSeq[id]++;
                }
                assertEquals(nextSeq[id], seq, "producer " + id);
                nextSeq[id]++;
                delivered[0]++;
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        rb.consume((buf, off, len) -> delivered[0]++);
        assertEquals(expected, delivered[0]);
        assertEquals(0, rb.pending());
    }
}
