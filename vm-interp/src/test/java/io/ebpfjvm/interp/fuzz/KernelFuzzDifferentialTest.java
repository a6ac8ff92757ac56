package io.ebpfjvm.interp.fuzz;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.testing.KernelBpf;
import io.ebpfjvm.core.testing.fuzz.SafeProgramGenerator;
import io.ebpfjvm.core.testing.fuzz.SafeProgramGenerator.Generated;
import io.ebpfjvm.interp.Interpreter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Generated programs through the Linux kernel and the interpreter: the kernel's verifier must
 * accept every one (the generator's safety claim, judged by the real verifier), and one run on
 * the same packet must give the same return value, packet bytes and map contents.
 */
class KernelFuzzDifferentialTest {
    private static final int PROGRAMS = Integer.getInteger("ebpf.fuzz.kernel.programs", 400);
    private static final int XDP = 6;

    @Test
    void kernelAcceptsAndAgreesOnGeneratedPrograms() throws Exception {
        String why = KernelBpf.unavailable();
        assumeTrue(why == null, "kernel oracle: " + why);
        List<Generated> programs = new ArrayList<>();
        List<KernelBpf.Request> requests = new ArrayList<>();
        for (long seed = 1; seed <= PROGRAMS; seed++) {
            Generated g = SafeProgramGenerator.generateForKernel(seed, 30);
            programs.add(g);
            requests.add(new KernelBpf.Request(XDP, g.program().slots(), g.object().maps(), g.packet()));
        }
        List<KernelBpf.Verdict> verdicts = KernelBpf.run(requests);
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < programs.size(); i++) {
            Generated g = programs.get(i);
            KernelBpf.Verdict k = verdicts.get(i);
            String where = "seed " + g.seed();
            assertTrue(k.accepted(), where + ": the kernel rejected a generated program: " + k.lastLogLine());
            MapSet maps = MapSet.create(g.object());
            ExecutableProgram p = Interpreter.compile(g.program(), ProgramType.XDP, maps, KernelHelpers.registry(s -> { }),
                ExecutionOptions.defaults());
            byte[] packet = g.packet().clone();
            long r0 = p.run(packet, 0, packet.length);
            assertEquals(k.retval(), r0, where + ": return value");
            assertEquals(hex.formatHex(k.packet()), hex.formatHex(packet), where + ": packet after the run");
            for (int m = 0; m < maps.size(); m++) {
                BpfMap map = maps.get(m);
                List<String> ours = new ArrayList<>();
                map.forEach((key, value) -> ours.add(hex.formatHex(key) + ":" + hex.formatHex(value)));
                List<String> theirs = new ArrayList<>(k.maps().get(m));
                ours.sort(null);
                theirs.sort(null);
                assertEquals(theirs, ours, where + ": map " + map.name());
            }
        }
        System.out.println("KernelFuzzDifferentialTest: " + programs.size() + " generated programs accepted by the kernel, same results");
    }
}
