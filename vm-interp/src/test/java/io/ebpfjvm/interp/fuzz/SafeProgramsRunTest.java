package io.ebpfjvm.interp.fuzz;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.testing.fuzz.SafeProgramGenerator;
import io.ebpfjvm.core.testing.fuzz.SafeProgramGenerator.Generated;
import io.ebpfjvm.interp.Interpreter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fuzzing generator's promise, checked by the reference interpreter: its programs never
 * fault (every access in bounds, every register written first, every loop ends) and are
 * deterministic, and they cover what they claim (calls, loops, maps, atomics).
 */
class SafeProgramsRunTest {
    private static final int PROGRAMS = Integer.getInteger("ebpf.fuzz.programs", 3000);

    @Test
    void generatedProgramsRunCleanlyAndDeterministically() {
        int[] opcodeSeen = new int[256];
        long instructions = 0;
        for (long seed = 1; seed <= PROGRAMS; seed++) {
            Generated g = SafeProgramGenerator.generate(seed, 40);
            g.program().slots().forEach(i -> opcodeSeen[i.opcode()]++);
            instructions += g.program().slots().size();
            Outcome first = run(g);
            Outcome second = run(g);
            assertEquals(first.r0, second.r0, "seed " + seed + ": r0 differs between runs");
            assertArrayEquals(first.packet, second.packet, "seed " + seed + ": packet differs between runs");
            assertEquals(first.maps, second.maps, "seed " + seed + ": maps differ between runs");
            assertTrue(first.r0 >= 0 && first.r0 <= 3, "seed " + seed + ": r0 " + first.r0);
        }
        // Coverage of the forms the generator promises.
        int[] required = {0x85 /* call */, 0x18 /* lddw */, 0xdb /* atomic dw */, 0xc3 /* atomic w */, 0xa5 /* jlt (loops) */,
            0x3f /* div64 reg */, 0xbf /* mov64 reg / movsx */, 0xd7 /* bswap */, 0x91 /* ldxsb */, 0x7a /* st dw */};
        for (int op : required) {
            assertTrue(opcodeSeen[op] > 0, "opcode 0x" + Integer.toHexString(op) + " never generated");
        }
        System.out.println("SafeProgramsRunTest: " + PROGRAMS + " programs, " + instructions + " instructions, all ran cleanly");
    }

    private record Outcome(long r0, byte[] packet, List<String> maps) {
    }

    private static Outcome run(Generated g) {
        MapSet maps = MapSet.create(g.object());
        ExecutableProgram p = Interpreter.compile(g.program(), ProgramType.XDP, maps, KernelHelpers.registry(s -> { }),
            ExecutionOptions.defaults().withStepLimit(1_000_000));
        byte[] packet = g.packet().clone();
        long r0;
        try {
            r0 = p.run(packet, 0, packet.length);
        } catch (RuntimeException e) {
            fail("seed " + g.seed() + ": " + e.getMessage());
            return null;
        }
        List<String> contents = new ArrayList<>();
        for (BpfMap m : maps.all()) {
            m.forEach((k, v) -> contents.add(m.name() + ":" + Arrays.toString(k) + "=" + Arrays.toString(v)));
        }
        contents.sort(null);
        return new Outcome(r0, packet, contents);
    }
}
