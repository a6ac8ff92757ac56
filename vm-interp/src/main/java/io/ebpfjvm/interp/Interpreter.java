package io.ebpfjvm.interp;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.loader.ProgramSpec;

/**
 * The reference interpreter: runs any structurally valid program, verified or not, with
 * every memory access checked against its region.
 *
 * <p>Behaviour the kernel leaves undefined is pinned down here (other engines must match):
 * {@code LD_ABS}/{@code LD_IND} set r1-r5 to 0 (the kernel treats them as clobbered, like a
 * helper call), and one that reads outside the packet ends the whole run with r0 = 0, even
 * from a subprogram or a {@code bpf_loop} callback, as a helper's
 * {@link io.ebpfjvm.core.helper.HelperContext#stopAfterReturn()} does.
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
        return new InterpretedProgram(program, type, MapSet.empty(), helpers, options);
    }

    /**
     * A program of a loaded object, with that object's live maps. {@code type} null means the
     * type its ELF section names.
     */
    public static ExecutableProgram compile(ProgramSpec spec, ProgramType type, MapSet maps, HelperRegistry helpers,
                                            ExecutionOptions options) {
        ProgramType t = type != null ? type : ProgramType.fromSection(spec.section());
        if (t == null) {
            throw new io.ebpfjvm.core.error.EbpfException("program " + spec.name() + ": section '" + spec.section()
                + "' names no program type we run; choose one (xdp, socket, tc, raw)");
        }
        return new InterpretedProgram(spec.program(), t, maps, helpers, options);
    }

    /** A raw-memory program with no helpers and default limits. */
    public static ExecutableProgram compile(Program program) {
        return compile(program, ProgramType.RAW_MEMORY, HelperRegistry.empty(), ExecutionOptions.defaults());
    }
}
