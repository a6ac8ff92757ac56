package io.ebpfjvm.samples.firewall;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The firewall's policy written again in plain Java, straight from the rules and the
 * documented parsing rules, sharing nothing with the eBPF program: the oracle the sample's
 * output is checked against. It computes what the program should return for each packet,
 * what its counters should hold and which drop reports it should send.
 */
final class ReferenceFirewall {
    private final RuleSet rules;

    final Map<Long, Long> verdicts = new HashMap<>();
    final Map<Integer, long[]> counters = new HashMap<>();
    final List<DropEvent> reports = new ArrayList<>();
    long packets;
    long bytes;
    long ipv4;
    long ipv6;
    long vlan;
    long fragments;
    long malformed;
    long nonIp;

    ReferenceFirewall(RuleSet rules) {
        this.rules = rules;
    }

    /** Parsed view of a frame so far. */
    private static final class Frame {
        final byte[] p;
        final int length;
        int tags;
        int vlanId;
        int family;
        int protocol;
        byte[] src;
        byte[] dst;
        int sport;
        int dport;

        Frame(byte[] p) {
            this.p = p;
            this.length = p.length;
        }

        int u8(int at) {
            return p[at] & 0xff;
        }

        int u16(int at) {
            return (u8(at) << 8) | u8(at + 1);
        }
    }

    /** Classifies one frame; returns the XDP action and records counters and reports. */
    long classify(byte[] packet) {
        long r = decide(new Frame(packet));
        verdicts.merge(r, 1L, Long::sum);
        return r;
    }

    private long decide(Frame f) {
        packets++;
        bytes += f.length;
        if (f.length < 14) {
            return malformedFrame(f);
        }
        int type = f.u16(12);
        int at = 14;
        while (f.tags < 2 && (type == 0x8100 || type == 0x88a8)) {
            if (at + 4 > f.length) {
                return malformedFrame(f);
            }
            if (f.tags == 0) {
                f.vlanId = f.u16(at) & 0xfff;
            }
            f.tags++;
            type = f.u16(at + 2);
            at += 4;
        }
        if (f.tags > 0) {
            vlan++;
        }
        boolean later;
        int l4;
        if (type == 0x0800) {
            if (at + 20 > f.length) {
                return malformedFrame(f);
            }
            int version = f.u8(at) >> 4;
            int words = f.u8(at) & 15;
            if (version != 4 || words < 5 || at + words * 4 > f.length) {
                return malformedFrame(f);
            }
            ipv4++;
            int fragmentField = f.u16(at + 6);
            boolean moreFragments = (fragmentField & 0x2000) != 0;
            int offset = fragmentField & 0x1fff;
            if (moreFragments || offset != 0) {
                fragments++;
            }
            later = offset != 0;
            f.family = 4;
            f.protocol = f.u8(at + 9);
            f.src = Arrays.copyOfRange(f.p, at + 12, at + 16);
            f.dst = Arrays.copyOfRange(f.p, at + 16, at + 20);
            l4 = at + words * 4;
        } else if (type == 0x86dd) {
            if (at + 40 > f.length || f.u8(at) >> 4 != 6) {
                return malformedFrame(f);
            }
            ipv6++;
            int next = f.u8(at + 6);
            int header = at + 40;
            boolean fragment = false;
            later = false;
            for (int followed = 0; isExtension(next); followed++) {
                if (followed == 4 || header + 8 > f.length) {
                    return malformedFrame(f);  // too long a chain, or a header cut short
                }
                int following = f.u8(header);
                int size = switch (next) {
                    case 44 -> 8;
                    case 51 -> (f.u8(header + 1) + 2) * 4;
                    default -> (f.u8(header + 1) + 1) * 8;
                };
                if (next == 44) {
                    fragment = true;
                    later = (f.u16(header + 2) >> 3) != 0;
                }
                next = following;
                header += size;
            }
            if (header > f.length) {
                return malformedFrame(f);
            }
            if (fragment) {
                fragments++;
            }
            f.family = 6;
            f.protocol = next;
            f.src = Arrays.copyOfRange(f.p, at + 8, at + 24);
            f.dst = Arrays.copyOfRange(f.p, at + 24, at + 40);
            l4 = header;
        } else {
            nonIp++;
            return 2;
        }

        if (later) {
            if (rules.laterFragments() == Action.DROP) {
                report(f, 0, DropReason.FRAGMENT);
                return 1;
            }
        } else if (f.protocol == 6 || f.protocol == 17) {
            if (l4 + (f.protocol == 6 ? 20 : 8) > f.length) {
                return malformedFrame(f);
            }
            f.sport = f.u16(l4);
            f.dport = f.u16(l4 + 2);
        } else if ((f.protocol == 1 && f.family == 4) || (f.protocol == 58 && f.family == 6)) {
            if (l4 + 4 > f.length) {
                return malformedFrame(f);
            }
            f.dport = f.u8(l4);
            f.sport = f.u8(l4 + 1);
        }

        PrefixRule block = null;
        for (PrefixRule prefix : rules.prefixes()) {
            if (prefix.family() == f.family && inPrefix(f.src, prefix)
                && (block == null || prefix.prefixLength() > block.prefixLength())) {
                block = prefix;
            }
        }
        if (block != null) {
            return hit(f, block.id(), Action.DROP, DropReason.BLOCKLIST);
        }

        AclRule best = null;
        for (AclRule rule : rules.rules()) {
            if (matches(rule, f) && (best == null || specifiedFields(rule) > specifiedFields(best))) {
                best = rule;
            }
        }
        if (best != null) {
            return hit(f, best.id(), best.action(), DropReason.ACL);
        }
        return hit(f, 0, rules.defaultAction(), DropReason.DEFAULT);
    }

