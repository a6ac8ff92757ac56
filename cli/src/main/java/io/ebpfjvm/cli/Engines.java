package io.ebpfjvm.cli;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.ConformanceHelpers;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.interp.Interpreter;

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

    private static ExecutableProgram build(Program program, EngineOption engine, HelperRegistry helpers) {
        if (engine == EngineOption.jit) {
            throw new EbpfException("--engine jit: the JIT is not available in this version yet; use --engine interp");
        }
        return Interpreter.compile(program, ProgramType.RAW_MEMORY, helpers, ExecutionOptions.defaults());
    }
}
