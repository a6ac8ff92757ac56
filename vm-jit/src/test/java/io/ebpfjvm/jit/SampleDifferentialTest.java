package io.ebpfjvm.jit;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramTable;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.interp.Interpreter;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every committed clang-built sample object, every program in it, through the interpreter and
 * the JIT side by side: same maps filled the same way, same packets (well-formed IPv4/IPv6,
 * VLAN-tagged, truncated, random); return value or fault, packet bytes afterwards and every
 * map's contents must agree after each packet.
 */
public class SampleDifferentialTest {
    private static final Path SAMPLES = Path.of("../vm-core/src/test/resources/bpf");
    /** Objects the JIT hands to the interpreter (see InterpreterOnly). */
    private static final java.util.Set<String> INTERPRETED = java.util.Set.of("xdp_adjust.o", "xdp_bytes.o",
        "xdp_redirect.o", "xdp_vlan_pop.o", "xdp_perf.o", "tracing.o", "cgroup_sock.o");
    /** Objects that run on a context, not a packet, or need a user helper: covered by their own tests. */
    private static final java.util.Set<String> NOT_PACKET_PROGRAMS = java.util.Set.of("tracing.o", "cgroup_sock.o", "user_helper.o");

    @TestFactory
    Stream<DynamicTest> everySampleAgrees() throws Exception {
        List<String> names;
        try (var files = Files.list(SAMPLES)) {
            names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".o")).sorted().toList();
        }
        assertTrue(names.size() >= 8, "samples found: " + names);
        return names.stream().map(n -> DynamicTest.dynamicTest(n, () -> compare(n)));
    }

    /** One engine's view of an object: its maps and its compiled programs by name. */
    private record Loaded(MapSet maps, Map<String, ExecutableProgram> programs) {
    }

    private static Loaded load(BpfObject object, boolean jit) {
        MapSet maps = MapSet.create(object);
        ProgramTable table = new ProgramTable();
        ExecutionOptions options = ExecutionOptions.defaults().withPrograms(table);
        HelperRegistry helpers = Engines.deterministicKernelHelpers();
        Map<String, ExecutableProgram> programs = new HashMap<>();
        Map<String, Integer> ids = new HashMap<>();
        for (ProgramSpec spec : object.programs()) {
            ProgramType type = ProgramType.fromSection(spec.section()) == null ? ProgramType.RAW_MEMORY : null;
            // Programs that must stay interpreted (context-only types, packet-frame helpers) go
            // through the JIT's fallback; all others must compile (strict).
            boolean strict = !INTERPRETED.contains(object.name());
            ExecutableProgram p = jit
                ? Jit.compile(spec, type, maps, helpers, options, JitOptions.defaults().withStrict(strict).withNotices(line -> { }))
                : Interpreter.compile(spec, type, maps, helpers, options);
            programs.put(spec.name(), p);
            ids.put(spec.name(), table.add(p));
        }
        fill(object.name(), maps, ids);
        return new Loaded(maps, programs);
    }

    private static String refusal(BpfObject object, boolean jit) {
        try {
            load(object, jit);
            return null;
        } catch (io.ebpfjvm.core.error.EbpfException e) {
            return e.getMessage();
        }
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** The same map contents the kernel differential tests load. */
    private static void fill(String object, MapSet maps, Map<String, Integer> ids) {
        Random r = new Random(42);
        switch (object) {
            case "xdp_acl.o" -> {
                for (int i = 0; i < 8; i++) {
                    ByteBuffer k = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
                    k.putInt(0x0a000000 | r.nextInt(4)).putInt(0x0a000100 | r.nextInt(4))
                        .putShort((short) (1000 + r.nextInt(3))).putShort((short) 53).put((byte) (r.nextBoolean() ? 6 : 17));
                    maps.byName("rules").orElseThrow().put(k.array(), u32(r.nextInt(4)));
                }
            }
            case "lpm_blocklist.o" -> {
                int[][] prefixes = {{8, 0x0a000000, 1}, {16, 0x0a420000, 2}, {24, 0xc0a80100, 3}, {32, 0xc0a80105, 4}};
                for (int[] p : prefixes) {
                    byte[] key = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(p[0])
                        .order(ByteOrder.BIG_ENDIAN).putInt(p[1]).array();
                    maps.byName("blocklist").orElseThrow().put(key, u32(p[2]));
                }
            }
            case "tail_chain.o" -> {
                maps.byName("stages").orElseThrow().put(u32(0), u32(ids.get("stage_ipv4")));
                maps.byName("stages").orElseThrow().put(u32(1), u32(ids.get("stage_ipv6")));
            }
            default -> {
            }
        }
    }

    private static void compare(String name) throws Exception {
        BpfObject object;
        try (InputStream in = Files.newInputStream(SAMPLES.resolve(name))) {
            object = ObjectLoader.load(in.readAllBytes(), name);
        }
        if (NOT_PACKET_PROGRAMS.contains(name)) {
            return;
        }
        String refusal = refusal(object, false);
        if (refusal != null) {
            // Both engines must refuse the object the same way (all_opcodes.o names maps it does not define).
            assertEquals(refusal, refusal(object, true), name);
            System.out.println("interpreter and JIT both refuse " + name + ": " + refusal);
            return;
        }
        Loaded interp = load(object, false);
        Loaded jit = load(object, true);
        Random r = new Random(name.hashCode());
        int runs = 0;
        for (ProgramSpec spec : object.programs()) {
            for (int i = 0; i < 150; i++) {
                byte[] packet = packet(r, i);
                byte[] a = packet.clone();
                byte[] b = packet.clone();
                String expected = Engines.outcome(interp.programs().get(spec.name()), a);
                String actual = Engines.outcome(jit.programs().get(spec.name()), b);
                String where = name + " " + spec.name() + " packet " + HexFormat.of().formatHex(packet);
                assertEquals(expected, actual, where);
                assertEquals(HexFormat.of().formatHex(a), HexFormat.of().formatHex(b), where + ": packet afterwards");
                if (i % 10 == 0) {
                    assertEquals(Engines.contents(interp.maps()), Engines.contents(jit.maps()), where + ": maps");
                }
                runs++;
            }
            // The direct-buffer path too.
            byte[] packet = packet(r, 1);
            ByteBuffer da = ByteBuffer.allocateDirect(packet.length).put(packet).flip();
            ByteBuffer db = ByteBuffer.allocateDirect(packet.length).put(packet).flip();
            assertEquals(interp.programs().get(spec.name()).run(da), jit.programs().get(spec.name()).run(db));
            assertEquals(da, db);
        }
        assertEquals(Engines.contents(interp.maps()), Engines.contents(jit.maps()), name + ": maps at the end");
        System.out.println("interpreter vs JIT on " + name + ": " + runs + " runs agree");
    }

    /** Four threads share one compiled program and its maps; every verdict is the interpreter's. */
    @org.junit.jupiter.api.Test
    void threadsShareACompiledProgram() throws Exception {
        BpfObject object;
        try (InputStream in = Files.newInputStream(SAMPLES.resolve("lpm_blocklist.o"))) {
            object = ObjectLoader.load(in.readAllBytes(), "lpm_blocklist.o");
        }
        Loaded interp = load(object, false);
        Loaded jit = load(object, true);
        ExecutableProgram reference = interp.programs().get("xdp_blocklist");
        ExecutableProgram shared = jit.programs().get("xdp_blocklist");
        List<byte[]> packets = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        Random r = new Random(9);
        for (int i = 0; i < 600; i++) {
            byte[] p = packet(r, i);
            packets.add(p);
            expected.add(reference.run(p.clone()));
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int offset = t;
            results.add(pool.submit(() -> {
                int agree = 0;
                for (int round = 0; round < 20; round++) {
                    for (int i = offset; i < packets.size(); i += 4) {
                        agree += shared.run(packets.get(i).clone()) == expected.get(i) ? 1 : 0;
                    }
                }
                return agree;
            }));
        }
        int agree = 0;
        for (var f : results) {
            agree += f.get();
        }
        pool.shutdown();
        assertEquals(20 * packets.size(), agree);
        assertTrue(new java.util.HashSet<>(expected).size() > 1, "verdicts " + new java.util.HashSet<>(expected));
    }

    /** Ethernet frames of many shapes: IPv4 TCP/UDP/ICMP in 10/8, IPv6, VLAN, truncated, random. */
    public static byte[] packet(Random r, int i) {
        int kind = i % 6;
        if (kind == 5) {
            byte[] p = new byte[r.nextInt(80)];
            r.nextBytes(p);
            return p;
        }
        int proto = kind == 0 ? 1 : r.nextBoolean() ? 6 : 17;
        int[] sources = {0x0a010203, 0x0a420304, 0xc0a80107, 0xc0a80105, 0xc0a80205, 0x0a000001, 0x0a000002, r.nextInt()};
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20 + 20).order(ByteOrder.BIG_ENDIAN);
        b.position(12);
        b.putShort((short) (kind == 3 ? 0x86dd : 0x0800));
        b.put((byte) 0x45).put((byte) 0).putShort((short) 60).putInt(0).put((byte) 64).put((byte) proto).putShort((short) 0);
        b.putInt(sources[r.nextInt(sources.length)]).putInt(r.nextBoolean() ? 0x0a000100 | r.nextInt(4) : r.nextInt());
        b.putShort((short) (1000 + r.nextInt(3))).putShort((short) (r.nextBoolean() ? 53 : r.nextInt(65536)));
        while (b.hasRemaining()) {
            b.put((byte) r.nextInt(256));
        }
        byte[] p = b.array();
        if (kind == 4) {
            byte[] tagged = new byte[p.length + 4];
            System.arraycopy(p, 0, tagged, 0, 12);
            tagged[12] = (byte) 0x81;
            tagged[14] = (byte) r.nextInt(16);
            tagged[15] = (byte) r.nextInt(256);
            System.arraycopy(p, 12, tagged, 16, p.length - 12);
            p = tagged;
        }
        if (kind == 2 && r.nextBoolean()) {
            p = java.util.Arrays.copyOf(p, r.nextInt(p.length));
        }
        return p;
    }
}
