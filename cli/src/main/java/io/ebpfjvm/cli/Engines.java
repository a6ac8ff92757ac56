package io.ebpfjvm.cli;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.ConformanceHelpers;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.interp.Interpreter;
import io.ebpfjvm.jit.Jit;
import io.ebpfjvm.jit.JitOptions;
import io.ebpfjvm.verifier.VerifiedProgram;

/** The one place the CLI turns a program into something that runs. */
final class Engines {
    private Engines() {
    }

    /** A raw-memory program with the bpf_conformance helpers 0-5. */
    static ExecutableProgram conformance(Program program, EngineOption engine) {
        return build(program, engine, ConformanceHelpers.registry());
    }

    /** A raw-memory program (r1 = buffer, r2 = length) with no helpers. */
    static ExecutableProgram rawMemory(Program program, EngineOption engine) {
        return build(program, engine, HelperRegistry.builder().build());
    }

    /**
     * A program of a loaded object with its live maps. With the verifier's result the JIT turns
     * proven accesses into direct array accesses; without it every access is checked.
     */
    static ExecutableProgram object(ProgramSpec spec, ProgramType type, MapSet maps, HelperRegistry helpers,
                                    EngineOption engine, VerifiedProgram verified) {
        if (engine == EngineOption.jit) {
            JitOptions options = verified == null ? jitOptions() : jitOptions().withVerified(verified);
            return Jit.compile(spec, type, maps, helpers, ExecutionOptions.defaults(), options);
        }
        return Interpreter.compile(spec, type, maps, helpers, ExecutionOptions.defaults());
    }

    private static ExecutableProgram build(Program program, EngineOption engine, HelperRegistry helpers) {
        if (engine == EngineOption.jit) {
            return Jit.compile(program, ProgramType.RAW_MEMORY, MapSet.empty(), helpers, ExecutionOptions.defaults(),
                jitOptions());
        }
        return Interpreter.compile(program, ProgramType.RAW_MEMORY, helpers, ExecutionOptions.defaults());
    }

    /** Fallback notices go to stderr as one line, like every other CLI note. */
    private static JitOptions jitOptions() {
        return JitOptions.defaults().withNotices(line -> System.err.println("ebpf: note: " + line));
    }
}
