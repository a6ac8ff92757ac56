package io.ebpfjvm.samples.firewall;

import io.ebpfjvm.samples.Engine;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random policies (every wildcard tier, overlapping and catch-all prefixes, both default
 * actions) over random generated traffic: the eBPF firewall and the plain-Java reference
 * agree on every verdict count and counter.
 */
class FirewallProperties {
    private static final FirewallObject OBJECT = FirewallObject.load();
    private static final String[] V4_PREFIXES = {"10.1.0.0/16", "10.1.128.0/17", "172.16.0.0/12", "203.0.113.0/24",
        "10.0.0.0/8", "0.0.0.0/0", "10.1.2.3/32", "192.0.2.64/26"};
    private static final String[] V6_PREFIXES = {"2001:db8::/32", "2001:db8:1::/48", "2a00::/8", "::/0",
        "2001:db8:bad::/48", "2001:db8:2::22/128"};
    private static final String[] PROTOCOLS = {"tcp", "udp", "icmp", "icmp6", "gre", "132", "89"};
    private static final String[] V4_HOSTS = {"10.0.0.22", "10.0.0.53", "10.0.0.80", "10.0.0.50"};
    private static final String[] V6_HOSTS = {"2001:db8:2::22", "2001:db8:2::53", "2001:db8:2::80"};
    private static final String[] PORTS = {"443", "80", "22", "53", "123", "1900", "8", "0", "128", "3", "2905"};

    static String randomRules(Random r) {
        StringBuilder text = new StringBuilder();
        text.append("default ").append(r.nextBoolean() ? "pass" : "drop").append('\n');
        text.append("fragments ").append(r.nextInt(3) == 0 ? "drop" : "pass").append('\n');
        Set<Integer> ids = new HashSet<>();
        Set<String> used = new HashSet<>();
        int prefixes = r.nextInt(5);
        for (int i = 0; i < prefixes; i++) {
            String p = r.nextBoolean() ? V4_PREFIXES[r.nextInt(V4_PREFIXES.length)] : V6_PREFIXES[r.nextInt(V6_PREFIXES.length)];
            if (used.add(p)) {
                text.append("prefix ").append(newId(r, ids)).append(' ').append(p).append('\n');
            }
        }
        int rules = r.nextInt(12);
        for (int i = 0; i < rules; i++) {
            String proto = PROTOCOLS[r.nextInt(PROTOCOLS.length)];
            boolean v6 = r.nextBoolean();
            String dst = v6 ? V6_HOSTS[r.nextInt(V6_HOSTS.length)] : V4_HOSTS[r.nextInt(V4_HOSTS.length)];
            String dport = PORTS[r.nextInt(PORTS.length)];
            String pattern = switch (r.nextInt(4)) {
                case 0 -> v6 ? "2001:db8:1::10 5353 2001:db8:2::53 53" : "10.1.2.3 40000 10.0.0.80 80";
                case 1 -> "any any " + dst + " " + dport;
                case 2 -> "any any any " + dport;
                default -> "any any any any";
            };
            if (used.add(proto + " " + pattern)) {
                text.append("rule ").append(newId(r, ids)).append(r.nextBoolean() ? " pass " : " drop ")
                    .append(proto).append(' ').append(pattern).append('\n');
            }
        }
        return text.toString();
    }

    private static int newId(Random r, Set<Integer> ids) {
        int id;
        do {
            id = 1 + r.nextInt(255);
        } while (!ids.add(id));
        return id;
    }

    @Property(tries = 12)
    void randomPoliciesAgreeWithTheReference(@ForAll long seed) {
        Random r = new Random(seed);
        String text = randomRules(r);
        RuleSet rules = RuleSet.parse(text, "random.rules");
        Traffic traffic = TrafficGenerator.generate(r.nextLong(), 1500);
        FirewallRun run = FirewallRun.run(OBJECT, rules, traffic, traffic.count(), Engine.INTERPRETER,
            ParallelClassifier.maxThreads(), 0, null);
        ReferenceFirewall ref = new ReferenceFirewall(rules);
        for (int i = 0; i < traffic.count(); i++) {
            ref.classify(traffic.packet(i));
        }
        assertEquals(ref.verdicts, run.verdicts().asMap(), text);
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (int id : rules.ruleIds()) {
            expected.add(id + "=" + ref.counter(id));
            actual.add(id + "=" + run.counters().get(id));
        }
        assertEquals(expected, actual, text);
        assertEquals(ref.reports.size(), run.reportsReceived(), text);
    }
}
