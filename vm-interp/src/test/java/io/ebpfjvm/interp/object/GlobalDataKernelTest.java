package io.ebpfjvm.interp.object;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.host.GlobalData;
import io.ebpfjvm.core.host.HostMap;
import io.ebpfjvm.core.host.ObjectMaps;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.interp.Interpreter;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * flow_stats.o, whose program writes .data (totals), .bss (a copy of the packet's first bytes,
 * a TCP counter), a hash map of per-flow counters and per-CPU verdict counts, and reads its
 * configuration from .rodata: Java first writes .data and .bss (through the host API here,
 * with bpftool in the kernel), then the same packets go through the kernel ({@code bpftool prog run})
 * and through the interpreter leave the same bytes in every map, read from Java through the
 * host API and from the kernel with {@code bpftool map dump}. Skips without root or bpftool.
 */
class GlobalDataKernelTest {

    static List<byte[]> packets(Random r, int count) {
        List<byte[]> out = new ArrayList<>();
        int[] hosts = {0x0a000001, 0x0a000002, 0xc0a80105, 0x08080808};
        for (int i = 0; i < count; i++) {
            int proto = switch (r.nextInt(5)) {
                case 0 -> 1;
                case 1, 2 -> 6;
                default -> 17;
            };
            byte[] p = ObjectRunTest.ipv4(proto, hosts[r.nextInt(4)], hosts[r.nextInt(4)], 1000 + r.nextInt(3),
                r.nextInt(4) == 0 ? 53 : 80 + r.nextInt(2));
            switch (i % 9) {
                case 3 -> {   // not IPv4
                    p[12] = (byte) 0x86;
                    p[13] = (byte) 0xdd;
                }
                case 5 -> p = Arrays.copyOf(p, 14 + r.nextInt(24));   // truncated IP or ports
                case 7 -> p = Arrays.copyOf(p, p.length + r.nextInt(40));   // trailing bytes
                default -> {
                }
            }
            out.add(p);
        }
        return out;
    }

    @Test
    void globalDataAndMapsAfterTheRunAreTheKernels() throws Exception {
        try (KernelOracle kernel = KernelOracle.open("flow_stats.o")) {
            BpfObject object = ObjectRunTest.load("flow_stats.o");
            ObjectMaps maps = ObjectMaps.create(object);
            ExecutableProgram prog = Interpreter.compile(object.program("flow_stats").orElseThrow(), ProgramType.XDP,
                maps.mapSet(), KernelHelpers.registry(s -> { }), ExecutionOptions.defaults());
            // Java writes global data first, ours through the host API, the kernel's with bpftool.
            GlobalData data = maps.globals(".data");
            byte[] totals = data.get("totals");
            ByteBuffer.wrap(totals).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 5000).putLong(8, 123);
            data.set("totals", totals);
            GlobalData bss = maps.globals(".bss");
            bss.set("tcp_seen", ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(77).array());
            kernel.updateMap("flow_sta_data", new byte[4], data.bytes());
            kernel.updateMap("flow_sta_bss", new byte[4], bss.bytes());
            int[] verdicts = new int[4];
            for (byte[] packet : packets(new Random(17), 60)) {
                long expected = kernel.run("flow_stats", packet).returnValue();
                assertEquals(expected, prog.run(packet.clone()), () -> HexFormat.of().formatHex(packet));
                verdicts[(int) expected]++;
            }
            assertTrue(verdicts[1] > 0 && verdicts[2] > 0, Arrays.toString(verdicts));
            // libbpf names global-data maps after the object (8 characters) and the section.
            for (String section : List.of(".data", ".bss", ".rodata")) {
                GlobalData ours = maps.globals(section);
                List<byte[][]> dumped = kernel.dump("flow_sta_" + section.substring(1));
                assertEquals(1, dumped.size(), section);
                byte[] theirs = dumped.get(0)[1];
                assertEquals(HexFormat.of().formatHex(theirs), HexFormat.of().formatHex(ours.bytes()), section);
            }
            assertEquals(5060, ByteBuffer.wrap(maps.globals(".data").get("totals")).order(ByteOrder.LITTLE_ENDIAN).getLong(0));
            assertTrue(ByteBuffer.wrap(bss.get("tcp_seen")).order(ByteOrder.LITTLE_ENDIAN).getInt() > 77);
            assertEquals(dump(kernel.dump("flows")), ours(maps.map("flows")));
            // Per-CPU counts: the kernel ran on whichever CPUs, we on this thread's; the sums agree.
            TreeMap<Integer, Long> kernelSums = new TreeMap<>();
            for (byte[][] e : kernel.dump("verdicts")) {
                kernelSums.put(ByteBuffer.wrap(e[0]).order(ByteOrder.LITTLE_ENDIAN).getInt(), sum(e[1]));
            }
            TreeMap<Integer, Long> ourSums = new TreeMap<>();
            maps.map("verdicts").forEach((k, v) -> ourSums.put(ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN).getInt(), sum(v)));
            assertEquals(kernelSums, ourSums);
            System.out.println("kernel differential flow_stats.o: 60 packets, .data/.bss/.rodata, " + ourSums.values().stream()
                .mapToLong(Long::longValue).sum() + " verdict counts and " + ours(maps.map("flows")).size() + " flows equal");
        }
    }

    private static long sum(byte[] perCpu) {
        ByteBuffer b = ByteBuffer.wrap(perCpu).order(ByteOrder.LITTLE_ENDIAN);
        long s = 0;
        for (int i = 0; i + 8 <= perCpu.length; i += 8) {
            s += b.getLong(i);
        }
        return s;
    }

    private static TreeMap<String, String> dump(List<byte[][]> entries) {
        TreeMap<String, String> out = new TreeMap<>();
        for (byte[][] e : entries) {
            out.put(HexFormat.of().formatHex(e[0]), HexFormat.of().formatHex(e[1]));
        }
        return out;
    }

    private static TreeMap<String, String> ours(HostMap map) {
        TreeMap<String, String> out = new TreeMap<>();
        for (HostMap.Entry e : map.entries()) {
            out.put(HexFormat.of().formatHex(e.key()), HexFormat.of().formatHex(e.value()));
        }
        return out;
    }
}
