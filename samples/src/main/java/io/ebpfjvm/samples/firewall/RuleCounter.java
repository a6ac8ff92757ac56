package io.ebpfjvm.samples.firewall;

/** Packets and bytes one rule matched, summed over every CPU's copy of its per-CPU counter. */
public record RuleCounter(long packets, long bytes) {
    public static final RuleCounter ZERO = new RuleCounter(0, 0);

    public RuleCounter plus(RuleCounter o) {
        return new RuleCounter(packets + o.packets, bytes + o.bytes);
    }
}
