package io.ebpfjvm.samples.firewall;

import java.util.Map;
import java.util.TreeMap;

/** How many packets got each return value (XDP action) from a program. */
public final class VerdictCounts {
    private final long[] small = new long[8];
    private final Map<Long, Long> other = new TreeMap<>();

    /** Counts one return value. */
    public void add(long r0) {
        if (r0 >= 0 && r0 < small.length) {
            small[(int) r0]++;
        } else {
            other.merge(r0, 1L, Long::sum);
        }
    }

    /** Adds another tally into this one. */
    public void addAll(VerdictCounts o) {
        for (int i = 0; i < small.length; i++) {
            small[i] += o.small[i];
        }
        o.other.forEach((k, v) -> other.merge(k, v, Long::sum));
    }

    public long count(long r0) {
        return r0 >= 0 && r0 < small.length ? small[(int) r0] : other.getOrDefault(r0, 0L);
    }

    public long total() {
        long sum = 0;
        for (Map.Entry<Long, Long> e : asMap().entrySet()) {
            sum += e.getValue();
        }
        return sum;
    }

    /** Return value to count, for values that occurred, ascending. */
    public Map<Long, Long> asMap() {
        Map<Long, Long> out = new TreeMap<>(other);
        for (int i = 0; i < small.length; i++) {
            if (small[i] != 0) {
                out.put((long) i, small[i]);
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerdictCounts v && asMap().equals(v.asMap());
    }

    @Override
    public int hashCode() {
        return asMap().hashCode();
    }

    @Override
    public String toString() {
        return asMap().toString();
    }

    /** {@code XDP_DROP} etc. for the XDP actions, else the number. */
    public static String xdpName(long r0) {
        String[] names = {"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"};
        return r0 >= 0 && r0 < names.length ? names[(int) r0] : "return " + r0;
    }
}
