package io.ebpfjvm.jit;

import io.ebpfjvm.core.error.EbpfException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library entry point: load an object, pick an engine, fill maps, run; both engines agree. */
class EbpfFacadeTest {
    private static final Path TAIL_CHAIN = Path.of("../vm-core/src/test/resources/bpf/tail_chain.o");

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static Ebpf.Loaded load(Ebpf.Engine engine) {
        Ebpf.Loaded o = Ebpf.loader().engine(engine).load(TAIL_CHAIN);
        o.map("stages").put(u32(0), u32(o.programId("stage_ipv4")));
        o.map("stages").put(u32(1), u32(o.programId("stage_ipv6")));
        return o;
    }

    @Test
    void tailCallChainRunsTheSameInBothEngines() {
        Ebpf.Loaded jit = load(Ebpf.Engine.JIT);
        Ebpf.Loaded interp = load(Ebpf.Engine.INTERPRETER);
        assertTrue(jit.program("dispatch") instanceof JitProgram);
        Random r = new Random(5);
        int[] verdicts = new int[8];
        for (int i = 0; i < 200; i++) {
            byte[] packet = SampleDifferentialTest.packet(r, i);
            long v = interp.program("dispatch").run(packet.clone());
            assertEquals(v, jit.program("dispatch").run(packet.clone()));
            verdicts[(int) v & 7]++;
        }
        assertTrue(verdicts[1] > 0 && verdicts[2] > 0, java.util.Arrays.toString(verdicts));
    }

    @Test
    void unknownNamesAreOneLineErrors() {
        Ebpf.Loaded jit = Ebpf.loader().load(TAIL_CHAIN);
        EbpfException e = assertThrows(EbpfException.class, () -> jit.program("nope"));
        assertTrue(e.getMessage().equals("tail_chain.o: no program 'nope'; programs: stage_ipv4, stage_ipv6, dispatch"), e.getMessage());
        assertThrows(EbpfException.class, () -> jit.map("nope"));
    }
}
