package io.ebpfjvm.jit.fuzz;

import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.testing.KernelBpf;
import io.ebpfjvm.core.testing.fuzz.Mutations;
import io.ebpfjvm.core.testing.fuzz.SafeProgramGenerator;
import io.ebpfjvm.core.testing.fuzz.SafeProgramGenerator.Generated;
import io.ebpfjvm.jit.JitOptions;
import io.ebpfjvm.verifier.Verifier;
import io.ebpfjvm.verifier.VerifierOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Linux kernel, our verifier, the interpreter and the JIT (with the verifier's facts) on the
 * same generated programs: same verdict, and for accepted programs the same r0, packet and maps
 * after one run. Each program's mutant with its packet check flipped must be rejected by both
 * verifiers. Needs the kernel oracle (root, x86-64 Linux, python3); skips otherwise.
 */
class KernelTripleCheckTest {
    private static final int PROGRAMS = Integer.getInteger("ebpf.fuzz.triple.programs", 300);
    private static final long FIRST_SEED = 7_000_000L;
    private static final int XDP = 6;

    @Test
    void kernelOurVerifierInterpreterAndJitAgree() throws Exception {
        String why = KernelBpf.unavailable();
        assumeTrue(why == null, "kernel oracle: " + why);
        List<Generated> programs = new ArrayList<>();
        List<KernelBpf.Request> requests = new ArrayList<>();
        for (long seed = FIRST_SEED; seed < FIRST_SEED + PROGRAMS; seed++) {
            Generated g = SafeProgramGenerator.generateForKernel(seed, 40);
            programs.add(g);
            requests.add(new KernelBpf.Request(XDP, g.program().slots(), g.object().maps(), g.packet()));
            requests.add(new KernelBpf.Request(XDP, Mutations.flipPacketCheck(g.program().slots()), g.object().maps(), null));
        }
        List<KernelBpf.Verdict> verdicts = KernelBpf.run(requests);
        for (int i = 0; i < programs.size(); i++) {
            Generated g = programs.get(i);
            String where = "seed " + g.seed();
            KernelBpf.Verdict kernel = verdicts.get(2 * i);
            assertTrue(kernel.accepted(), where + ": the kernel rejected a generated program: " + kernel.lastLogLine());
            VerifiedPipeline.Result ours = VerifiedPipeline.run(g, JitOptions.DEFAULT_METHOD_BUDGET);
            assertTrue(ours.accepted(), where + ": the kernel accepts, our verifier rejects: " + ours.rejection());
            assertFalse(ours.interpreter().faulted(), where + ": " + ours.interpreter());
            assertEquals(ours.interpreter(), ours.jit(), where + ": interpreter and JIT");
            assertEquals("r0=" + kernel.retval(), ours.interpreter().outcome(), where + ": return value");
            assertEquals(HexFormat.of().formatHex(kernel.packet()), ours.interpreter().packet(), where + ": packet");
            assertEquals(kernelMaps(g, kernel), ours.interpreter().maps(), where + ": maps");

            KernelBpf.Verdict mutant = verdicts.get(2 * i + 1);
            List<Instruction> slots = Mutations.flipPacketCheck(g.program().slots());
            assertFalse(mutant.accepted(), where + ": the kernel accepted the mutant");
            String message = assertThrows(io.ebpfjvm.core.error.VerificationException.class, () -> Verifier.verify(
                Program.unchecked(slots), ProgramType.XDP, VerifierOptions.defaults().withMaps(MapSet.create(g.object())))).getMessage();
            assertTrue(message.endsWith(mutant.lastLogLine().strip()), where + ": kernel '" + mutant.lastLogLine() + "', ours '" + message + "'");
        }
        System.out.println("KernelTripleCheckTest: " + PROGRAMS + " programs accepted by the kernel and by our verifier with the "
            + "same results in the kernel, the interpreter and the JIT; their " + PROGRAMS + " mutants rejected by both, same message");
    }

    /** The kernel's map dump in {@link EngineRun#contents}'s form. */
    private static String kernelMaps(Generated g, KernelBpf.Verdict kernel) {
        MapSet names = MapSet.create(g.object());
        StringBuilder b = new StringBuilder();
        for (int m = 0; m < names.size(); m++) {
            BpfMap map = names.get(m);
            TreeMap<String, String> entries = new TreeMap<>();
            for (String e : kernel.maps().get(m)) {
                int colon = e.indexOf(':');
                entries.put(e.substring(0, colon), e.substring(colon + 1));
            }
            b.append(map.name()).append(entries).append('\n');
        }
        return b.toString();
    }
}
