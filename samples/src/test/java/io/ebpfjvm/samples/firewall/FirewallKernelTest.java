package io.ebpfjvm.samples.firewall;

import io.ebpfjvm.interp.object.KernelOracle;
import io.ebpfjvm.core.elf.ElfFile;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.samples.Engine;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Linux kernel as oracle for the firewall object: the same {@code firewall.o}, the same
 * ACL and blocklist contents, the same generated packets (VLAN-tagged, IPv6 with extension
 * headers, fragments, malformed) through {@code bpftool prog run}: every return value, every
 * per-rule counter (CPUs summed), the {@code .bss} totals and the {@code .data} report
 * counts must be the kernel's. Skips cleanly without root, bpftool or kernel BPF.
 */
class FirewallKernelTest {

    private static byte[] objectBytes() throws Exception {
        try (InputStream in = FirewallKernelTest.class.getResourceAsStream(FirewallObject.RESOURCE)) {
            return in.readAllBytes();
        }
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static RuleCounter sum(List<byte[]> perCpu) {
        RuleCounter total = RuleCounter.ZERO;
        for (byte[] v : perCpu) {
            ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
            total = total.plus(new RuleCounter(b.getLong(0), b.getLong(8)));
        }
        return total;
    }

    /**
     * The object with its {@code .rodata} configuration set in the ELF file itself: the kernel
     * freezes {@code .rodata} at load, so a configuration other than the compiled-in one has to
     * be in the bytes loaded, as libbpf skeletons do before loading.
     */
    private static byte[] withConfiguration(byte[] elf, RuleSet rules) {
        byte[] patched = elf.clone();
        long section = ElfFile.parse(elf).section(".rodata").orElseThrow().offset();
        GlobalData globals = GlobalData.of(elf);
        ByteBuffer b = ByteBuffer.wrap(patched).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) section + globals.variable("default_action").offset(), rules.defaultAction().xdpCode());
        b.putInt((int) section + globals.variable("drop_fragments").offset(), rules.laterFragments() == Action.DROP ? 1 : 0);
        return patched;
    }

    @Test
    void firewallMatchesTheKernelPacketByPacket() throws Exception {
        Totals t = compareWithTheKernel(RuleSet.defaults(), objectBytes(), 2024);
        assertTrue(t.ipv6() > 50 && t.vlan() > 20 && t.fragments() > 3 && t.malformed() > 10 && t.nonIp() > 3,
            "coverage: " + t);
    }

    @Test
    void strictConfigurationMatchesTheKernel() throws Exception {
        RuleSet strict = RuleSet.parse("""
            default drop
            fragments drop
            prefix 1 10.1.0.0/17
            prefix 2 2001:db8:1::/64
            rule 10 pass tcp any any any 443
            rule 11 pass udp any any any 53
            rule 12 drop tcp any any 10.0.0.80 443
            rule 13 pass icmp6 any any any 128
            rule 14 pass icmp any any any 8
            """, "strict.rules");
        Totals t = compareWithTheKernel(strict, withConfiguration(objectBytes(), strict), 77);
        assertTrue(t.fragments() > 3, "coverage: " + t);
    }

    /** Runs generated packets through the kernel and our interpreter; returns our totals once all compared equal. */
    private static Totals compareWithTheKernel(RuleSet rules, byte[] elf, long seed) throws Exception {
        try (KernelOracle kernel = KernelOracle.open(elf, "firewall.o")) {
            Firewall ours = new Firewall(FirewallObject.of(elf, "firewall.o"));
            ours.install(rules);
            int entries = 0;
            for (String name : List.of("acl", "blocklist_v4", "blocklist_v6")) {
                BpfMap map = ours.maps().byName(name).orElseThrow();
                List<byte[][]> content = new ArrayList<>();
                map.forEach((k, v) -> content.add(new byte[][] {k, v}));
                for (byte[][] kv : content) {
                    kernel.updateMap(name, kv[0], kv[1]);
                    entries++;
                }
            }
            assertEquals(rules.rules().size() + rules.prefixes().size(), entries, "every rule copied to the kernel");

            ExecutableProgram program = ours.program(Engine.INTERPRETER);
            Traffic traffic = TrafficGenerator.generate(seed, 600);
            int sent = 0;
            int drops = 0;
            for (int i = 0; i < traffic.count() && sent < 400; i++) {
                byte[] whole = traffic.packet(i);
                // Every ninth frame also cut short somewhere past its Ethernet header.
                byte[] packet = i % 9 == 4 && whole.length > 15
                    ? java.util.Arrays.copyOf(whole, 14 + (i * 7919) % (whole.length - 14)) : whole;
                if (packet.length < 14) {
                    continue;  // bpftool prog run wants a whole Ethernet header
                }
                long expected = kernel.run(Firewall.PROGRAM, packet).returnValue();
                assertEquals(expected, program.run(packet.clone()), () -> "packet " + HexFormat.of().formatHex(packet));
                sent++;
                drops += expected == Action.DROP.xdpCode() ? 1 : 0;
            }

            for (int id : rules.ruleIds()) {
                assertEquals(sum(kernel.lookupPerCpu("rule_stats", u32(id))), ours.ruleCounter(id), "rule_stats[" + id + "]");
            }
            byte[] kernelTotals = kernel.lookup(".bss", u32(0));
            byte[] kernelReports = kernel.lookup(".data", u32(0));
            Totals t = ours.totals();
            ByteBuffer kt = ByteBuffer.wrap(kernelTotals).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(List.of(kt.getLong(0), kt.getLong(8), kt.getLong(16), kt.getLong(24), kt.getLong(32),
                    kt.getLong(40), kt.getLong(48), kt.getLong(56)),
                List.of(t.packets(), t.bytes(), t.ipv4(), t.ipv6(), t.vlan(), t.fragments(), t.malformed(), t.nonIp()),
                ".bss totals");
            ByteBuffer kr = ByteBuffer.wrap(kernelReports).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(drops, kr.getLong(0), "the kernel reported every drop");
            assertEquals(List.of(kr.getLong(0), kr.getLong(8)), List.of(t.reportsSent(), t.reportsLost()), ".data reports");
            assertEquals(drops, ours.dropEvents().drain().size(), "our ring buffer holds one record per drop");
            assertEquals(sent, t.packets());
            assertTrue(drops > 40, "drops: " + drops);
            System.out.printf("kernel differential firewall.o (%s): %d packets equal (%d dropped), counters and global data equal; %s%n",
                rules.defaultAction() == Action.DROP ? "default drop, fragments drop" : "default rules", sent, drops, t);
            return t;
        }
    }
}
