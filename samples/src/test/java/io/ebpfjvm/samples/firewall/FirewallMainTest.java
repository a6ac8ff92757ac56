package io.ebpfjvm.samples.firewall;

import io.ebpfjvm.core.pcap.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The firewall command line end to end: its printed numbers against the independent reference. */
class FirewallMainTest {

    record Output(int status, String out, String err) {
    }

    static Output run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FirewallMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Output(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertLine(String out, String regex) {
        assertTrue(Arrays.stream(out.split("\n")).anyMatch(l -> l.matches(regex)), "no line matching " + regex + " in:\n" + out);
    }

    private static void assertReported(String out, ReferenceFirewall ref, RuleSet rules) {
        for (var e : ref.verdicts.entrySet()) {
            assertLine(out, String.format(Locale.ROOT, "  %-12s %,11d .*", VerdictCounts.xdpName(e.getKey()), e.getValue()));
        }
        for (int id : rules.ruleIds()) {
            RuleCounter c = ref.counter(id);
            assertLine(out, String.format(Locale.ROOT, "  %4d %,11d %,13d  \\Q%s\\E", id, c.packets(), c.bytes(), rules.describe(id)));
        }
        assertLine(out, String.format(Locale.ROOT, "drop reports \\(ring buffer drop_events\\): %,d received, 0 lost;.*",
            ref.reports.size()));
        assertLine(out, "  interp +\\d+\\.\\d\\d +\\d+ +\\d+\\.\\d\\d Mpps");
    }

    @Test
    void generatedTrafficWithTheDefaultRules() {
        Output o = run("--packets", "4000", "--seed", "5", "--no-progress", "--show-drops", "3");
        assertEquals(0, o.status(), o.err());
        assertEquals("", o.err());
        ReferenceFirewall ref = new ReferenceFirewall(RuleSet.defaults());
        Traffic traffic = TrafficGenerator.generate(5, 4000);
        for (int i = 0; i < traffic.count(); i++) {
            ref.classify(traffic.packet(i));
        }
        assertReported(o.out(), ref, RuleSet.defaults());
        assertEquals(3, o.out().lines().filter(l -> l.matches("  (ACL|BLOCKLIST|MALFORMED|DEFAULT|FRAGMENT)\\b.*")).count());
        assertLine(o.out(), "  jit +[0-9.]+ +[0-9]+ +[0-9.]+ Mpps  \\(verdicts and counters equal interp's\\)");
    }

    @Test
    void aPcapAndARulesFile(@TempDir Path dir) throws Exception {
        Traffic traffic = TrafficGenerator.generate(8, 2500);
        Path pcap = dir.resolve("t.pcap");
        try (OutputStream os = Files.newOutputStream(pcap); PcapWriter w = PcapWriter.ethernet(os)) {
            for (int i = 0; i < traffic.count(); i++) {
                w.write(i * 1000L, traffic.data(), traffic.offset(i), traffic.length(i), traffic.length(i));
            }
        }
        Path rules = dir.resolve("r.rules");
        Files.writeString(rules, "default drop\nfragments drop\nrule 1 pass tcp any any any 443\nprefix 2 10.1.0.0/16\n");
        Output o = run("--pcap", pcap.toString(), "--rules", rules.toString(), "--engine", "interp", "--threads", "1");
        assertEquals(0, o.status(), o.err());
        RuleSet set = RuleSet.read(rules);
        ReferenceFirewall ref = new ReferenceFirewall(set);
        for (int i = 0; i < traffic.count(); i++) {
            ref.classify(traffic.packet(i));
        }
        assertReported(o.out(), ref, set);
        assertTrue(o.out().contains(pcap + ": 2,500 packets"), o.out());
    }

    @Test
    void badInputIsOneLineNamingThePlace(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("bad.rules");
        Files.writeString(rules, "default pass\nrule 1 drop tcp any any any 99999\n");
        Output o = run("--rules", rules.toString(), "--packets", "10");
        assertEquals(2, o.status());
        assertEquals("firewall: " + rules + ":2: destination port '99999', expected 0-65535 or any\n", o.err());

        Path pcap = dir.resolve("cut.pcap");
        Files.write(pcap, new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, 2, 0, 4, 0});
        o = run("--pcap", pcap.toString());
        assertEquals(2, o.status());
        assertEquals(1, o.err().lines().count(), o.err());
        assertTrue(o.err().startsWith("firewall: ") && o.err().contains("cut.pcap"), o.err());

        o = run("--threads", "0");
        assertEquals(2, o.status());
        assertTrue(o.err().startsWith("firewall: --threads 0: expected 1-"), o.err());
        o = run("--frobnicate");
        assertEquals("firewall: unknown option '--frobnicate'\ntry --help\n", o.err());
        o = run("--help");
        assertEquals(0, o.status());
        assertTrue(o.out().startsWith("usage: java -jar samples/target/firewall.jar"));
    }
}
