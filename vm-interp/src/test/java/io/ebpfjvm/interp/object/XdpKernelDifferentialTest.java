package io.ebpfjvm.interp.object;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.RunResult;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.interp.Interpreter;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The kernel as oracle for XDP packet geometry and redirects: {@code xdp_adjust.o} moves
 * data, data_meta and data_end by amounts from its plan map and marks the bytes it can reach;
 * {@code bpftool prog run} reports the return value (the helpers' results) and data_out
 * (metadata and packet). Our run's return value and {@link RunResult} must equal them.
 * Skips cleanly without root, bpftool or kernel BPF.
 */
class XdpKernelDifferentialTest {

    private static byte[] plan(int head, int meta, int tail, int order) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(head).putInt(meta).putInt(tail).putInt(order).array();
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    @Test
    void adjustHeadMetaTailMatchTheKernelInReturnValueAndOutputPacket() throws Exception {
        try (KernelOracle kernel = KernelOracle.open("xdp_adjust.o")) {
            BpfObject object = ObjectRunTest.load("xdp_adjust.o");
            MapSet maps = MapSet.create(object);
            ExecutableProgram prog = Interpreter.compile(object.program("xdp_adjust").orElseThrow(), null, maps,
                KernelHelpers.registry(s -> { }), ExecutionOptions.defaults());
            // Edges of every bound (headroom 216 usable, metadata 4-aligned and <= 255, tail up to a
            // 4096-byte frame, at least ETH_HLEN left), then random plans.
            List<int[]> plans = new java.util.ArrayList<>(List.of(
                new int[] {0, 0, 0, 0}, new int[] {-216, 0, 0, 0}, new int[] {-217, 0, 0, 0}, new int[] {50, 0, 0, 0},
                new int[] {51, 0, 0, 0}, new int[] {0, -4, 0, 0}, new int[] {0, -3, 0, 0}, new int[] {0, 4, 0, 0},
                new int[] {0, -216, 0, 0}, new int[] {0, -220, 0, 0}, new int[] {40, -252, 0, 0}, new int[] {40, -256, 0, 0},
                new int[] {0, 0, 3456, 0}, new int[] {0, 0, 3457, 0}, new int[] {0, 0, -50, 0}, new int[] {0, 0, -51, 0},
                new int[] {0, 0, 100, 0}, new int[] {-216, -4, 0, 0}, new int[] {-216, -4, 0, 1}, new int[] {-200, -16, 37, 0},
                new int[] {30, -8, -10, 1}, new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE, 0}));
            Random r = new Random(3);
            for (int i = 0; i < 24; i++) {
                plans.add(new int[] {r.nextInt(300) - 250, -4 * r.nextInt(70) + (r.nextInt(8) == 0 ? 1 : 0),
                    r.nextInt(400) - 120, r.nextInt(2)});
            }
            RunResult out = new RunResult();
            int moved = 0;
            for (int[] p : plans) {
                byte[] plan = plan(p[0], p[1], p[2], p[3]);
                kernel.updateMap("plan", u32(0), plan);
                maps.byName("plan").orElseThrow().put(u32(0), plan);
                byte[] packet = new byte[64 + r.nextInt(100)];
                for (int i = 0; i < packet.length; i++) {
                    packet[i] = (byte) i;
                }
                KernelOracle.Result expected = kernel.run("xdp_adjust", packet);
                long r0 = prog.run(packet.clone(), 0, packet.length, null, out);
                String where = "plan " + java.util.Arrays.toString(p) + " on " + packet.length + " bytes";
                assertEquals(expected.returnValue(), r0, where);
                assertEquals(HexFormat.of().formatHex(expected.packetOut()), HexFormat.of().formatHex(out.metaAndPacket()), where);
                moved += out.packetLength() != packet.length || out.metaLength() > 0 ? 1 : 0;
            }
            assertTrue(moved > 10, "plans that changed the geometry: " + moved);
            System.out.println("kernel differential xdp_adjust.o: " + plans.size() + " plans equal (return value, data_out), "
                + moved + " changed the packet geometry");
        }
    }

    @Test
    void redirectMapFallbacksAndTargetsMatchTheKernel() throws Exception {
        try (KernelOracle kernel = KernelOracle.open("xdp_redirect.o")) {
            BpfObject object = ObjectRunTest.load("xdp_redirect.o");
            MapSet maps = MapSet.create(object);
            ExecutableProgram prog = Interpreter.compile(object.program("xdp_redirect").orElseThrow(), null, maps,
                KernelHelpers.registry(s -> { }), ExecutionOptions.defaults());
            // lo (ifindex 1) exists everywhere: devmap slot 2 and devmap_hash key 7 name it; cpumap slot 0 gets a queue.
            for (var fill : List.of(new Object[] {"devices", 2, 1}, new Object[] {"device_hash", 7, 1}, new Object[] {"cpus", 0, 192})) {
                kernel.updateMap((String) fill[0], u32((int) fill[1]), u32((int) fill[2]));
                maps.byName((String) fill[0]).orElseThrow().put(u32((int) fill[1]), u32((int) fill[2]));
            }
            long[] flagSet = {0, 1, 2, 3, 4, 7, 1L << 3, (1L << 3) | 2, 1L << 4 | 1, 1L << 5, 1L << 32 | 2};
            long[] keys = {0, 1, 2, 7, 8, 0x100000002L};
            byte[] packet = ObjectRunTest.ipv4(17, 0x0a000001, 0x0a000002, 1000, 53);
            RunResult out = new RunResult();
            int redirected = 0;
            int cases = 0;
            for (int map = 0; map <= 4; map++) {
                for (long key : keys) {
                    for (long flags : flagSet) {
                        byte[] plan = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                            .putInt(map).putInt((int) key).putLong(flags).array();
                        kernel.updateMap("plan", u32(0), plan);
                        maps.byName("plan").orElseThrow().put(u32(0), plan);
                        long expected = kernel.run("xdp_redirect", packet).returnValue();
                        long r0 = prog.run(packet.clone(), 0, packet.length, null, out);
                        String where = "map " + map + " key " + key + " flags 0x" + Long.toHexString(flags);
                        assertEquals(expected, r0, where);
                        if (r0 == 4) {
                            redirected++;
                            assertNotEquals(RunResult.Redirect.NONE, out.redirect(), where);
                            assertEquals(key & 0xffffffffL, out.redirectTarget(), where);
                            if (map < 4) {
                                assertEquals(List.of("devices", "device_hash", "cpus", "sockets").get(map), out.redirectMap().name(), where);
                            }
                        } else {
                            assertEquals(RunResult.Redirect.NONE, out.redirect(), where);
                        }
                        cases++;
                    }
                }
            }
            assertTrue(redirected > 5, "redirected cases: " + redirected);
            System.out.println("kernel differential xdp_redirect.o: " + cases + " cases equal, " + redirected + " redirected");
        }
    }

    @Test
    void perfEventOutputErrorCodesMatchTheKernelAndRecordsCarryPacketBytes() throws Exception {
        try (KernelOracle kernel = KernelOracle.open("xdp_perf.o")) {
            BpfObject object = ObjectRunTest.load("xdp_perf.o");
            MapSet maps = MapSet.create(object);
            ExecutableProgram prog = Interpreter.compile(object.program("xdp_perf").orElseThrow(), null, maps,
                KernelHelpers.registry(s -> { }), ExecutionOptions.defaults());
            long current = KernelHelpers.BPF_F_CURRENT_CPU;
            long[] flagSet = {0, 1, 3, 4, 5, current, current | 20L << 32, 2 | 60L << 32, current | 61L << 32,
                current | 0xfffffL << 32, 1L << 52, 1L << 63};
            byte[] packet = ObjectRunTest.ipv4(6, 1, 2, 3, 4).clone();
            packet = java.util.Arrays.copyOf(packet, 60);
            int cases = 0;
            for (long flags : flagSet) {
                for (int size : new int[] {0, 8, 16}) {
                    byte[] plan = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(flags).putInt(size).array();
                    kernel.updateMap("plan", u32(0), plan);
                    maps.byName("plan").orElseThrow().put(u32(0), plan);
                    long expected = kernel.run("xdp_perf", packet).returnValue();
                    assertEquals(expected, prog.run(packet.clone()), "flags 0x" + Long.toHexString(flags) + " size " + size);
                    cases++;
                }
            }
            // With the slots open (which bpftool cannot do for a test run) the records arrive, packet bytes appended.
            io.ebpfjvm.core.map.PerfEventArrayMap samples = (io.ebpfjvm.core.map.PerfEventArrayMap) maps.byName("samples").orElseThrow();
            samples.openAll();
            byte[] plan = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(current | 20L << 32).putInt(16).array();
            maps.byName("plan").orElseThrow().put(u32(0), plan);
            assertEquals(0, prog.run(packet.clone()));
            byte[] finalPacket = packet;
            assertEquals(1, samples.consume((cpu, data) -> {
                assertEquals(36, data.length);
                assertEquals(0x1122334455667788L, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
                assertEquals(60, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getLong(8));
                assertArrayEquals(java.util.Arrays.copyOf(finalPacket, 20), java.util.Arrays.copyOfRange(data, 16, 36));
            }));
            System.out.println("kernel differential xdp_perf.o: " + cases + " perf_event_output cases equal");
        }
    }

    @Test
    void redirectMapHostUpdatesFailWhereTheKernelsFail() throws Exception {
        try (KernelOracle kernel = KernelOracle.open("xdp_redirect.o")) {
            MapSet maps = MapSet.create(ObjectRunTest.load("xdp_redirect.o"));
            Object[][] updates = {
                {"devices", 0, 1}, {"devices", 7, 1}, {"devices", 8, 1}, {"devices", 1, 0},
                {"device_hash", 1000, 1}, {"device_hash", 3, 0}, {"cpus", 1, 0}, {"cpus", 4, 64},
            };
            for (Object[] u : updates) {
                String map = (String) u[0];
                byte[] key = u32((int) u[1]);
                byte[] value = u32((int) u[2]);
                boolean kernelOk;
                try {
                    kernel.updateMap(map, key, value);
                    kernelOk = true;
                } catch (java.io.IOException e) {
                    kernelOk = false;
                }
                long ours = maps.byName(map).orElseThrow().update(key, value, 0);
                assertEquals(kernelOk, ours == 0, map + " key " + u[1] + " value " + u[2] + ": ours " + ours);
            }
        }
    }

    @Test
    void vlanPopGivesTheKernelsOutputPackets() throws Exception {
        try (KernelOracle kernel = KernelOracle.open("xdp_vlan_pop.o")) {
            BpfObject object = ObjectRunTest.load("xdp_vlan_pop.o");
            ExecutableProgram prog = Interpreter.compile(object.program("xdp_vlan_pop").orElseThrow(), null, MapSet.create(object),
                KernelHelpers.registry(s -> { }), ExecutionOptions.defaults());
            Random r = new Random(11);
            RunResult out = new RunResult();
            int popped = 0;
            for (int i = 0; i < 20; i++) {
                byte[] packet = new byte[14 + r.nextInt(80)];
                r.nextBytes(packet);
                if (i % 2 == 0) {
                    packet[12] = (byte) 0x81;
                    packet[13] = 0;
                }
                KernelOracle.Result expected = kernel.run("xdp_vlan_pop", packet);
                assertEquals(expected.returnValue(), prog.run(packet.clone(), 0, packet.length, null, out));
                assertArrayEquals(expected.packetOut(), out.metaAndPacket(), HexFormat.of().formatHex(packet));
                popped += out.packetLength() < packet.length ? 1 : 0;
            }
            assertTrue(popped >= 8, "popped " + popped);
        }
    }

    @Test
    void xdpLoadAndStoreBytesMatchTheKernel() throws Exception {
        try (KernelOracle kernel = KernelOracle.open("xdp_bytes.o")) {
            BpfObject object = ObjectRunTest.load("xdp_bytes.o");
            MapSet maps = MapSet.create(object);
            ExecutableProgram prog = Interpreter.compile(object.program("xdp_bytes").orElseThrow(), null, maps,
                KernelHelpers.registry(s -> { }), ExecutionOptions.defaults());
            int[][] plans = {{0, 8, 20}, {0, 32, 0}, {40, 24, 0}, {41, 24, 0}, {60, 4, 0}, {0, 4, 61}, {0, 4, 60},
                {0x10000, 4, 0}, {0xffff, 1, 0}, {-1, 4, 0}, {5, 16, 0x10000}, {10, 3, 30}};
            RunResult out = new RunResult();
            for (int[] p : plans) {
                byte[] plan = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(p[0]).putInt(p[1]).putInt(p[2]).array();
                kernel.updateMap("plan", u32(0), plan);
                maps.byName("plan").orElseThrow().put(u32(0), plan);
                byte[] packet = new byte[64];
                for (int i = 0; i < packet.length; i++) {
                    packet[i] = (byte) (i * 7);
                }
                KernelOracle.Result expected = kernel.run("xdp_bytes", packet);
                String where = java.util.Arrays.toString(p);
                assertEquals(expected.returnValue(), prog.run(packet.clone(), 0, packet.length, null, out), where);
                assertArrayEquals(expected.packetOut(), out.metaAndPacket(), where);
            }
        }
    }
}
