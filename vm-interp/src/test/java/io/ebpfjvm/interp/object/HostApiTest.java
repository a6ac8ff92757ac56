package io.ebpfjvm.interp.object;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.host.NetworkOrder;
import io.ebpfjvm.core.host.ObjectMaps;
import io.ebpfjvm.core.host.TypedMap;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.interp.Interpreter;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/** The host API with running programs: Java sets .rodata, the program fills typed maps, walks run while programs run. */
class HostApiTest {

    // README:records
    record FlowKey(@NetworkOrder int srcIp, @NetworkOrder int dstIp,
                   @NetworkOrder short srcPort, @NetworkOrder short dstPort, byte proto) { }
    record Counters(long packets, long bytes) { }
    record Config(short blockedPort, byte countBytes, byte reserved, int maxFlows) { }
    record Totals(long packets, long bytes, int lastLen, int flowsFull) { }
    // README:records-end

    private static Path objectFile() throws Exception {
        Path p = Files.createTempFile("flow_stats", ".o");
        try (InputStream in = HostApiTest.class.getResourceAsStream("/bpf/flow_stats.o")) {
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    @Test
    void readmeHostApiExample() throws Exception {
        Path file = objectFile();
        byte[] packet = ObjectRunTest.ipv4(17, 0x0a000001, 0x0a000002, 1000, 80);
        // README:begin
        BpfObject object = ObjectLoader.load(Files.readAllBytes(file), "flow_stats.o");
        ObjectMaps maps = ObjectMaps.create(object);
        // Configuration in .rodata, set before the first run (programs cannot write it).
        maps.globals(".rodata").set("cfg", new Config((short) 80, (byte) 1, (byte) 0, 200));
        ExecutableProgram program = Interpreter.compile(object.program("flow_stats").orElseThrow(),
            ProgramType.XDP, maps.mapSet(), KernelHelpers.registry(line -> { }), ExecutionOptions.defaults());
        long verdict = program.run(packet);                                  // 1: XDP_DROP, port 80 is blocked now

        TypedMap<FlowKey, Counters> flows = maps.map("flows").typed(FlowKey.class, Counters.class);
        flows.put(new FlowKey(0x0a000009, 0x0a000002, (short) 999, (short) 443, (byte) 6), new Counters(0, 0));
        flows.forEach((key, counters) -> System.out.println(key + " -> " + counters));
        Totals totals = maps.globals(".data").get("totals", Totals.class);   // packets 1001: .data starts at 1000
        byte[] header = maps.globals(".bss").get("last_header");             // the packet's first 34 bytes
        // README:end
        assertEquals(1, verdict);
        assertEquals(new Totals(1001, packet.length, packet.length, 0), totals);
        assertArrayEquals(java.util.Arrays.copyOf(packet, 34), header);
        assertEquals(List.of(new Counters(0, 0)), flows.entries().stream().map(Map.Entry::getValue).toList());
    }

    /** The README shows the records and the example above, verbatim. */
    @Test
    void readmeShowsThisExample() throws Exception {
        String source = Files.readString(Path.of("src/test/java/io/ebpfjvm/interp/object/HostApiTest.java"));
        String readme = Files.readString(Path.of("../README.md"));
        for (String[] markers : new String[][] {{"// README:records\n", "    // README:records-end"},
            {"// README:begin\n", "        // README:end"}}) {
            String block = source.substring(source.indexOf(markers[0]) + markers[0].length(), source.indexOf(markers[1]));
            // stripIndent counts a blank last line as unindented: strip the block's final newline first.
            String dedented = block.substring(0, block.length() - 1).stripIndent() + "\n";
            assertTrue(readme.contains(dedented), "README.md lacks:\n" + dedented);
        }
    }

    @Test
    void typedCountersMatchAJavaModelOfTheProgram() throws Exception {
        BpfObject object = ObjectRunTest.load("flow_stats.o");
        ObjectMaps maps = ObjectMaps.create(object);
        ExecutableProgram program = Interpreter.compile(object.program("flow_stats").orElseThrow(), ProgramType.XDP,
            maps.mapSet(), KernelHelpers.registry(line -> { }), ExecutionOptions.defaults());
        Map<FlowKey, Counters> model = new HashMap<>();
        Random r = new Random(5);
        int dropped = 0;
        for (int i = 0; i < 500; i++) {
            int proto = r.nextBoolean() ? 6 : 17;
            int src = 0x0a000000 | r.nextInt(8);
            int dport = r.nextInt(6) == 0 ? 53 : 80;
            byte[] p = ObjectRunTest.ipv4(proto, src, 0x0a0000ff, 2000, dport);
            long v = program.run(p);
            if (dport == 53) {
                assertEquals(1, v);
                dropped++;
                continue;
            }
            assertEquals(2, v);
            model.merge(new FlowKey(src, 0x0a0000ff, (short) 2000, (short) dport, (byte) proto), new Counters(1, p.length),
                (a, b) -> new Counters(a.packets() + b.packets(), a.bytes() + b.bytes()));
        }
        TypedMap<FlowKey, Counters> flows = maps.map("flows").typed(FlowKey.class, Counters.class);
        Map<FlowKey, Counters> ours = new HashMap<>();
        flows.forEach(ours::put);
        assertEquals(model, ours);
        TypedMap<Integer, Long> verdicts = maps.map("verdicts").typed(Integer.class, Long.class);
        assertEquals(dropped, verdicts.perCpu(1).stream().mapToLong(Long::longValue).sum());
        assertEquals(500 - dropped, verdicts.perCpu(2).stream().mapToLong(Long::longValue).sum());
        assertEquals(new Totals(1500, 500L * 54, 54, 0), maps.globals(".data").get("totals", Totals.class));
    }

    @Test
    void walksAreSafeWhileProgramsInsertFlows() throws Exception {
        BpfObject object = ObjectRunTest.load("flow_stats.o");
        ObjectMaps maps = ObjectMaps.create(object);
        ExecutableProgram program = Interpreter.compile(object.program("flow_stats").orElseThrow(), ProgramType.XDP,
            maps.mapSet(), KernelHelpers.registry(line -> { }), ExecutionOptions.defaults());
        TypedMap<FlowKey, Counters> flows = maps.map("flows").typed(FlowKey.class, Counters.class);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong runs = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread[] workers = new Thread[2];
        for (int t = 0; t < workers.length; t++) {
            int seed = t;
            workers[t] = new Thread(() -> {
                Random r = new Random(seed);
                try {
                    while (!stop.get()) {
                        program.run(ObjectRunTest.ipv4(17, r.nextInt(300), 1, 2, 80));
                        runs.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            workers[t].start();
        }
        try {
            long deadline = System.nanoTime() + 20_000_000_000L;
            for (int round = 0; (round < 300 || runs.get() < 5000) && System.nanoTime() < deadline; round++) {
                var seen = new java.util.HashSet<FlowKey>();
                for (Map.Entry<FlowKey, Counters> e : flows.entries()) {
                    assertTrue(seen.add(e.getKey()));
                    // The program's plain increments race between threads (as on the kernel's CPUs), but
                    // every word is written whole: counts stay positive multiples of the packet size.
                    assertTrue(e.getValue().packets() >= 1 && e.getValue().bytes() > 0 && e.getValue().bytes() % 54 == 0,
                        e.toString());
                }
                assertTrue(seen.size() <= 256);
                if (round % 50 == 49) {
                    // Java deletes while programs insert: still no error, no duplicate.
                    flows.entries().stream().limit(20).forEach(e -> flows.remove(e.getKey()));
                }
            }
        } finally {
            stop.set(true);
            for (Thread w : workers) {
                w.join();
            }
        }
        assertNull(failure.get());
        assertTrue(runs.get() >= 5000, "runs: " + runs.get());
        assertTrue(flows.entries().size() > 200, "flows: " + flows.entries().size());
    }
}
