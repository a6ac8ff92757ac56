package io.ebpfjvm.samples.firewall;

import java.util.Arrays;

/**
 * One access-control rule: a 5-tuple pattern and an action. Null addresses and negative ports
 * stand for "any". For ICMP and ICMPv6, {@code dport} is the ICMP type and {@code sport} the
 * code, as the eBPF program keys them.
 *
 * <p>The eBPF program looks rules up in a hash map, so only four wildcard shapes exist
 * ({@link #tier()}): everything given (tier 0); any source (tier 1); any source and
 * destination address (tier 2); only the protocol (tier 3). The most specific matching rule
 * wins.
 *
 * @param family 4 or 6 when addresses are given, 0 when both are "any"
 */
public record AclRule(int id, Action action, int protocol, byte[] src, int sport, byte[] dst, int dport, int family) {

    public static final int ANY_PORT = -1;

    /** The wildcard tier (0 = exact 5-tuple .. 3 = protocol only); -1 for a shape the program cannot look up. */
    public int tier() {
        boolean anySrc = src == null;
        boolean anySport = sport == ANY_PORT;
        boolean anyDst = dst == null;
        boolean anyDport = dport == ANY_PORT;
        if (!anySrc && !anySport && !anyDst && !anyDport) {
            return 0;
        }
        if (anySrc && anySport && !anyDst && !anyDport) {
            return 1;
        }
        if (anySrc && anySport && anyDst && !anyDport) {
            return 2;
        }
        if (anySrc && anySport && anyDst) {
            return 3;
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AclRule r && id == r.id && action == r.action && protocol == r.protocol
            && Arrays.equals(src, r.src) && sport == r.sport && Arrays.equals(dst, r.dst) && dport == r.dport
            && family == r.family;
    }

    @Override
    public int hashCode() {
        return ((id * 31 + protocol) * 31 + Arrays.hashCode(src)) * 31 + Arrays.hashCode(dst) + sport * 7 + dport;
    }

    @Override
    public String toString() {
        return "rule " + id + " " + action.name().toLowerCase() + " " + Protocols.name(protocol) + " "
            + Addresses.format(src) + " " + (sport < 0 ? "any" : sport) + " "
            + Addresses.format(dst) + " " + (dport < 0 ? "any" : dport);
    }
}
