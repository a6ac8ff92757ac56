package io.ebpfjvm.cli;

import io.ebpfjvm.core.pcap.PcapWriter;
import io.ebpfjvm.core.testing.Tools;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code run}, {@code maps} and {@code pcap} on clang-built objects and tcpdump filters. */
class ObjectCommandsTest extends ConsoleCapture {
    private Path udpPacket() throws Exception {
        byte[] p = new byte[54];
        p[12] = 0x08;
        p[14] = 0x45;
        p[23] = 17;
        p[26] = 10;
        p[29] = 1;
        p[30] = 10;
        p[33] = 2;
        p[34] = 0x03;
        p[35] = (byte) 0xe8;
        p[37] = 53;
        Path f = tmp.resolve("pkt.bin");
        Files.write(f, p);
        return f;
    }

    @Test
    void runPrintsBpftoolsShapeAndMapsFillFromTheCommandLine() throws Exception {
        Path obj = object("xdp_acl.o");
        Path pkt = udpPacket();
        assertEquals(0, Main.execute("run", obj.toString(), "--packet", pkt.toString(), "--repeat", "50"));
        assertTrue(out.toString().matches("Return value: 2, duration \\(average\\): \\d+ns\\R"), out.toString());
        out.reset();
        assertEquals(0, Main.execute("run", obj.toString(), "--section", "xdp", "--packet", pkt.toString(),
            "--map", "rules:0a0000010a00000203e8003511000000=01000000"));
        assertTrue(out.toString().startsWith("Return value: 1, "), out.toString());
        assertEquals("", err.toString(), "verified programs run without notes");
    }

    @Test
    void runVerifiesFirstAndRejectsLikeTheKernel() throws Exception {
        Path pkt = udpPacket();
        // The kernel refuses isa_v4.o the same way (bpftool prog load: "unreachable insn 36").
        assertEquals(1, Main.execute("run", object("isa_v4.o").toString(), "--packet", pkt.toString()));
        assertTrue(err.toString().contains("unreachable insn 36"), err.toString());
        assertTrue(out.toString().isEmpty(), out.toString());
    }

    @Test
    void dumpJitShowsTheVerifiedCodeThatRunExecutes() throws Exception {
        Path obj = object("xdp_acl.o");
        assertEquals(0, Main.execute("dump-jit", obj.toString()));
        String verified = out.toString();
        out.reset();
        assertEquals(0, Main.execute("dump-jit", obj.toString(), "--no-verify"));
        String unverified = out.toString();
        // Proven packet and context accesses are direct; without facts every one goes through the checked path.
        assertFalse(verified.contains("JitRuntime.load"), verified);
        assertTrue(verified.contains("Direct.u8"), verified);
        assertTrue(unverified.contains("JitRuntime.load"), unverified);
        out.reset();
        err.reset();
        assertEquals(1, Main.execute("dump-jit", object("isa_v4.o").toString()));
        assertTrue(err.toString().contains("unreachable insn 36"), err.toString());
        assertEquals(0, Main.execute("dump-jit", object("isa_v4.o").toString(), "--no-verify"));
    }

    @Test
    void runErrorsAreOneLine() throws Exception {
        Path obj = object("xdp_acl.o");
        Path pkt = udpPacket();
        assertEquals(2, Main.execute("run", obj.toString(), "--packet", pkt.toString(), "--map", "nope:00=00", "--no-verify"));
        assertEquals("ebpf run: --map nope:00=00: " + obj + " has no map 'nope'; maps: rules, counters", err.toString().trim());
        err.reset();
        assertEquals(2, Main.execute("run", obj.toString(), "--packet", pkt.toString(), "--map", "rules:00=00", "--no-verify"));
        assertEquals("ebpf run: --map rules:00=00: map 'rules': key of 1 bytes, expected 16", err.toString().trim());
        err.reset();
        assertEquals(2, Main.execute("run", object("subprogs.o").toString(), "--packet", pkt.toString(), "--no-verify"));
        assertTrue(err.toString().contains("2 programs, choose one with --program or --section: socket_hash (socket), tc_mark (tc)"),
            err.toString());
    }

    @Test
    void mapsListsDeclarations() throws Exception {
        assertEquals(0, Main.execute("maps", object("xdp_acl.o").toString()));
        String listing = out.toString();
        assertTrue(listing.contains("rules                    BPF_MAP_TYPE_HASH                  16          4        1024"), listing);
        assertTrue(listing.contains("counters                 BPF_MAP_TYPE_PERCPU_ARRAY           4          8           4"), listing);
    }

