package io.ebpfjvm.interp.object;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramTable;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.map.RingBufMap;
import io.ebpfjvm.interp.Interpreter;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Linux kernel as oracle: the same clang-built objects loaded with bpftool, the same map
 * contents, the same packets through {@code bpftool prog run}; return values, output packets
 * and map contents must match ours. Skips cleanly without root, bpftool or kernel BPF.
 */
class KernelDifferentialTest {

    private static ExecutableProgram ours(BpfObject object, String program, MapSet maps, ExecutionOptions options) {
        return Interpreter.compile(object.program(program).orElseThrow(), null, maps, KernelHelpers.registry(s -> { }), options);
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    @Test
    void xdpAclMatchesTheKernelPacketByPacket() throws Exception {
        try (KernelOracle kernel = KernelOracle.open("xdp_acl.o")) {
            BpfObject object = ObjectRunTest.load("xdp_acl.o");
            MapSet maps = MapSet.create(object);
            ExecutableProgram acl = ours(object, "xdp_acl", maps, ExecutionOptions.defaults());
            Random r = new Random(42);
            for (int i = 0; i < 8; i++) {
                byte[] key = ObjectRunTest.flowKey(r.nextBoolean() ? 6 : 17, 0x0a000000 | r.nextInt(4),
                    0x0a000100 | r.nextInt(4), 1000 + r.nextInt(3), 53);
                byte[] value = u32(r.nextInt(4));
                maps.byName("rules").orElseThrow().put(key, value);
                kernel.updateMap("rules", key, value);
            }
            int nonPass = 0;
            for (int i = 0; i < 60; i++) {
                byte[] full = ObjectRunTest.ipv4(r.nextBoolean() ? 6 : 17, 0x0a000000 | r.nextInt(4),
                    0x0a000100 | r.nextInt(4), 1000 + r.nextInt(3), 53);
                byte[] packet = i % 10 == 0 ? Arrays.copyOf(full, 14 + r.nextInt(30)) : full;
                long expected = kernel.run("xdp_acl", packet).returnValue();
                assertEquals(expected, acl.run(packet.clone()), () -> HexFormat.of().formatHex(packet));
                nonPass += expected != 2 ? 1 : 0;
            }
            assertTrue(nonPass > 0);
            System.out.println("kernel differential xdp_acl.o: 60 packets equal, " + nonPass + " not passed");
        }
    }

    @Test
    void lpmBlocklistVerdictsAndCountersMatchTheKernel() throws Exception {
        try (KernelOracle kernel = KernelOracle.open("lpm_blocklist.o")) {
            BpfObject object = ObjectRunTest.load("lpm_blocklist.o");
            MapSet maps = MapSet.create(object);
            ExecutableProgram prog = ours(object, "xdp_blocklist", maps, ExecutionOptions.defaults());
            int[][] prefixes = {{8, 0x0a000000, 1}, {16, 0x0a420000, 2}, {24, 0xc0a80100, 3}, {32, 0xc0a80105, 4}};
            for (int[] p : prefixes) {
                byte[] key = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(p[0])
                    .order(ByteOrder.BIG_ENDIAN).putInt(p[1]).array();
                maps.byName("blocklist").orElseThrow().put(key, u32(p[2]));
                kernel.updateMap("blocklist", key, u32(p[2]));
            }
            Random r = new Random(7);
            int[] sources = {0x0a010203, 0x0a420304, 0xc0a80107, 0xc0a80105, 0xc0a80205, 0x08080808};
            int dropped = 0;
            for (int i = 0; i < 120; i++) {
                byte[] p = ObjectRunTest.ipv4(17, sources[r.nextInt(sources.length)], 0x01020304, 1, 2);
                if (i % 7 == 0) {
                    byte[] tagged = new byte[p.length + 4];
                    System.arraycopy(p, 0, tagged, 0, 12);
                    tagged[12] = (byte) 0x81;
                    tagged[14] = (byte) r.nextInt(16);
                    tagged[15] = (byte) r.nextInt(256);
                    System.arraycopy(p, 12, tagged, 16, p.length - 12);
                    p = tagged;
                }
                if (i % 11 == 0) {
                    p[12] = (byte) 0x86;
                    p[13] = (byte) 0xdd;
                }
                byte[] packet = p;
                long expected = kernel.run("xdp_blocklist", packet).returnValue();
                assertEquals(expected, prog.run(packet.clone()), () -> HexFormat.of().formatHex(packet));
                dropped += expected == 1 ? 1 : 0;
            }
            long reported = 0;
            for (int rule = 1; rule <= 4; rule++) {
                byte[] ourCount = maps.byName("drops").orElseThrow().get(u32(rule));
                assertArrayEquals(kernel.lookup("drops", u32(rule)), ourCount, "drops[" + rule + "]");
            }
            reported = ((RingBufMap) maps.byName("events").orElseThrow()).poll(b -> { });
            assertEquals(dropped, reported, "one ring-buffer report per drop");
            assertTrue(dropped > 10);
            System.out.println("kernel differential lpm_blocklist.o: 120 packets equal, " + dropped + " dropped");
        }
    }

    @Test
    void tailCallChainWithBpfLoopMatchesTheKernel() throws Exception {
        try (KernelOracle kernel = KernelOracle.open("tail_chain.o")) {
            kernel.setProgram("stages", 0, "stage_ipv4");
            kernel.setProgram("stages", 1, "stage_ipv6");
            BpfObject object = ObjectRunTest.load("tail_chain.o");
            MapSet maps = MapSet.create(object);
            ProgramTable table = new ProgramTable();
            ExecutionOptions options = ExecutionOptions.defaults().withPrograms(table);
            ExecutableProgram dispatch = ours(object, "dispatch", maps, options);
            int v4 = table.add(ours(object, "stage_ipv4", maps, options));
            int v6 = table.add(ours(object, "stage_ipv6", maps, options));
            maps.byName("stages").orElseThrow().put(u32(0), u32(v4));
            maps.byName("stages").orElseThrow().put(u32(1), u32(v6));
            Random r = new Random(3);
            int[] seen = new int[5];
            for (int i = 0; i < 100; i++) {
                byte[] packet = new byte[14 + r.nextInt(120)];  // bpftool prog run needs a whole Ethernet header
                r.nextBytes(packet);
                if (packet.length >= 14) {
                    int kind = r.nextInt(3);
                    packet[12] = (byte) (kind == 0 ? 0x08 : kind == 1 ? 0x86 : 0x88);
                    packet[13] = (byte) (kind == 0 ? 0x00 : kind == 1 ? 0xdd : 0xcc);
                }
                long expected = kernel.run("dispatch", packet).returnValue();
                assertEquals(expected, dispatch.run(packet.clone()), () -> HexFormat.of().formatHex(packet));
                seen[(int) expected]++;
            }
            assertTrue(seen[1] > 0 && seen[2] > 0 && seen[3] > 0, Arrays.toString(seen));
            System.out.println("kernel differential tail_chain.o: 100 packets equal, verdicts " + Arrays.toString(seen));
        }
    }

    @Test
    void tcNatRewritesPacketsAndChecksumsAsTheKernelDoes() throws Exception {
        try (KernelOracle kernel = KernelOracle.open("tc_nat.o")) {
            BpfObject object = ObjectRunTest.load("tc_nat.o");
            MapSet maps = MapSet.create(object);
            ExecutableProgram nat = ours(object, "tc_dnat", maps, ExecutionOptions.defaults());
            Random r = new Random(11);
            int rewritten = 0;
            for (int i = 0; i < 80; i++) {
                int proto = r.nextInt(5) == 0 ? 1 : (r.nextBoolean() ? 6 : 17);
                byte[] packet = ObjectRunTest.ipv4(proto, r.nextInt(), r.nextInt(), r.nextInt(65536), r.nextInt(65536));
                packet = Arrays.copyOf(packet, packet.length + 20);
                for (int b = 24; b < packet.length; b++) {
                    packet[b] = b == 24 || b == 25 || b >= 38 ? (byte) r.nextInt(256) : packet[b];
                }
                if (proto == 17 && r.nextBoolean()) {
                    packet[40] = 0;
                    packet[41] = 0;
                }
                KernelOracle.Result expected = kernel.run("tc_dnat", packet);
                byte[] ourPacket = packet.clone();
                long ourReturn = nat.run(ourPacket);
                byte[] in = packet;
                assertEquals(expected.returnValue(), ourReturn, () -> HexFormat.of().formatHex(in));
                assertEquals(HexFormat.of().formatHex(expected.packetOut()), HexFormat.of().formatHex(ourPacket));
                rewritten += Arrays.equals(packet, ourPacket) ? 0 : 1;
            }
            assertTrue(rewritten > 40, "rewritten " + rewritten);
            System.out.println("kernel differential tc_nat.o: 80 packets equal (return value and bytes), " + rewritten + " rewritten");
        }
    }
}
