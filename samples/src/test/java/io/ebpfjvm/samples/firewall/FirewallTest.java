package io.ebpfjvm.samples.firewall;

import io.ebpfjvm.samples.Engine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The firewall sample checked against {@link ReferenceFirewall}, an independent Java
 * classifier: verdict counts, every per-rule counter, the parser totals and every drop
 * report must be what the policy says for the same generated traffic.
 */
class FirewallTest {
    private static FirewallObject object;

    @BeforeAll
    static void load() {
        object = FirewallObject.load();
    }

    private static ReferenceFirewall reference(RuleSet rules, Traffic traffic) {
        ReferenceFirewall ref = new ReferenceFirewall(rules);
        for (int i = 0; i < traffic.count(); i++) {
            ref.classify(traffic.packet(i));
        }
        return ref;
    }

    private static void assertAgree(RuleSet rules, Traffic traffic, int threads) {
        FirewallRun run = FirewallRun.run(object, rules, traffic, traffic.count(), Engine.INTERPRETER, threads,
            Integer.MAX_VALUE, null);
        ReferenceFirewall ref = reference(rules, traffic);

        assertEquals(ref.verdicts, run.verdicts().asMap(), "verdict counts");
        for (int id : rules.ruleIds()) {
            assertEquals(ref.counter(id), run.counters().get(id), "counter of rule " + id + " (" + rules.describe(id) + ")");
        }
        Totals t = run.totals();
        assertEquals(List.of(ref.packets, ref.bytes, ref.ipv4, ref.ipv6, ref.vlan, ref.fragments, ref.malformed, ref.nonIp),
            List.of(t.packets(), t.bytes(), t.ipv4(), t.ipv6(), t.vlan(), t.fragments(), t.malformed(), t.nonIp()),
            "parser totals: packets, bytes, ipv4, ipv6, vlan, fragments, malformed, non-IP");

        // Reports: one per drop, none lost, and the same records as the policy's (the ring's
        // order depends on thread interleaving, so compare them as multisets).
        long drops = run.verdicts().count(Action.DROP.xdpCode());
        assertEquals(drops, run.reportsReceived(), "one report per drop");
        assertEquals(drops, t.reportsSent());
        assertEquals(0, t.reportsLost());
        assertEquals(counts(ref.reports), counts(run.firstDrops()), "drop reports");
    }

    private static Map<DropEvent, Integer> counts(List<DropEvent> events) {
        Map<DropEvent, Integer> m = new HashMap<>();
        for (DropEvent e : events) {
            m.merge(e, 1, Integer::sum);
        }
        return m;
    }

    @Test
    void defaultRulesOnGeneratedTrafficMatchTheReference() {
        Traffic traffic = TrafficGenerator.generate(7, 6000);
        RuleSet rules = RuleSet.defaults();
        assertAgree(rules, traffic, ParallelClassifier.maxThreads());

        // The traffic exercises every path: otherwise agreement would prove little.
        ReferenceFirewall ref = reference(rules, traffic);
        assertTrue(ref.ipv6 > 1000 && ref.vlan > 300 && ref.fragments > 50 && ref.malformed > 30 && ref.nonIp > 50,
            "ipv6 " + ref.ipv6 + " vlan " + ref.vlan + " fragments " + ref.fragments + " malformed " + ref.malformed);
        for (int id : rules.ruleIds()) {
            assertTrue(ref.counter(id).packets() > 0, "rule " + id + " never hit");
        }
        List<DropReason> reasons = ref.reports.stream().map(DropEvent::reason).distinct().sorted(Comparator.naturalOrder()).toList();
        assertEquals(List.of(DropReason.BLOCKLIST, DropReason.ACL, DropReason.MALFORMED), reasons);
    }

    @Test
    void defaultDropAndFragmentDropMatchTheReference() {
        RuleSet rules = RuleSet.parse("""
            default drop
            fragments drop
            prefix 1 10.1.0.0/17
            prefix 2 10.1.0.0/16
            prefix 3 2001:db8:1::/64
            rule 10 pass tcp any any any 443
            rule 11 pass tcp any any any 80
            rule 12 drop tcp any any 10.0.0.80 80
            rule 13 pass udp any any any 53
            rule 14 pass icmp any any any 8
            rule 15 pass icmp6 any any any 128
            rule 16 pass gre any any any any
            rule 17 pass udp 2001:db8:1::10 5353 2001:db8:2::53 53
            """, "test.rules");
        Traffic traffic = TrafficGenerator.generate(99, 5000);
        assertAgree(rules, traffic, ParallelClassifier.maxThreads());
        ReferenceFirewall ref = reference(rules, traffic);
        assertTrue(ref.reports.stream().anyMatch(e -> e.reason() == DropReason.FRAGMENT));
        assertTrue(ref.reports.stream().anyMatch(e -> e.reason() == DropReason.DEFAULT));
    }

    @Test
    void oneThreadAndAllThreadsGiveTheSameCounters() {
        Traffic traffic = TrafficGenerator.generate(3, 3000);
        RuleSet rules = RuleSet.defaults();
        FirewallRun one = FirewallRun.run(object, rules, traffic, traffic.count(), Engine.INTERPRETER, 1, 0, null);
        FirewallRun all = FirewallRun.run(object, rules, traffic, traffic.count(), Engine.INTERPRETER,
            ParallelClassifier.maxThreads(), 0, null);
        assertEquals(one.verdicts(), all.verdicts());
        assertEquals(one.counters(), all.counters());
        assertEquals(one.totals(), all.totals());
    }

    @Test
    void generatedTrafficIsDeterministic() {
        Traffic a = TrafficGenerator.generate(11, 500);
        Traffic b = TrafficGenerator.generate(11, 500);
        Traffic c = TrafficGenerator.generate(12, 500);
        List<String> x = new ArrayList<>();
        List<String> y = new ArrayList<>();
        List<String> z = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            x.add(java.util.HexFormat.of().formatHex(a.packet(i)));
            y.add(java.util.HexFormat.of().formatHex(b.packet(i)));
            z.add(java.util.HexFormat.of().formatHex(c.packet(i)));
        }
        assertEquals(x, y);
        assertTrue(!x.equals(z), "another seed, other packets");
    }
}