    @Test
    void pcapWithCbpfPassesExactlyWhatTcpdumpPrints() throws Exception {
        assumeTrue(Tools.find("tcpdump") != null, "tcpdump not installed");
        DemoTraffic traffic = DemoTraffic.generate(20_000, 11);
        Path capture = tmp.resolve("traffic.pcap");
        try (OutputStream os = Files.newOutputStream(capture); PcapWriter w = PcapWriter.ethernet(os)) {
            for (int i = 0; i < traffic.count(); i++) {
                w.write(i * 1000L, traffic.bytes, traffic.offsets[i], traffic.lengths[i], traffic.lengths[i]);
            }
        }
        Pattern passed = Pattern.compile("passed ([\\d,]+) of");
        for (String expr : List.of("tcp port 23", "udp dst port 1900", "vlan", "ip6", "arp", "net 10.66.0.0/16",
            "ip[9] = 17 and not vlan", "tcp[tcpflags] & tcp-syn != 0")) {
            Path filter = tmp.resolve("f.txt");
            Files.writeString(filter, Tools.run(List.of("tcpdump", "-dd", "-y", "EN10MB", expr)));
            Path kept = tmp.resolve("kept.pcap");
            out.reset();
            assertEquals(0, Main.execute("pcap", "--cbpf", filter.toString(), capture.toString(), "--out", kept.toString(), "--no-verify"));
            Matcher m = passed.matcher(out.toString());
            assertTrue(m.find(), out.toString());
            long ours = Long.parseLong(m.group(1).replace(",", ""));
            long tcpdump = Tools.run(List.of("tcpdump", "-nn", "-r", capture.toString(), expr)).lines()
                .filter(l -> !l.startsWith("reading from")).count();
            assertEquals(tcpdump, ours, expr);
            long keptCount = Tools.run(List.of("tcpdump", "-nn", "-r", kept.toString())).lines()
                .filter(l -> !l.startsWith("reading from")).count();
            assertEquals(tcpdump, keptCount, expr + ": --out holds exactly the passed packets");
        }
    }

    @Test
    void pcapRunsAnObjectOverACapture() throws Exception {
        DemoTraffic traffic = DemoTraffic.generate(2000, 3);
        Path capture = tmp.resolve("t.pcap");
        try (OutputStream os = Files.newOutputStream(capture); PcapWriter w = PcapWriter.ethernet(os)) {
            for (int i = 0; i < traffic.count(); i++) {
                w.write(i, traffic.bytes, traffic.offsets[i], traffic.lengths[i], traffic.lengths[i]);
            }
        }
        assertEquals(0, Main.execute("pcap", object("xdp_acl.o").toString(), capture.toString(), "--no-verify"));
        String o = out.toString();
        assertTrue(o.contains("2000 packets through xdp_acl"), o);
        assertTrue(o.contains("XDP_PASS"), o);
        assertTrue(o.contains("XDP_DROP"), "runt frames are dropped: " + o);
    }

    @Test
    void truncatedPcapIsAOneLineError() throws Exception {
        Path bad = tmp.resolve("bad.pcap");
        Files.write(bad, new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, 2, 0});
        Path filter = tmp.resolve("f.txt");
        Files.writeString(filter, "{ 0x6, 0, 0, 0x00040000 },");
        assertEquals(2, Main.execute("pcap", "--cbpf", filter.toString(), bad.toString(), "--no-verify"));
        assertEquals("ebpf pcap: " + bad + ": global header truncated at byte 6, expected 24 bytes", err.toString().trim());
    }

    @Test
    void disasmOfACbpfFilterShowsItsTranslationWhichAssemblesBack() throws Exception {
        Path filter = tmp.resolve("filter.txt");
        try (InputStream in = getClass().getResourceAsStream("/cbpf/filter01.txt")) {
            Files.write(filter, in.readAllBytes());
        }
        assertEquals(0, Main.execute("disasm", "--cbpf", filter.toString()), err.toString(StandardCharsets.UTF_8));
        var expected = io.ebpfjvm.core.cbpf.ClassicTranslator.translate(
            io.ebpfjvm.core.cbpf.ClassicProgram.fromText(Files.readString(filter)));
        assertEquals(expected, io.ebpfjvm.core.asm.Assembler.assemble(out.toString(StandardCharsets.UTF_8)));
        assertTrue(expected.size() > 2, "a real filter, not an empty program");
    }

    @Test
    void mapsAndVerifyAcceptACbpfFilter() throws Exception {
        Path filter = tmp.resolve("filter.txt");
        try (InputStream in = getClass().getResourceAsStream("/cbpf/filter01.txt")) {
            Files.write(filter, in.readAllBytes());
        }
        int n = io.ebpfjvm.core.cbpf.ClassicProgram.fromText(Files.readString(filter)).size();
        assertEquals(0, Main.execute("maps", "--cbpf", filter.toString()));
        assertEquals(0, Main.execute("verify", "--cbpf", filter.toString()));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("classic BPF filter of " + n + " instructions: no maps"), printed);
        assertTrue(printed.contains("cbpf: OK (" + n + " classic instructions"), printed);
        Path jumpsOut = tmp.resolve("bad.txt");
        Files.writeString(jumpsOut, "{ 0x15, 9, 9, 0x00000001 },\n{ 0x6, 0, 0, 0x00000000 },\n");
        assertEquals(2, Main.execute("verify", "--cbpf", jumpsOut.toString()));
        assertEquals(1, err.toString(StandardCharsets.UTF_8).lines().count(), err.toString(StandardCharsets.UTF_8));
    }
}
