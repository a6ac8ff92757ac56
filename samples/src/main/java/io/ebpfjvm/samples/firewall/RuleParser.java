package io.ebpfjvm.samples.firewall;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the firewall's rules format: one directive per line, fields separated by blanks,
 * {@code #} starts a comment.
 *
 * <pre>
 * default pass|drop                                   # action when nothing matches (default: pass)
 * fragments pass|drop                                 # non-first fragments: classify (pass, the default) or drop
 * rule ID pass|drop PROTO SRC SPORT DST DPORT         # 5-tuple ACL rule
 * prefix ID ADDRESS/LENGTH                            # drop every packet from this source prefix
 * </pre>
 *
 * <ul>
 *   <li>ID: 1-255, unique across rules and prefixes (0 counts packets no rule matched).</li>
 *   <li>PROTO: {@code tcp}, {@code udp}, {@code icmp}, {@code icmp6}, {@code gre} or a number 0-255.</li>
 *   <li>SRC, DST: an IPv4 or IPv6 address, or {@code any}; SPORT, DPORT: 0-65535 or {@code any}.
 *       For icmp/icmp6, DPORT is the ICMP type and SPORT the code.</li>
 *   <li>Wildcards come in four shapes, the ones the eBPF program looks up (most specific first):
 *       nothing {@code any}; SRC and SPORT {@code any}; also DST {@code any}; also DPORT {@code any}.</li>
 *   <li>ADDRESS/LENGTH: IPv4 (length 0-32) or IPv6 (0-128); host bits must be zero.</li>
 * </ul>
 */
public final class RuleParser {
    /** Largest rule id: the size of the program's per-rule counter array minus one. */
    public static final int MAX_RULE_ID = 255;

    private final String source;
    private final List<AclRule> rules = new ArrayList<>();
    private final List<PrefixRule> prefixes = new ArrayList<>();
    private final Set<Integer> ids = new HashSet<>();
    private final Map<String, Integer> keys = new HashMap<>();
    private Action defaultAction = Action.PASS;
    private Action laterFragments = Action.PASS;
    private int line;

    private RuleParser(String source) {
        this.source = source;
    }

    public static RuleSet parse(String text, String source) {
        RuleParser p = new RuleParser(source);
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            p.line = i + 1;
            String content = lines[i];
            int hash = content.indexOf('#');
            if (hash >= 0) {
                content = content.substring(0, hash);
            }
            content = content.strip();
            if (!content.isEmpty()) {
                p.directive(content.split("\\s+"));
            }
        }
        return new RuleSet(p.rules, p.prefixes, p.defaultAction, p.laterFragments);
    }

    private RuleFormatException error(String message) {
        return new RuleFormatException(source + ":" + line + ": " + message);
    }

    private void directive(String[] f) {
        switch (f[0].toLowerCase()) {
            case "default" -> {
                expectFields(f, 2, "default pass|drop");
                defaultAction = action(f[1]);
            }
            case "fragments" -> {
                expectFields(f, 2, "fragments pass|drop");
                laterFragments = action(f[1]);
            }
            case "rule" -> rule(f);
            case "prefix" -> prefix(f);
            default -> throw error("unknown directive '" + f[0] + "', expected rule, prefix, default or fragments");
        }
    }

    private void expectFields(String[] f, int count, String shape) {
        if (f.length != count) {
            throw error(f.length + (f.length == 1 ? " field" : " fields") + ", expected " + count + ": " + shape);
        }
    }

    private Action action(String text) {
        return switch (text.toLowerCase()) {
            case "pass", "allow", "accept" -> Action.PASS;
            case "drop", "deny", "block" -> Action.DROP;
            default -> throw error("action '" + text + "', expected pass or drop");
        };
    }

    private int id(String text) {
        if (!text.matches("\\d{1,3}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > MAX_RULE_ID) {
            throw error("rule id '" + text + "', expected 1-" + MAX_RULE_ID);
        }
        int id = Integer.parseInt(text);
        if (!ids.add(id)) {
            throw error("rule id " + id + " used twice");
        }
        return id;
    }

    private byte[] address(String text, String what) {
        if (text.equalsIgnoreCase("any")) {
            return null;
        }
        byte[] a = Addresses.parse(text);
        if (a == null) {
            throw error(what + " '" + text + "', expected an IPv4 or IPv6 address or any");
        }
        return a;
    }

    private int port(String text, String what) {
        if (text.equalsIgnoreCase("any")) {
            return AclRule.ANY_PORT;
        }
        if (!text.matches("\\d{1,5}") || Integer.parseInt(text) > 65535) {
            throw error(what + " '" + text + "', expected 0-65535 or any");
        }
        return Integer.parseInt(text);
    }

    private void rule(String[] f) {
        expectFields(f, 8, "rule ID pass|drop PROTO SRC SPORT DST DPORT");
        int id = id(f[1]);
        Action action = action(f[2]);
        int protocol = Protocols.parse(f[3]);
        if (protocol < 0) {
            throw error("protocol '" + f[3] + "', expected tcp, udp, icmp, icmp6, gre or 0-255");
        }
        byte[] src = address(f[4], "source");
        int sport = port(f[5], "source port");
        byte[] dst = address(f[6], "destination");
        int dport = port(f[7], "destination port");
        if (src != null && dst != null && src.length != dst.length) {
            throw error("source " + f[4] + " and destination " + f[6] + " are of different IP versions");
        }
        int family = src != null ? (src.length == 4 ? 4 : 6) : dst != null ? (dst.length == 4 ? 4 : 6) : 0;
        AclRule rule = new AclRule(id, action, protocol, src, sport, dst, dport, family);
        if (rule.tier() < 0) {
            throw error("wildcards 'any' in this combination cannot be looked up; allowed: none; SRC SPORT; "
                + "SRC SPORT DST; SRC SPORT DST DPORT");
        }
        String key = Addresses.format(src) + "|" + sport + "|" + Addresses.format(dst) + "|" + dport + "|" + protocol;
        Integer earlier = keys.putIfAbsent(key, id);
        if (earlier != null) {
            throw error("rule " + id + " matches exactly what rule " + earlier + " matches");
        }
        rules.add(rule);
    }

    private void prefix(String[] f) {
        expectFields(f, 3, "prefix ID ADDRESS/LENGTH");
        int id = id(f[1]);
        String[] parts = f[2].split("/", -1);
        byte[] address = parts.length == 2 ? Addresses.parse(parts[0]) : null;
        if (address == null || !parts[1].matches("\\d{1,3}")) {
            throw error("prefix '" + f[2] + "', expected ADDRESS/LENGTH such as 203.0.113.0/24 or 2001:db8::/32");
        }
        int length = Integer.parseInt(parts[1]);
        if (length > address.length * 8) {
            throw error("prefix length " + length + ", expected 0-" + address.length * 8);
        }
        for (int bit = length; bit < address.length * 8; bit++) {
            if ((address[bit >>> 3] & (0x80 >>> (bit & 7))) != 0) {
                throw error("prefix " + f[2] + " has bits set past /" + length);
            }
        }
        for (PrefixRule p : prefixes) {
            if (p.prefixLength() == length && java.util.Arrays.equals(p.address(), address)) {
                throw error("prefix " + f[2] + " already listed as rule " + p.id());
            }
        }
        prefixes.add(new PrefixRule(id, address, length));
    }
}
