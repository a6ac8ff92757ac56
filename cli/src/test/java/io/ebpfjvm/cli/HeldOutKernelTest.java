package io.ebpfjvm.cli;

import io.ebpfjvm.interp.object.KernelOracle;

import io.ebpfjvm.core.map.Cpus;
import io.ebpfjvm.core.testing.Tools;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Held-out programs ({@code src/test/resources/heldout}, never used while developing the
 * interpreter): clang-built XDP programs with BTF hash, array, LPM-trie, per-CPU array and
 * per-CPU hash maps. Their maps are filled through {@code ebpf run --map NAME:KEYHEX=VALUEHEX}
 * and, identically, in the kernel with {@code bpftool map update}; then every packet goes
 * through {@code ebpf run} and {@code bpftool prog run}, and the return values must be equal.
 * Maps a program changes in a way that matters to later verdicts are reset in the kernel
 * before each packet (each {@code ebpf run} starts from the {@code --map} contents). Skips
 * without root or bpftool.
 */
class HeldOutKernelTest extends ConsoleCapture {
    private static final Pattern RETURN = Pattern.compile("Return value: (\\d+), duration \\(average\\): \\d+ns");

    /** One map entry; per-CPU values are given for one CPU and copied to every CPU. */
    record Fill(String map, byte[] key, byte[] value, boolean perCpu, boolean reset) {
        String option() {
            return map + ":" + HexFormat.of().formatHex(key) + "=" + HexFormat.of().formatHex(replicate(value, perCpu ? Cpus.COUNT : 1));
        }
    }

    record Case(String program, List<Fill> fills, List<byte[]> packets) {
    }

    static byte[] replicate(byte[] v, int times) {
        byte[] out = new byte[v.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(v, 0, out, i * v.length, v.length);
        }
        return out;
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    @TestFactory
    Stream<DynamicTest> heldOutProgramsReturnWhatTheKernelReturns() throws Exception {
        assumeTrue(Tools.find("bpftool") != null || Files.isExecutable(Path.of("/usr/sbin/bpftool")), "bpftool not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        List<Function<Random, Case>> cases = List.of(HeldOutKernelTest::l4Ports, HeldOutKernelTest::lpmClasses,
            HeldOutKernelTest::percpuBudget, HeldOutKernelTest::v6Policy, HeldOutKernelTest::tcpScore);
        return cases.stream().map(f -> {
            Case c = f.apply(new Random(cases.indexOf(f) * 31 + 7));
            return DynamicTest.dynamicTest(c.program(), () -> check(c));
        });
    }

    private void check(Case c) throws Exception {
        Path object = tmp.resolve(c.program() + ".o");
        try (InputStream in = getClass().getResourceAsStream("/heldout/" + c.program() + ".o")) {
            Files.write(object, in.readAllBytes());
        }
        List<String> args = new ArrayList<>(List.of("run", object.toString(), "--packet", "PACKET"));
        for (Fill f : c.fills()) {
            args.add("--map");
            args.add(f.option());
        }
        TreeMap<Long, Integer> verdicts = new TreeMap<>();
        try (KernelOracle kernel = KernelOracle.open(Files.readAllBytes(object), object.getFileName().toString())) {
            for (Fill f : c.fills()) {
                kernel.updateMap(f.map(), f.key(), f.value());
            }
            int n = 0;
            for (byte[] packet : c.packets()) {
                for (Fill f : c.fills()) {
                    if (f.reset()) {
                        kernel.updateMap(f.map(), f.key(), f.value());
                    }
                }
                long expected = kernel.run(c.program(), packet).returnValue();
                Path file = tmp.resolve("packet-" + n++ + ".bin");
                Files.write(file, packet);
                args.set(3, file.toString());
                out.reset();
                err.reset();
                int exit = Main.execute(args.toArray(new String[0]));
                assertEquals(0, exit, err.toString());
                Matcher m = RETURN.matcher(out.toString().trim());
                assertTrue(m.matches(), out.toString());
                assertEquals(expected, Long.parseLong(m.group(1)), c.program() + " packet " + HexFormat.of().formatHex(packet) + " " + args);
                verdicts.merge(expected, 1, Integer::sum);
            }
        }
        // The packets must reach more than one verdict, or the comparison says little.
        assertTrue(verdicts.size() >= 3, c.program() + " verdicts " + verdicts);
        console().println("held-out " + c.program() + ": " + c.packets().size() + " packets equal to the kernel, verdicts "
            + verdicts + ", " + c.fills().size() + " map entries through --map");
    }

    // ---- the programs' maps and traffic --------------------------------------------------------

    private static final int[] PORTS = {22, 53, 80, 443, 8080, 1000, 1001};

    static Case l4Ports(Random r) {
        List<Fill> fills = new ArrayList<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        while (fills.size() < 14) {
            byte[] key = ByteBuffer.allocate(4).put((byte) (r.nextBoolean() ? 6 : 17)).put((byte) r.nextInt(2))
                .putShort((short) PORTS[r.nextInt(PORTS.length)]).array();
            if (keys.add(HexFormat.of().formatHex(key))) {
                int action = r.nextInt(9) == 0 ? 7 : r.nextInt(4);
                fills.add(new Fill("port_rules", key, le(8).putInt(action).putInt(r.nextInt(100)).array(), false, false));
            }
        }
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int proto = new int[] {6, 17, 6, 17, 1}[r.nextInt(5)];
            int sport = PORTS[r.nextInt(PORTS.length)];
            int dport = r.nextInt(3) == 0 ? 5000 + r.nextInt(3) : PORTS[r.nextInt(PORTS.length)];
            byte[] l4 = proto == 6 ? Frames.tcp(sport, dport, r.nextInt(), 0x10, 512) : Frames.udp(sport, dport, r.nextInt(20));
            int[] vlans = switch (r.nextInt(4)) {
                case 0 -> new int[] {0x8100};
                case 1 -> new int[] {0x88a8, 0x8100};
                default -> new int[0];
            };
            byte[] frame;
            switch (r.nextInt(10)) {
                case 0 -> frame = Frames.ethernet(0x0806, vlans, new byte[28]);
                case 1, 2 -> frame = Frames.ethernet(0x86dd, vlans,
                    Frames.ipv6(proto, Frames.v6(0x2001, 0xdb8, 1), Frames.v6(0x2001, 0xdb8, 2), 64, new int[0], l4));
                default -> {
                    byte[] ip = Frames.ipv4(proto, 0x0a000001, 0x0a000002, 64, r.nextInt(3), r.nextInt(6) == 0 ? 5 : 0x4000, l4);
                    if (r.nextInt(15) == 0) {
                        ip[0] = 0x44;   // a header length below 5 words
                    }
                    frame = Frames.ethernet(0x0800, vlans, ip);
                }
            }
            packets.add(Frames.maybeTruncate(r, frame));
        }
        return new Case("l4_ports", fills, packets);
    }

