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
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.verifier.VerifiedProgram;
import io.ebpfjvm.verifier.Verifier;
import io.ebpfjvm.verifier.VerifierOptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Atomic instructions on a map value the verifier proved become the JVM's atomic access modes
 * on the map's array, with no address-space lookup: threads racing on the same counters still
 * add up exactly.
 */
class ProvenAtomicsTest {
    private static final int THREADS = 4;
    private static final int RUNS = 20_000;
    private static final int FLOWS = 16;

    @Test
    void racingThreadsCountExactlyThroughDirectAtomics() throws Exception {
        byte[] bytes = Files.readAllBytes(Path.of("../vm-core/src/test/resources/bpf/stress_counters.o"));
        BpfObject object = ObjectLoader.load(bytes, "stress_counters.o");
        ProgramSpec spec = object.programs().get(0);
        MapSet maps = MapSet.create(object);
        HelperRegistry helpers = KernelHelpers.registry(line -> { });
        VerifiedProgram verified = Verifier.verify(spec, ProgramType.XDP, maps, VerifierOptions.defaults().withObject(object));
        JitOptions options = JitOptions.defaults().withStrict(true).withVerified(verified);
        String text = JitDump.text(Jit.generate(spec.program(), ProgramType.XDP, maps, helpers, ExecutionOptions.defaults(),
            options).bytes());
        assertTrue(text.contains("Direct.atomic"), "the proven path is what this test exercises");
        assertTrue(!text.contains("AddressSpace.atomic"), text);
        ExecutableProgram program = Jit.compile(spec, ProgramType.XDP, maps, helpers, ExecutionOptions.defaults(), options);

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < RUNS; i++) {
                        int flow = (i + thread) % FLOWS;
                        byte[] packet = new byte[20 + flow];
                        ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN).putInt(14, flow);
                        assertEquals(2, program.run(packet, 0, packet.length));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        BpfMap flowsMap = maps.byName("flows").orElseThrow();
        long expectedBytes = 0;
        for (int flow = 0; flow < FLOWS; flow++) {
            long perFlow = 0;
            for (int t = 0; t < THREADS; t++) {
                for (int i = 0; i < RUNS; i++) {
                    if ((i + t) % FLOWS == flow) {
                        perFlow++;
                        expectedBytes += 20 + flow;
                    }
                }
            }
            byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(flow).array();
            byte[] value = flowsMap.lookup(key);
            assertEquals(perFlow, ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong(), "flow " + flow);
        }
        byte[] total = maps.byName("totals").orElseThrow().lookup(new byte[4]);
        assertEquals(expectedBytes, ByteBuffer.wrap(total).order(ByteOrder.LITTLE_ENDIAN).getLong());
    }
}
