package io.ebpfjvm.core.map;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.ebpfjvm.core.map.Errno.*;
import static io.ebpfjvm.core.map.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class LpmTrieMapTest {

    private static BpfMap ipv4(int max) {
        return map(MapType.LPM_TRIE, 8, 4, max, MapFlags.NO_PREALLOC);
    }

    private static Integer value(BpfMap m, byte[] key) {
        byte[] v = m.lookup(key);
        return v == null ? null : readU32(v, 0);
    }

    @Test
    void longestPrefixWinsFromSlash0ToSlash32() {
        BpfMap m = ipv4(16);
        assertInstanceOf(LpmTrieMap.class, m);
        assertEquals(32, ((LpmTrieMap) m).maxPrefixLength());
        assertNull(value(m, lpm(32, 10, 1, 2, 3)), "empty");
        m.put(lpm(8, 10, 0, 0, 0), u32(8));
        assertNull(value(m, lpm(32, 11, 1, 2, 3)), "no default route yet");
        m.put(lpm(0, 0, 0, 0, 0), u32(100));
        m.put(lpm(16, 10, 1, 0, 0), u32(16));
        m.put(lpm(32, 10, 1, 2, 3), u32(32));
        m.put(lpm(24, 10, 1, 3, 0), u32(24));
        assertEquals(32, value(m, lpm(32, 10, 1, 2, 3)));
        assertEquals(16, value(m, lpm(32, 10, 1, 2, 4)));
        assertEquals(24, value(m, lpm(32, 10, 1, 3, 200)));
        assertEquals(8, value(m, lpm(32, 10, 9, 9, 9)));
        assertEquals(100, value(m, lpm(32, 11, 0, 0, 0)));
        assertEquals(100, value(m, lpm(32, 255, 255, 255, 255)));
        assertEquals(8, value(m, lpm(12, 10, 1, 2, 3)), "a shorter lookup prefix only sees shorter entries");
        assertEquals(100, value(m, lpm(0, 10, 1, 2, 3)));
        assertNull(value(m, lpm(33, 10, 1, 2, 3)), "a prefix length above 32 finds nothing, as in the kernel");
        assertEquals(-1, m.lookupSlot(lpm(-1, 10, 1, 2, 3), 0));
        int at = m.lookupSlot(lpm(32, 10, 1, 2, 3), 0);
        assertEquals(32, readU32(m.values(), at));
        assertEquals(5, m.size());
    }

    @Test
    void updateAndDeleteNameAnExactPrefixIgnoringHostBits() {
        BpfMap m = ipv4(4);
        assertEquals(0, m.update(lpm(16, 10, 1, 7, 7), 0, u32(1), 0, BPF_NOEXIST));
        assertEquals(-EEXIST, m.update(lpm(16, 10, 1, 0, 0), 0, u32(2), 0, BPF_NOEXIST), "same prefix");
        assertEquals(0, m.update(lpm(16, 10, 1, 0, 0), 0, u32(2), 0, BPF_EXIST));
        assertEquals(-ENOENT, m.update(lpm(17, 10, 1, 0, 0), 0, u32(2), 0, BPF_EXIST));
        assertEquals(-EINVAL, m.update(lpm(33, 10, 1, 0, 0), 0, u32(2), 0, BPF_ANY), "prefix longer than the data");
        assertEquals(-EINVAL, m.update(lpm(-1, 10, 1, 0, 0), 0, u32(2), 0, BPF_ANY));
        assertEquals(-EINVAL, m.update(lpm(8, 10, 1, 0, 0), 0, u32(2), 0, 3));
        assertEquals(-EINVAL, m.delete(lpm(33, 10, 1, 0, 0), 0));
        assertEquals(2, value(m, lpm(32, 10, 1, 200, 1)));
        assertEquals(-ENOENT, m.delete(lpm(8, 10, 0, 0, 0), 0), "only an exact prefix is deleted");
        assertEquals(-ENOENT, m.delete(lpm(16, 10, 2, 0, 0), 0));
        assertEquals(0, m.delete(lpm(16, 10, 1, 99, 99), 0));
        assertNull(value(m, lpm(32, 10, 1, 200, 1)));
        assertEquals(0, m.size());
    }

    @Test
    void fullTrieRefusesNewPrefixesWithEnospc() {
        BpfMap m = ipv4(2);
        m.put(lpm(8, 10, 0, 0, 0), u32(1));
        m.put(lpm(8, 11, 0, 0, 0), u32(2));
        assertEquals(-ENOSPC, m.update(lpm(8, 12, 0, 0, 0), 0, u32(3), 0, BPF_ANY));
        assertEquals(-ENOENT, m.update(lpm(8, 12, 0, 0, 0), 0, u32(3), 0, BPF_EXIST), "EXIST is checked first");
        assertEquals(0, m.update(lpm(8, 11, 0, 0, 0), 0, u32(4), 0, BPF_ANY), "replacing needs no room");
        assertEquals(4, value(m, lpm(32, 11, 1, 1, 1)));
        assertEquals(0, m.delete(lpm(8, 10, 0, 0, 0), 0));
        assertEquals(0, m.update(lpm(8, 12, 0, 0, 0), 0, u32(3), 0, BPF_ANY));
    }

    @Test
    void ipv6Slash128AndShorterPrefixes() {
        BpfMap m = map(MapType.LPM_TRIE, 20, 4, 8, MapFlags.NO_PREALLOC);
        int[] addr = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        m.put(lpm(128, addr), u32(128));
        m.put(lpm(32, addr), u32(32));
        m.put(lpm(127, addr), u32(127));
        assertEquals(128, value(m, lpm(128, addr)));
        int[] other = addr.clone();
        other[15] = 0;
        assertEquals(127, value(m, lpm(128, other)), "differs in the last bit only");
        other[15] = 2;
        assertEquals(32, value(m, lpm(128, other)));
        other[3] = 0xb9;
        assertNull(value(m, lpm(128, other)));
        assertEquals(0, m.delete(lpm(127, addr), 0));
        other = addr.clone();
        other[15] = 0;
        assertEquals(32, value(m, lpm(128, other)));
        assertEquals(128, value(m, lpm(128, addr)));
        assertEquals(-EINVAL, m.update(lpm(129, addr), 0, u32(1), 0, BPF_ANY));
    }

    @Test
    void iterationIsTheKernelsPostOrder() {
        BpfMap m = ipv4(16);
        m.put(lpm(0, 0, 0, 0, 0), u32(0));
        m.put(lpm(8, 192, 0, 0, 0), u32(0));
        m.put(lpm(16, 192, 168, 0, 0), u32(0));
        m.put(lpm(24, 192, 168, 1, 0), u32(0));
        m.put(lpm(24, 192, 168, 0, 0), u32(0));
        m.put(lpm(8, 10, 0, 0, 0), u32(0));
        m.put(lpm(32, 10, 0, 0, 1), u32(0));
        List<String> order = new ArrayList<>();
        m.forEach((k, v) -> order.add((k[4] & 0xff) + "." + (k[5] & 0xff) + "." + (k[6] & 0xff) + "." + (k[7] & 0xff)
            + "/" + readU32(k, 0)));
        // more specific prefixes before the ones containing them, the 0-bit side first
        assertEquals(List.of("10.0.0.1/32", "10.0.0.0/8", "192.168.0.0/24", "192.168.1.0/24", "192.168.0.0/16",
            "192.0.0.0/8", "0.0.0.0/0"), order);
        byte[] next = new byte[8];
        assertEquals(0, m.nextKey(lpm(8, 172, 0, 0, 0), 0, next, 0));
        assertArrayEquals(lpm(32, 10, 0, 0, 1), next, "a key not stored restarts at the first");
        assertEquals(-ENOENT, m.nextKey(lpm(0, 0, 0, 0, 0), 0, next, 0));
        assertEquals(0, m.nextKey(lpm(40, 1, 1, 1, 1), 0, next, 0), "an impossible prefix restarts too");
    }

    @Test
    void iterationReturnsTheStoredDataBits() {
        BpfMap m = ipv4(4);
        m.put(lpm(8, 10, 1, 2, 3), u32(1));
        byte[] next = new byte[8];
        assertEquals(0, m.nextKey(null, 0, next, 0));
        assertArrayEquals(lpm(8, 10, 1, 2, 3), next, "as the kernel, bits past the prefix come back as given");
    }


    /** Brute force: the longest stored prefix covering {@code addr} within {@code len} bits. */
    private static Integer bruteForce(Map<Long, Integer> stored, int addr, int len) {
        for (int l = len; l >= 0; l--) {
            long masked = l == 0 ? 0 : (addr & 0xffffffffL) >>> (32 - l) << (32 - l);
            Integer v = stored.get(masked << 6 | l);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static byte[] key(int len, int addr) {
        return lpm(len, addr >>> 24, (addr >>> 16) & 0xff, (addr >>> 8) & 0xff, addr & 0xff);
    }

    @Test
    void randomPrefixesMatchBruteForce() {
        Random r = new Random(3);
        BpfMap m = ipv4(300);
        Map<Long, Integer> stored = new HashMap<>();
        for (int i = 0; i < 60_000; i++) {
            // few distinct high bits so prefixes nest and share paths
            int addr = (r.nextInt(4) << 30) | (r.nextInt(8) << 20) | r.nextInt(1 << 12);
            int len = r.nextInt(33);
            long id = ((len == 0 ? 0 : (addr & 0xffffffffL) >>> (32 - len) << (32 - len)) << 6) | len;
            int op = r.nextInt(10);
            if (op < 4) {
                boolean present = stored.containsKey(id);
                long expected = !present && stored.size() >= 300 ? -ENOSPC : 0;
                assertEquals(expected, m.update(key(len, addr), 0, u32(i), 0, BPF_ANY), "op " + i);
                if (expected == 0) {
                    stored.put(id, i);
                }
            } else if (op < 7) {
                assertEquals(stored.remove(id) != null ? 0 : -ENOENT, m.delete(key(len, addr), 0), "op " + i);
            } else {
                int lookupLen = r.nextInt(4) == 0 ? len : 32;
                Integer want = bruteForce(stored, addr, lookupLen);
                int at = m.lookupSlot(key(lookupLen, addr), 0);
                assertEquals(want, at < 0 ? null : readU32(m.values(), at), "op " + i + " " + Integer.toHexString(addr) + "/" + lookupLen);
            }
            if (i % 5000 == 0) {
                checkIteration(m, stored);
            }
        }
        assertEquals(stored.size(), m.size());
        checkIteration(m, stored);
    }

    /**
     * Data of every width the compare takes apart (single bytes, a 4-byte and an 8-byte head,
     * words past the head): random prefixes with random host bits against a brute-force match.
     */
    @Test
    void prefixesOfEveryDataSizeMatchBruteForce() {
        for (int size : new int[] {1, 3, 4, 5, 7, 8, 9, 12, 16, 20}) {
            Random r = new Random(size);
            int bits = size * 8;
            BpfMap m = map(MapType.LPM_TRIE, 4 + size, 4, 200, MapFlags.NO_PREALLOC);
            Map<String, Integer> stored = new HashMap<>();
            Map<String, byte[]> data = new HashMap<>();
            for (int i = 0; i < 4000; i++) {
                // data from a few patterns with a random tail, so prefixes nest and diverge at every depth
                byte[] d = new byte[size];
                r.nextBytes(d);
                byte[] base = new byte[size];
                new Random(r.nextInt(3)).nextBytes(base);
                int shared = r.nextInt(size + 1);
                System.arraycopy(base, 0, d, 0, shared);
                int len = r.nextInt(bits + 1);
                if (r.nextInt(3) > 0 && stored.size() < 200) {
                    String id = len + ":" + bitString(d, len);
                    assertEquals(0, m.update(sizedKey(len, d), 0, u32(i), 0, BPF_ANY), size + " bytes, op " + i);
                    stored.put(id, i);
                    data.put(id, d);
                } else {
                    Integer want = null;
                    int best = -1;
                    for (Map.Entry<String, byte[]> e : data.entrySet()) {
                        int l = Integer.parseInt(e.getKey().substring(0, e.getKey().indexOf(':')));
                        if (l > best && bitString(e.getValue(), l).equals(bitString(d, l))) {
                            best = l;
                            want = stored.get(e.getKey());
                        }
                    }
                    int at = m.lookupSlot(sizedKey(bits, d), 0);
                    assertEquals(want, at < 0 ? null : readU32(m.values(), at), size + " bytes, op " + i);
                }
            }
        }
    }

    private static String bitString(byte[] d, int len) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < len; i++) {
            b.append((d[i >>> 3] >>> (7 - (i & 7))) & 1);
        }
        return b.toString();
    }

    private static byte[] sizedKey(int len, byte[] d) {
        byte[] k = new byte[4 + d.length];
        k[0] = (byte) len;
        k[1] = (byte) (len >>> 8);
        System.arraycopy(d, 0, k, 4, d.length);
        return k;
    }

    /** Every stored prefix exactly once, and each comes after every longer prefix it contains. */
    private static void checkIteration(BpfMap m, Map<Long, Integer> stored) {
        List<long[]> seen = new ArrayList<>();
        m.forEach((k, v) -> {
            int len = readU32(k, 0);
            long addr = Integer.toUnsignedLong(((k[4] & 0xff) << 24) | ((k[5] & 0xff) << 16) | ((k[6] & 0xff) << 8) | (k[7] & 0xff));
            long masked = len == 0 ? 0 : addr >>> (32 - len) << (32 - len);
            assertEquals(stored.get(masked << 6 | len), readU32(v, 0));
            seen.add(new long[] {masked, len});
        });
        assertEquals(stored.size(), seen.size());
        for (int i = 0; i < seen.size(); i++) {
            for (int j = i + 1; j < seen.size(); j++) {
                long[] a = seen.get(i);
                long[] b = seen.get(j);
                boolean bInsideA = b[1] > a[1] && (a[1] == 0 || (b[0] >>> (32 - a[1])) == (a[0] >>> (32 - a[1])));
                assertFalse(bInsideA, "post-order: a contained prefix came after its container");
            }
        }
    }
}
