package io.ebpfjvm.samples;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.map.Cpus;
import io.ebpfjvm.interp.Interpreter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The public API end to end, in the fewest lines: load a clang-built object, fill one of its
 * maps, compile its program, classify a {@code byte[]} and a {@code ByteBuffer}, read the
 * per-CPU counters back. The program ({@code samples/src/main/bpf/port_filter.c}) drops IPv4
 * TCP/UDP packets to the destination ports in {@code blocked_ports}.
 */
public final class LibraryExample {

    /** What the example observed: two verdicts and the counters the program kept. */
    public record Result(long dnsVerdict, long httpsVerdict, long passed, long dropped) {
    }

    private LibraryExample() {
    }

    public static void main(String[] args) throws IOException {
        Result r = run();
        System.out.printf("DNS packet: %d (XDP_DROP), HTTPS packet: %d (XDP_PASS); counters: %d passed, %d dropped%n",
            r.dnsVerdict(), r.httpsVerdict(), r.passed(), r.dropped());
    }

    public static Result run() throws IOException {
        // 1. Load the object (ObjectLoader.load(Files.readAllBytes(path), name) for a file) and create its maps.
        BpfObject object;
        try (InputStream in = LibraryExample.class.getResourceAsStream("/io/ebpfjvm/samples/port_filter.o")) {
            object = ObjectLoader.load(in.readAllBytes(), "port_filter.o");
        }
        MapSet maps = MapSet.create(object);

        // 2. Fill a map: key and value bytes exactly as the C program lays them out.
        BpfMap blocked = maps.byName("blocked_ports").orElseThrow();
        blocked.put(networkOrderPort(53), new byte[4]);

        // 3. Compile the program against those maps (thread-safe; reuse it for every packet).
        ExecutableProgram filter = Interpreter.compile(object.program("port_filter").orElseThrow(), ProgramType.XDP,
            maps, KernelHelpers.registry(System.err::println), ExecutionOptions.defaults());

        // 4. Classify: a byte[] (used in place, no copy) and a ByteBuffer (heap or direct).
        long dns = filter.run(udpPacket(53));
        ByteBuffer direct = ByteBuffer.allocateDirect(64);
        direct.put(udpPacket(443)).flip();
        long https = filter.run(direct);

        // 5. Read the per-CPU counters back: one 8-byte slot per CPU, summed.
        BpfMap verdicts = maps.byName("verdicts").orElseThrow();
        return new Result(dns, https, sumPerCpu(verdicts.get(le32(0))), sumPerCpu(verdicts.get(le32(1))));
    }

    private static byte[] networkOrderPort(int port) {
        return new byte[] {(byte) (port >>> 8), (byte) port};
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static long sumPerCpu(byte[] values) {
        ByteBuffer b = ByteBuffer.wrap(values).order(ByteOrder.LITTLE_ENDIAN);
        long sum = 0;
        for (int cpu = 0; cpu < Cpus.COUNT; cpu++) {
            sum += b.getLong(cpu * 8);
        }
        return sum;
    }

    /** Ethernet + IPv4 + UDP from 10.0.0.1:40000 to 10.0.0.2:{@code port}. */
    static byte[] udpPacket(int port) {
        ByteBuffer p = ByteBuffer.allocate(14 + 20 + 8);
        p.position(12);
        p.putShort((short) 0x0800);
        p.put((byte) 0x45).put((byte) 0).putShort((short) 28).putInt(0).put((byte) 64).put((byte) 17).putShort((short) 0);
        p.putInt(0x0a000001).putInt(0x0a000002);
        p.putShort((short) 40000).putShort((short) port).putShort((short) 8).putShort((short) 0);
        return p.array();
    }
}