    static Case lpmClasses(Random r) {
        List<Fill> fills = new ArrayList<>();
        int[][] prefixes = {{8, 0x0a000000}, {16, 0x0a010000}, {24, 0x0a010200}, {32, 0x0a010203}, {12, 0xac100000},
            {0, 0}, {28, 0xc0a80110}, {31, 0xc0a80102}};
        for (int[] p : prefixes) {
            byte[] key = le(8).putInt(p[0]).order(ByteOrder.BIG_ENDIAN).putInt(p[1]).array();
            byte[] value = le(8).putInt(r.nextInt(10)).put((byte) r.nextInt(80)).put((byte) r.nextInt(2))
                .putShort((short) r.nextInt(1000)).array();
            fills.add(new Fill("classes", key, value, false, false));
        }
        for (int i = 0; i < 8; i++) {
            int verdict = r.nextInt(7) == 0 ? 9 : r.nextInt(4);
            fills.add(new Fill("class_verdict", le(4).putInt(i).array(), le(4).putInt(verdict).array(), false, false));
        }
        int[] addresses = {0x0a090909, 0x0a010909, 0x0a010209, 0x0a010203, 0xac1f0001, 0xac200001, 0xc0a80111,
            0xc0a80103, 0xc0a80102, 0x08080808};
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int src = addresses[r.nextInt(addresses.length)];
            int dst = addresses[r.nextInt(addresses.length)];
            byte[] frame = r.nextInt(10) == 0 ? Frames.ethernet(0x86dd, new byte[40])
                : Frames.ethernet(0x0800, Frames.ipv4(17, src, dst, r.nextInt(120), 0, 0, Frames.udp(1, 2, 4)));
            packets.add(Frames.maybeTruncate(r, frame));
        }
        return new Case("lpm_classes", fills, packets);
    }

    static Case percpuBudget(Random r) {
        List<Fill> fills = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            byte[] value = le(16).putLong(8 + r.nextInt(40)).putInt(4 + r.nextInt(5)).putInt(10 + r.nextInt(40)).array();
            fills.add(new Fill("budgets", le(4).putInt(k).array(), value, true, true));
        }
        for (int type : new int[] {0x0800, 0x86dd}) {
            fills.add(new Fill("by_type", le(2).putShort((short) type).array(), new byte[8], true, false));
        }
        List<byte[]> packets = new ArrayList<>();
        int[] types = {0x0800, 0x86dd, 0x0806, 0x0100, 0x05dc};
        for (int i = 0; i < 40; i++) {
            packets.add(Frames.ethernet(types[r.nextInt(types.length)], new byte[r.nextInt(i % 2 == 0 ? 120 : 700)]));
        }
        return new Case("percpu_budget", fills, packets);
    }

    static Case v6Policy(Random r) {
        List<Fill> fills = new ArrayList<>();
        Object[][] prefixes = {{32, Frames.v6(0x2001, 0xdb8)}, {48, Frames.v6(0x2001, 0xdb8, 1)}, {64, Frames.v6(0x2001, 0xdb8, 1, 2)},
            {10, Frames.v6(0xfe80)}, {128, Frames.v6(0x2001, 0xdb8, 1, 2, 0, 0, 0, 1)}};
        for (Object[] p : prefixes) {
            byte[] key = le(20).putInt((Integer) p[0]).put((byte[]) p[1]).array();
            fills.add(new Fill("v6_prefixes", key, le(4).putInt(1 + r.nextInt(3)).array(), false, false));
        }
        for (int policy = 1; policy <= 3; policy++) {
            for (int nh : new int[] {0, 6, 17, 58}) {
                if (nh != 0 && r.nextInt(3) == 0) {
                    continue;
                }
                if (nh == 0 && policy == 3) {
                    continue;   // no default: unmatched next headers drop
                }
                int min = r.nextInt(40);
                byte[] value = le(4).put((byte) min).put((byte) (min + r.nextInt(200))).putShort((short) (r.nextInt(8) == 0 ? 6 : r.nextInt(4))).array();
                fills.add(new Fill("policies", le(8).putInt(policy).put((byte) nh).put(new byte[3]).array(), value, false, false));
            }
        }
        byte[][] addresses = {Frames.v6(0x2001, 0xdb8, 9), Frames.v6(0x2001, 0xdb8, 1, 7), Frames.v6(0x2001, 0xdb8, 1, 2, 3),
            Frames.v6(0x2001, 0xdb8, 1, 2, 0, 0, 0, 1), Frames.v6(0xfe80, 0, 0, 0, 1), Frames.v6(0x2002)};
        int[] exts = {0, 43, 60, 44};
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int[] ext = new int[r.nextInt(6)];
            for (int e = 0; e < ext.length; e++) {
                ext[e] = exts[r.nextInt(exts.length)];
            }
            int proto = new int[] {6, 17, 58, 50}[r.nextInt(4)];
            byte[] l4 = proto == 6 ? Frames.tcp(1, 2, 3, 2, 100) : Frames.udp(1, 2, 8);
            byte[] frame = r.nextInt(12) == 0 ? Frames.ethernet(0x0800, Frames.ipv4(6, 1, 2, 3, 0, 0, l4))
                : Frames.ethernet(0x86dd, Frames.ipv6(proto, Frames.v6(1), addresses[r.nextInt(addresses.length)],
                    r.nextInt(256), ext, l4));
            packets.add(Frames.maybeTruncate(r, frame));
        }
        return new Case("v6_policy", fills, packets);
    }

    static Case tcpScore(Random r) {
        List<Fill> fills = new ArrayList<>();
        int[] sources = {0x0a000001, 0x0a000002, 0x0a000003, 0xc0a80001};
        for (int s : sources) {
            byte[] value = le(8).put((byte) (r.nextBoolean() ? 0x04 : 0x01)).put((byte) r.nextInt(8)).put((byte) r.nextInt(4))
                .put((byte) (r.nextInt(256) - 128)).putInt(r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(5)).array();
            fills.add(new Fill("settings", ByteBuffer.allocate(4).putInt(s).array(), value, false, false));
        }
        fills.add(new Fill("thresholds", le(4).putInt(0).array(), le(4).putInt(-600).array(), false, false));
        fills.add(new Fill("thresholds", le(4).putInt(1).array(), le(4).putInt(300).array(), false, false));
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int src = r.nextInt(6) == 0 ? 0x08080808 : sources[r.nextInt(sources.length)];
            byte[] l4 = r.nextInt(8) == 0 ? Frames.udp(1, 2, 3)
                : Frames.tcp(r.nextInt(65536), r.nextInt(65536), r.nextInt(), new int[] {0x02, 0x10, 0x18, 0x11, 0x04, 0x12}[r.nextInt(6)],
                    r.nextInt(65536));
            int proto = l4.length == 20 ? 6 : 17;
            packets.add(Frames.maybeTruncate(r, Frames.ethernet(0x0800, Frames.ipv4(proto, src, 0x0a0000fe, 64, r.nextInt(2), 0, l4))));
        }
        return new Case("tcp_score", fills, packets);
    }
}
