package io.ebpfjvm.jit;

import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Opcodes;
import io.ebpfjvm.core.isa.Program;

import java.util.Set;

/**
 * What compiled code does not provide yet, so such programs run in the interpreter (with the
 * usual one-line notice): the program types whose context is the whole input (kprobe,
 * tracepoint, cgroup/sock), and helpers that need the interpreter's packet frame (XDP head,
 * tail and metadata moves, XDP byte copies, redirect targets, perf records with packet bytes).
 */
final class InterpreterOnly {
    private static final Set<ProgramType> COMPILED_TYPES = Set.of(ProgramType.RAW_MEMORY, ProgramType.XDP,
        ProgramType.SOCKET_FILTER, ProgramType.SCHED_CLS, ProgramType.CGROUP_SKB);
    private static final Set<Integer> FRAME_HELPERS = Set.of(KernelHelpers.XDP_ADJUST_HEAD, KernelHelpers.XDP_ADJUST_META,
        KernelHelpers.XDP_ADJUST_TAIL, KernelHelpers.XDP_GET_BUFF_LEN, KernelHelpers.XDP_LOAD_BYTES,
        KernelHelpers.XDP_STORE_BYTES, KernelHelpers.REDIRECT_MAP, KernelHelpers.REDIRECT, 25 /* perf_event_output */);

    private InterpreterOnly() {
    }

    /** Throws {@link JitUnsupportedException} naming the reason when the program must stay interpreted. */
    static void check(Program program, ProgramType type) {
        if (!COMPILED_TYPES.contains(type)) {
            throw new JitUnsupportedException("program type " + type + " is interpreted");
        }
        for (int pc = 0; pc < program.size(); pc++) {
            Instruction i = program.get(pc);
            if (i.opcode() == (Opcodes.BPF_JMP | Opcodes.BPF_CALL) && i.src() == Opcodes.BPF_CALL_HELPER
                && FRAME_HELPERS.contains(i.imm())) {
                throw new JitUnsupportedException("insn " + pc + " calls helper #" + i.imm()
                    + ", which needs the interpreter's packet frame");
            }
        }
    }
}
