package io.ebpfjvm.jit.fuzz;

import io.ebpfjvm.core.error.VerificationException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.testing.fuzz.SafeProgramGenerator.Generated;
import io.ebpfjvm.interp.Interpreter;
import io.ebpfjvm.jit.Jit;
import io.ebpfjvm.jit.JitOptions;
import io.ebpfjvm.verifier.VerifiedProgram;
import io.ebpfjvm.verifier.Verifier;
import io.ebpfjvm.verifier.VerifierOptions;

/**
 * One generated XDP program through our verifier, then (when accepted) through the interpreter
 * and through the JIT compiled with the verifier's access facts, each with fresh maps and the
 * same packet: the path a library user takes with a verified program.
 */
final class VerifiedPipeline {
    private VerifiedPipeline() {
    }

    /** The verdict and, for an accepted program, both runs; {@code rejection} is null when accepted. */
    record Result(String rejection, EngineRun interpreter, EngineRun jit, String jitVariant) {
        boolean accepted() {
            return rejection == null;
        }
    }

    /**
     * @param methodBudget the JIT's method budget: the default keeps functions whole, a small one
     *                     cuts them into regions joined by the dispatcher
     */
    static Result run(Generated g, int methodBudget) {
        VerifiedProgram verified;
        try {
            verified = Verifier.verify(g.program(), ProgramType.XDP, MapSet.create(g.object()), VerifierOptions.defaults());
        } catch (VerificationException e) {
            return new Result(e.getMessage(), null, null, null);
        }
        MapSet interpMaps = MapSet.create(g.object());
        ExecutableProgram interp = Interpreter.compile(g.program(), ProgramType.XDP, interpMaps, helpers(),
            ExecutionOptions.defaults());
        EngineRun expected = EngineRun.of(interp, g.packet(), interpMaps);

        MapSet jitMaps = MapSet.create(g.object());
        JitOptions options = JitOptions.defaults().withStrict(true).withFacts(verified::access).withRegisters(verified.registers())
            .withMethodBudget(methodBudget);
        ExecutableProgram jit = Jit.compile(g.program(), ProgramType.XDP, jitMaps, helpers(), ExecutionOptions.defaults(), options);
        EngineRun actual = EngineRun.of(jit, g.packet(), jitMaps);
        String variant = methodBudget == JitOptions.DEFAULT_METHOD_BUDGET ? "facts" : "facts, regions of " + methodBudget;
        return new Result(null, expected, actual, variant);
    }

    /** The kernel helpers; trace output dropped. The generator's helpers are all deterministic. */
    private static HelperRegistry helpers() {
        return KernelHelpers.registry(line -> { });
    }
}