    private static boolean isExtension(int next) {
        return next == 0 || next == 43 || next == 44 || next == 51 || next == 60;
    }

    private static boolean inPrefix(byte[] address, PrefixRule prefix) {
        for (int bit = 0; bit < prefix.prefixLength(); bit++) {
            int mask = 1 << (7 - bit % 8);
            if ((address[bit / 8] & mask) != (prefix.address()[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(AclRule rule, Frame f) {
        if (rule.protocol() != f.protocol) {
            return false;
        }
        if (rule.family() != 0 && rule.family() != f.family) {
            return false;
        }
        return (rule.src() == null || Arrays.equals(rule.src(), f.src))
            && (rule.dst() == null || Arrays.equals(rule.dst(), f.dst))
            && (rule.sport() < 0 || rule.sport() == f.sport)
            && (rule.dport() < 0 || rule.dport() == f.dport);
    }

    private static int specifiedFields(AclRule rule) {
        return (rule.src() != null ? 1 : 0) + (rule.dst() != null ? 1 : 0) + (rule.sport() >= 0 ? 1 : 0)
            + (rule.dport() >= 0 ? 1 : 0);
    }

    private long hit(Frame f, int ruleId, Action action, DropReason reason) {
        long[] c = counters.computeIfAbsent(ruleId, k -> new long[2]);
        c[0]++;
        c[1] += f.length;
        if (action == Action.DROP) {
            report(f, ruleId, reason);
        }
        return action.xdpCode();
    }

    private long malformedFrame(Frame f) {
        malformed++;
        reports.add(new DropEvent(0, DropReason.MALFORMED, 0, 0, f.tags, 0, 0, f.vlanId, Math.min(f.length, 0xffff),
            null, null));
        return 1;
    }

    private void report(Frame f, int ruleId, DropReason reason) {
        reports.add(new DropEvent(ruleId, reason, f.family, f.protocol, f.tags, f.sport, f.dport, f.vlanId,
            Math.min(f.length, 0xffff), f.src, f.dst));
    }

    RuleCounter counter(int ruleId) {
        long[] c = counters.get(ruleId);
        return c == null ? RuleCounter.ZERO : new RuleCounter(c[0], c[1]);
    }
}
