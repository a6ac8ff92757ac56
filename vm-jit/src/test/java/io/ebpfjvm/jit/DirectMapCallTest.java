package io.ebpfjvm.jit;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.interp.Interpreter;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Map helpers called with a map the block loads and a key on the stack become direct calls on
 * the map; the results are the helper's, and a user's replacement of a map helper is honoured.
 */
class DirectMapCallTest {
    private static final Path SAMPLES = Path.of("../vm-core/src/test/resources/bpf");

    private static BpfObject object(String name) throws Exception {
        return ObjectLoader.load(Files.readAllBytes(SAMPLES.resolve(name)), name);
    }

    private static String bytecode(ProgramSpec spec, MapSet maps, HelperRegistry helpers) {
        return JitDump.text(Jit.generate(spec.program(), ProgramType.XDP, maps, helpers,
            ExecutionOptions.defaults(), JitOptions.defaults()).bytes());
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    @Test
    void flowStatsLooksUpAndUpdatesItsMapsDirectly() throws Exception {
        BpfObject o = object("flow_stats.o");
        ProgramSpec spec = o.programs().get(0);
        String text = bytecode(spec, MapSet.create(o), KernelHelpers.registry(line -> { }));
        assertTrue(count(text, "BpfMap.lookupSlot") >= 1, text);
        assertTrue(count(text, "BpfMap.update") >= 1, text);
    }

    @Test
    void directCallsGiveTheInterpretersResultsAndMaps() throws Exception {
        BpfObject o = object("flow_stats.o");
        ProgramSpec spec = o.programs().get(0);
        MapSet interpMaps = MapSet.create(o);
        MapSet jitMaps = MapSet.create(o);
        HelperRegistry helpers = Engines.deterministicKernelHelpers();
        ExecutableProgram interp = Interpreter.compile(spec, ProgramType.XDP, interpMaps, helpers, ExecutionOptions.defaults());
        ExecutableProgram jit = Jit.compile(spec, ProgramType.XDP, jitMaps, helpers, ExecutionOptions.defaults(),
            JitOptions.defaults().withStrict(true));
        assertTrue(count(bytecode(spec, jitMaps, helpers), "BpfMap.") >= 2, "the direct path is what this test exercises");
        Random r = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            byte[] packet = SampleDifferentialTest.packet(r, i);
            byte[] copy = packet.clone();
            assertEquals(Engines.outcome(interp, packet), Engines.outcome(jit, copy), "packet " + i);
            assertEquals(HexFormat.of().formatHex(packet), HexFormat.of().formatHex(copy), "packet " + i);
        }
        String contents = Engines.contents(jitMaps);
        assertEquals(Engines.contents(interpMaps), contents);
        assertTrue(contents.length() > 100, "the flows map filled up: " + contents);
    }

    @Test
    void aReplacedMapHelperIsCalledNotBypassed() throws Exception {
        BpfObject o = object("flow_stats.o");
        ProgramSpec spec = o.programs().get(0);
        MapSet maps = MapSet.create(o);
        AtomicInteger lookups = new AtomicInteger();
        HelperRegistry helpers = HelperRegistry.builder()
            .registerAll(KernelHelpers.registry(line -> { }))
            .register(KernelHelpers.MAP_LOOKUP_ELEM, "map_lookup_elem", (c, a, b, d, e, f) -> {
                lookups.incrementAndGet();
                return KernelHelpers.MAP_LOOKUP.call(c, a, b, d, e, f);
            })
            .build();
        assertFalse(bytecode(spec, maps, helpers).contains("BpfMap.lookupSlot"));
        ExecutableProgram jit = Jit.compile(spec, ProgramType.XDP, maps, helpers, ExecutionOptions.defaults(),
            JitOptions.defaults().withStrict(true));
        Random r = new Random(7);
        for (int i = 0; i < 100; i++) {
            jit.run(SampleDifferentialTest.packet(r, i));
        }
        assertTrue(lookups.get() > 0, "the user's lookup ran");
    }
}
