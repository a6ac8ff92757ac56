package io.ebpfjvm.interp;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.isa.Program;

/**
 * The reference interpreter: runs any structurally valid program, verified or not, with
 * every memory access checked against its region.
 *
 * <pre>{@code
 * ExecutableProgram p = Interpreter.compile(program, ProgramType.RAW_MEMORY,
 *     HelperRegistry.empty(), ExecutionOptions.defaults());
 * long r0 = p.run(packet, 0, packet.length);
 * }</pre>
 */
public final class Interpreter {
    private Interpreter() {
    }

    public static ExecutableProgram compile(Program program, ProgramType type, HelperRegistry helpers,
                                            ExecutionOptions options) {
        return new InterpretedProgram(program, type, helpers, options);
    }

    /** A raw-memory program with no helpers and default limits. */
    public static ExecutableProgram compile(Program program) {
        return compile(program, ProgramType.RAW_MEMORY, HelperRegistry.empty(), ExecutionOptions.defaults());
    }
}
