package io.ebpfjvm.interp.object;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.jit.Jit;
import io.ebpfjvm.jit.JitOptions;
import io.ebpfjvm.jit.SampleDifferentialTest;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Linux kernel as oracle for the JIT: the same objects loaded with bpftool, the same map
 * contents and packets through {@code bpftool prog run}; return values, packets afterwards
 * and counters must match the JIT's. Lives in the oracle's package to reuse it; skips cleanly
 * without root, bpftool or kernel BPF.
 */
class JitKernelDifferentialTest {

    private static ExecutableProgram jit(BpfObject object, String program, MapSet maps) {
        return Jit.compile(object.program(program).orElseThrow(), null, maps, KernelHelpers.registry(s -> { }),
            ExecutionOptions.defaults(), JitOptions.defaults().withStrict(true));
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** Frames the kernel's test run accepts: at least a whole Ethernet header. */
    private static byte[] frame(Random r, int i) {
        byte[] p = SampleDifferentialTest.packet(r, i);
        return p.length >= 14 ? p : Arrays.copyOf(p, 14 + r.nextInt(20));
    }

    @Test
    void xdpAclVerdictsMatchTheKernel() throws Exception {
        try (KernelOracle kernel = KernelOracle.open("xdp_acl.o")) {
            BpfObject object = ObjectRunTest.load("xdp_acl.o");
            MapSet maps = MapSet.create(object);
            ExecutableProgram acl = jit(object, "xdp_acl", maps);
            Random r = new Random(77);
            int[][] tuples = new int[8][];
            for (int i = 0; i < tuples.length; i++) {
                tuples[i] = new int[] {r.nextBoolean() ? 6 : 17, 0x0a000000 | r.nextInt(4), 0x0a000100 | r.nextInt(4),
                    1000 + r.nextInt(3), 53};
                int[] t = tuples[i];
                byte[] key = ObjectRunTest.flowKey(t[0], t[1], t[2], t[3], t[4]);
                byte[] value = u32(i % 4);
                maps.byName("rules").orElseThrow().put(key, value);
                kernel.updateMap("rules", key, value);
            }
            int notPassed = 0;
            for (int i = 0; i < 60; i++) {
                int[] t = tuples[r.nextInt(tuples.length)];
                // Half the packets hit a rule, a quarter are near misses, a quarter anything.
                byte[] packet = i % 4 == 3 ? frame(r, i)
                    : ObjectRunTest.ipv4(t[0], t[1], i % 4 == 2 ? t[2] ^ 1 : t[2], t[3], t[4]);
                long expected = kernel.run("xdp_acl", packet).returnValue();
                assertEquals(expected, acl.run(packet.clone()), () -> HexFormat.of().formatHex(packet));
                notPassed += expected != 2 ? 1 : 0;
            }
            assertTrue(notPassed > 2, "not passed " + notPassed);
            System.out.println("kernel vs JIT, xdp_acl.o: 60 packets equal, " + notPassed + " not passed");
        }
    }

    @Test
    void lpmBlocklistVerdictsAndCountersMatchTheKernel() throws Exception {
        try (KernelOracle kernel = KernelOracle.open("lpm_blocklist.o")) {
            BpfObject object = ObjectRunTest.load("lpm_blocklist.o");
            MapSet maps = MapSet.create(object);
            ExecutableProgram prog = jit(object, "xdp_blocklist", maps);
            int[][] prefixes = {{8, 0x0a000000, 1}, {16, 0x0a420000, 2}, {24, 0xc0a80100, 3}, {32, 0xc0a80105, 4}};
            for (int[] p : prefixes) {
                byte[] key = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(p[0])
                    .order(ByteOrder.BIG_ENDIAN).putInt(p[1]).array();
                maps.byName("blocklist").orElseThrow().put(key, u32(p[2]));
                kernel.updateMap("blocklist", key, u32(p[2]));
            }
            Random r = new Random(8);
            int dropped = 0;
            for (int i = 0; i < 80; i++) {
                byte[] packet = frame(r, i);
                long expected = kernel.run("xdp_blocklist", packet).returnValue();
                assertEquals(expected, prog.run(packet.clone()), () -> HexFormat.of().formatHex(packet));
                dropped += expected == 1 ? 1 : 0;
            }
            for (int rule = 1; rule <= 4; rule++) {
                assertArrayEquals(kernel.lookup("drops", u32(rule)), maps.byName("drops").orElseThrow().get(u32(rule)),
                    "drops[" + rule + "]");
            }
            assertTrue(dropped > 5, "dropped " + dropped);
            System.out.println("kernel vs JIT, lpm_blocklist.o: 80 packets equal, " + dropped + " dropped, counters equal");
        }
    }

    @Test
    void tcNatRewritesPacketsAsTheKernelDoes() throws Exception {
        try (KernelOracle kernel = KernelOracle.open("tc_nat.o")) {
            BpfObject object = ObjectRunTest.load("tc_nat.o");
            MapSet maps = MapSet.create(object);
            ExecutableProgram nat = jit(object, "tc_dnat", maps);
            Random r = new Random(12);
            int rewritten = 0;
            for (int i = 0; i < 60; i++) {
                int proto = r.nextInt(5) == 0 ? 1 : (r.nextBoolean() ? 6 : 17);
                byte[] packet = Arrays.copyOf(ObjectRunTest.ipv4(proto, r.nextInt(), r.nextInt(), r.nextInt(65536),
                    r.nextInt(65536)), 74);
                for (int b = 54; b < packet.length; b++) {
                    packet[b] = (byte) r.nextInt(256);
                }
                KernelOracle.Result expected = kernel.run("tc_dnat", packet);
                byte[] ours = packet.clone();
                assertEquals(expected.returnValue(), nat.run(ours), () -> HexFormat.of().formatHex(packet));
                assertEquals(HexFormat.of().formatHex(expected.packetOut()), HexFormat.of().formatHex(ours));
                rewritten += Arrays.equals(packet, ours) ? 0 : 1;
            }
            assertTrue(rewritten > 20, "rewritten " + rewritten);
            System.out.println("kernel vs JIT, tc_nat.o: 60 packets equal (return value and bytes), " + rewritten + " rewritten");
        }
    }
}
