package io.ebpfjvm.bench.baseline;

import io.ebpfjvm.bench.Classifier;
import io.ebpfjvm.bench.Flow;
import io.ebpfjvm.core.map.Cpus;

import java.util.Map;

/**
 * Hand-written acl.c: the 5-tuple packed into two longs in an open-addressing table (what a
 * Java developer would write instead of a {@code HashMap} of key objects, which allocates),
 * and per-CPU counters indexed by the thread's slot exactly like the program's per-CPU array.
 */
public final class AclJava implements Classifier {
    private final long[] keys;
    private final int[] verdicts;
    private final int mask;
    private final long[] counters = new long[(Cpus.COUNT + 1) * 32];

    public AclJava(Map<Flow, Integer> rules) {
        int capacity = Integer.highestOneBit(Math.max(4, rules.size() * 4) - 1) << 1;
        keys = new long[capacity * 2];
        verdicts = new int[capacity];
        java.util.Arrays.fill(verdicts, -1);
        mask = capacity - 1;
        rules.forEach((flow, verdict) -> insert(hi(flow.src(), flow.dst()), lo(flow.sport(), flow.dport(), flow.proto()), verdict));
    }

    private static long hi(int src, int dst) {
        return (long) src << 32 | (dst & 0xffffffffL);
    }

    private static long lo(int sport, int dport, int proto) {
        return (long) sport << 24 | (long) dport << 8 | proto;
    }

    private static int slot(long hi, long lo) {
        long h = (hi * 0x9e3779b97f4a7c15L) ^ (lo * 0xc2b2ae3d27d4eb4fL);
        return (int) (h ^ h >>> 29);
    }

    private void insert(long hi, long lo, int verdict) {
        int i = slot(hi, lo) & mask;
        while (verdicts[i] >= 0 && !(keys[2 * i] == hi && keys[2 * i + 1] == lo)) {
            i = (i + 1) & mask;
        }
        keys[2 * i] = hi;
        keys[2 * i + 1] = lo;
        verdicts[i] = verdict;
    }

    private int lookup(long hi, long lo) {
        int i = slot(hi, lo) & mask;
        while (verdicts[i] >= 0) {
            if (keys[2 * i] == hi && keys[2 * i + 1] == lo) {
                return verdicts[i];
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    @Override
    public long classify(byte[] f, int off, int len) {
        int l4 = Frames.l4Offset(f, off, len);
        if (l4 == Frames.RUNT) {
            return 1;
        }
        int verdict = 2;
        if (l4 != Frames.NOT_IPV4) {
            int ip = off + Frames.IP;
            int sport = l4 > 0 ? Frames.be16(f, off + l4) : 0;
            int dport = l4 > 0 ? Frames.be16(f, off + l4 + 2) : 0;
            int rule = lookup(hi(Frames.be32(f, ip + 12), Frames.be32(f, ip + 16)), lo(sport, dport, f[ip + 9] & 0xff));
            if (rule >= 0) {
                verdict = rule;
            }
        }
        if (verdict >= 0 && verdict < 4) {
            // Per-CPU rows 256 bytes apart, none in the line of the array's header (its length
            // is read by every thread's bounds check), as the map lays its per-CPU values out.
            counters[(Cpus.current() + 1) * 32 + verdict]++;
        }
        return verdict;
    }

    /** The counter of one verdict summed over CPUs. */
    public long count(int verdict) {
        long sum = 0;
        for (int cpu = 0; cpu < Cpus.COUNT; cpu++) {
            sum += counters[(cpu + 1) * 32 + verdict];
        }
        return sum;
    }
}
