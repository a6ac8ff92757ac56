package io.ebpfjvm.jit;

import io.ebpfjvm.core.isa.Instruction;

import java.util.Arrays;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * What straight-line code inside one basic block proves about registers, with no help from a
 * verifier: a register holds a map handle because an {@code lddw} with a map-fd source put it
 * there, or holds {@code r10 + k} because it was copied from r10 and moved by constants. This
 * is what clang emits before a map helper ({@code r1 = map ll; r2 = r10; r2 += -8; call 1}), and
 * what lets the JIT call the map directly with the key's stack index. Anything else that writes
 * a register makes it unknown; every block starts with nothing known.
 */
final class BlockValues {
    private static final int UNKNOWN = 0;
    private static final int MAP = 1;
    private static final int FRAME_POINTER = 2;

    private final int[] kind = new int[REGISTER_COUNT];
    private final long[] value = new long[REGISTER_COUNT];

    void reset() {
        Arrays.fill(kind, UNKNOWN);
        kind[R10] = FRAME_POINTER;
        value[R10] = 0;
    }

    /** The map index register {@code r} holds, or -1. */
    int mapIndex(int r) {
        return kind[r] == MAP ? (int) value[r] : -1;
    }

    /** Whether register {@code r} is {@code r10 + stackOffset(r)} of the current frame. */
    boolean onStack(int r) {
        return kind[r] == FRAME_POINTER;
    }

    long stackOffset(int r) {
        return value[r];
    }

    /** Accounts for the instruction at {@code pc} having executed. */
    void after(Instruction insn) {
        int cls = insn.cls();
        int dst = insn.dst();
        if (insn.isLddw()) {
            set(dst, insn.src() == BPF_PSEUDO_MAP_FD ? MAP : UNKNOWN, insn.imm());
            return;
        }
        if (cls == BPF_ALU64 && insn.op() == BPF_MOV && insn.offset() == 0) {
            if (source(insn.opcode()) == BPF_X) {
                set(dst, kind[insn.src()], value[insn.src()]);
            } else {
                set(dst, UNKNOWN, 0);
            }
            return;
        }
        if (cls == BPF_ALU64 && source(insn.opcode()) == BPF_K && kind[dst] == FRAME_POINTER
            && (insn.op() == BPF_ADD || insn.op() == BPF_SUB)) {
            value[dst] += insn.op() == BPF_ADD ? insn.imm() : -(long) insn.imm();
            return;
        }
        switch (cls) {
            case BPF_ALU, BPF_ALU64, BPF_LDX -> set(dst, UNKNOWN, 0);
            case BPF_LD -> clobberCallerSaved(); // LD_ABS / LD_IND write r0 and clobber r1-r5
            case BPF_STX -> {
                if (mode(insn.opcode()) == BPF_ATOMIC) {
                    set(insn.src(), UNKNOWN, 0); // fetch forms write src, cmpxchg writes r0
                    set(0, UNKNOWN, 0);
                }
            }
            case BPF_JMP, BPF_JMP32 -> {
                if (insn.op() == BPF_CALL) {
                    clobberCallerSaved();
                }
            }
            default -> {
            }
        }
    }

    private void clobberCallerSaved() {
        for (int r = 0; r <= 5; r++) {
            set(r, UNKNOWN, 0);
        }
    }

    private void set(int r, int k, long v) {
        if (r == R10) {
            return;
        }
        kind[r] = k;
        value[r] = v;
    }
}
