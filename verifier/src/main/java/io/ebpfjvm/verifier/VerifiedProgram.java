package io.ebpfjvm.verifier;

import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.verifier.cfg.ControlFlowGraph;

/**
 * A program the verifier accepted, with the facts engines may rely on: the region of every
 * memory access, the helper of every call, which instructions are reachable, and the CFG.
 */
public final class VerifiedProgram {
    private final Program program;
    private final ProgramType type;
    private final MemoryAccess[] accesses;
    private final int[] helperIds;
    private final boolean[] reachable;
    private final RegisterFacts registers;
    private final ControlFlowGraph cfg;
    private final int processed;
    private final String log;

    VerifiedProgram(Program program, ProgramType type, MemoryAccess[] accesses, int[] helperIds, boolean[] reachable,
                    RegisterFacts registers, ControlFlowGraph cfg, int processed, String log) {
        this.program = program;
        this.type = type;
        this.accesses = accesses;
        this.helperIds = helperIds;
        this.reachable = reachable;
        this.registers = registers;
        this.cfg = cfg;
        this.processed = processed;
        this.log = log;
    }

    public Program program() {
        return program;
    }

    public ProgramType type() {
        return type;
    }

    /** What the load, store or atomic at {@code pc} touches on every path; null for other or unreachable slots. */
    public MemoryAccess access(int pc) {
        return pc >= 0 && pc < accesses.length ? accesses[pc] : null;
    }

    /** The helper id the call at {@code pc} invokes, or -1 when {@code pc} is no reachable helper call. */
    public int helperId(int pc) {
        return pc >= 0 && pc < helperIds.length ? helperIds[pc] : -1;
    }

    /** Whether some verified path executes the slot {@code pc}. */
    public boolean reachable(int pc) {
        return pc >= 0 && pc < reachable.length && reachable[pc];
    }

    /** What every verified path proves about the registers before each instruction. */
    public RegisterFacts registers() {
        return registers;
    }

    public ControlFlowGraph cfg() {
        return cfg;
    }

    /** Instructions the verifier processed over all paths (the kernel's {@code insn_processed}). */
    public int processedInstructions() {
        return processed;
    }

    /** The verifier log at the requested level; empty at level 0. */
    public String log() {
        return log;
    }
}
