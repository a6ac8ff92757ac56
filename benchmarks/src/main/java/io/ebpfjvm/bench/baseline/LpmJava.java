package io.ebpfjvm.bench.baseline;

import io.ebpfjvm.bench.Classifier;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Hand-written lpm.c: a binary trie over the source address in int arrays, longest match wins,
 * hits counted atomically like the program's {@code __sync_fetch_and_add}.
 */
public final class LpmJava implements Classifier {
    private int[] zero = new int[64];
    private int[] one = new int[64];
    private int[] entry = new int[64];
    private int nodes = 1;
    private final AtomicLongArray hits;

    /** @param prefixes prefix (address in wire order as an int, host bits zero) -> length */
    public LpmJava(Map<Integer, Integer> prefixes) {
        Arrays.fill(entry, -1);
        hits = new AtomicLongArray(prefixes.size());
        int index = 0;
        for (Map.Entry<Integer, Integer> p : prefixes.entrySet()) {
            insert(p.getKey(), p.getValue(), index++);
        }
    }

    private void insert(int addr, int length, int index) {
        int node = 0;
        for (int bit = 0; bit < length; bit++) {
            boolean set = (addr << bit) < 0;
            int[] next = set ? one : zero;
            if (next[node] == 0) {
                grow();
                next = set ? one : zero;
                next[node] = nodes++;
            }
            node = next[node];
        }
        entry[node] = index;
    }

    private void grow() {
        if (nodes == zero.length) {
            int size = nodes * 2;
            zero = Arrays.copyOf(zero, size);
            one = Arrays.copyOf(one, size);
            int old = entry.length;
            entry = Arrays.copyOf(entry, size);
            Arrays.fill(entry, old, size, -1);
        }
    }

    @Override
    public long classify(byte[] f, int off, int len) {
        int l4 = Frames.l4Offset(f, off, len);
        if (l4 == Frames.RUNT) {
            return 1;
        }
        if (l4 == Frames.NOT_IPV4) {
            return 2;
        }
        int addr = Frames.be32(f, off + Frames.IP + 12);
        int node = 0;
        int match = entry[0];
        for (int bit = 0; bit < 32; bit++) {
            node = (addr << bit) < 0 ? one[node] : zero[node];
            if (node == 0) {
                break;
            }
            if (entry[node] >= 0) {
                match = entry[node];
            }
        }
        if (match < 0) {
            return 2;
        }
        hits.getAndIncrement(match);
        return 1;
    }
}
