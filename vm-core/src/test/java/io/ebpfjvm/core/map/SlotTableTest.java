package io.ebpfjvm.core.map;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.*;

/** The hash table under hash maps: keys that differ in a few bits anywhere still spread over the buckets. */
class SlotTableTest {
    private static final int SLOTS = 4096;

    /** Fills a table with {@code SLOTS} keys from {@code key(i)} and returns its longest chain. */
    private static int longestChain(int keySize, java.util.function.IntFunction<byte[]> key, long seed) {
        SlotTable t = new SlotTable(keySize, SLOTS, seed);
        for (int i = 0; i < SLOTS; i++) {
            byte[] k = key.apply(i);
            assertEquals(SlotTable.NIL, t.find(k, 0), "key " + i + " found before insertion");
            t.insert(t.allocate(), k, 0);
        }
        for (int i = 0; i < SLOTS; i++) {
            assertNotEquals(SlotTable.NIL, t.find(key.apply(i), 0), "key " + i + " lost");
        }
        return t.longestChain();
    }

    /** A 5-tuple (13 bytes used of 16) with {@code i} in one field. */
    private static byte[] flow(int i, int field) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0, 0x0a000001).putInt(4, 0xc0a80001).putShort(8, (short) 1000).putShort(10, (short) 53).put(12, (byte) 6);
        switch (field) {
            case 0 -> b.putInt(0, 0x0a000000 + i); // source address
            case 1 -> b.putInt(4, 0xc0a80000 + i); // destination address
            default -> b.putShort(8, (short) i); // source port
        }
        return b.array();
    }

    @Test
    void flowsDifferingInOneFieldSpreadOverTheBuckets() {
        for (int field = 0; field < 3; field++) {
            int f = field;
            for (long seed : new long[] {0, 1, 0x5eed5eed5eedL, -1}) {
                int longest = longestChain(16, i -> flow(i, f), seed);
                // A uniform hash puts 4096 keys into 4096 buckets with a longest chain around 7.
                assertTrue(longest <= 12, "field " + f + ", seed " + seed + ": a chain of " + longest);
            }
        }
    }

    @Test
    void keysOfEverySizeSpreadOverTheBuckets() {
        for (int size : new int[] {2, 4, 7, 8, 12, 20, 33, 64}) {
            int s = size;
            // the counter sits in the key's last bytes, after any whole words
            int longest = longestChain(size, i -> {
                byte[] k = new byte[s];
                for (int b = 0; b < Math.min(4, s); b++) {
                    k[s - 1 - b] = (byte) (i >>> (8 * b));
                }
                return k;
            }, 42);
            assertTrue(longest <= 12, size + "-byte keys: a chain of " + longest);
        }
    }
}
