package io.ebpfjvm.core.isa;

import io.ebpfjvm.core.error.InvalidProgramException;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Structural checks every program must pass before anyone runs or verifies it: each opcode is
 * defined with legal fields (reserved fields zero, as the kernel demands), registers exist,
 * {@code r10} is never written, wide loads are complete and jumps land on instruction starts.
 * Semantic checks (types, bounds, termination) are the verifier's job.
 */
final class ProgramValidator {
    private ProgramValidator() {
    }

    static void validate(Instruction[] slots) {
        if (slots.length == 0) {
            throw new InvalidProgramException(-1, "empty program: expected at least one instruction");
        }
        if (slots.length > Program.MAX_INSNS) {
            throw new InvalidProgramException(-1, "program too large: " + slots.length + " instructions, the limit is "
                + Program.MAX_INSNS + " (the kernel's, for a privileged loader)");
        }
        boolean[] secondHalf = new boolean[slots.length];
        for (int pc = 0; pc < slots.length; pc++) {
            Instruction insn = slots[pc];
            if (insn.isLddw()) {
                checkLddw(slots, pc);
                secondHalf[pc + 1] = true;
                pc++;
                continue;
            }
            String problem = checkFields(insn);
            if (problem != null) {
                throw new InvalidProgramException(pc, problem);
            }
        }
        for (int pc = 0; pc < slots.length; pc++) {
            Instruction insn = slots[pc];
            int target;
            String what;
            if (insn.isJump()) {
                target = insn.jumpTarget(pc);
                what = "jump";
            } else if (insn.isLocalCall()) {
                target = insn.callTarget(pc);
                what = "call";
            } else if (insn.isLddw() && insn.src() == BPF_PSEUDO_FUNC) {
                target = insn.callTarget(pc);
                what = "function reference";
            } else {
                if (insn.isLddw()) {
                    pc++;
                }
                continue;
            }
            if (target < 0 || target >= slots.length) {
                throw new InvalidProgramException(pc, what + " out of range: target " + target
                    + ", expected 0.." + (slots.length - 1));
            }
            if (secondHalf[target]) {
                throw new InvalidProgramException(pc, what + " into the middle of lddw at insn " + (target - 1));
            }
            if (insn.isLddw()) {
                pc++;
            }
        }
    }

    private static void checkLddw(Instruction[] slots, int pc) {
        Instruction insn = slots[pc];
        if (pc + 1 >= slots.length) {
            throw new InvalidProgramException(pc, "incomplete lddw: expected a second slot");
        }
        Instruction next = slots[pc + 1];
        if (next.opcode() != 0 || next.dst() != 0 || next.src() != 0 || next.offset() != 0) {
            throw new InvalidProgramException(pc + 1,
                "incomplete lddw: expected second slot with opcode 0x00 and zero registers and offset");
        }
        if (insn.src() > BPF_PSEUDO_MAP_IDX_VALUE) {
            throw new InvalidProgramException(pc, "lddw with unknown pseudo source " + insn.src());
        }
        if (insn.offset() != 0) {
            throw new InvalidProgramException(pc, "lddw uses reserved fields: expected offset 0");
        }
        checkDst(pc, insn);
    }

    private static void checkDst(int pc, Instruction insn) {
        if (insn.dst() > 10) {
            throw new InvalidProgramException(pc, "invalid register r" + insn.dst() + ": expected r0..r10");
        }
        if (insn.dst() == R10) {
            throw new InvalidProgramException(pc, "write to frame pointer r10: r10 is read-only");
        }
    }

    /** Returns a description of what is wrong with a one-slot instruction, or null. */
    static String checkFields(Instruction insn) {
        int opcode = insn.opcode();
        if (insn.dst() > 10) {
            return "invalid register r" + insn.dst() + ": expected r0..r10";
        }
        return switch (cls(opcode)) {
            case BPF_ALU, BPF_ALU64 -> checkAlu(insn);
            case BPF_JMP, BPF_JMP32 -> checkJmp(insn);
            case BPF_LD -> checkLd(insn);
            case BPF_LDX -> checkLdx(insn);
            case BPF_ST -> checkSt(insn);
            default -> checkStx(insn);
        };
    }

    private static String unknown(int opcode) {
        return String.format("unknown opcode 0x%02x", opcode);
    }

    private static String checkSrcReg(Instruction insn) {
        return insn.src() > 10 ? "invalid register r" + insn.src() + ": expected r0..r10" : null;
    }

    private static String checkAlu(Instruction insn) {
        int opcode = insn.opcode();
        boolean alu64 = cls(opcode) == BPF_ALU64;
        boolean reg = source(opcode) == BPF_X;
        int op = op(opcode);
        if (op > BPF_END) {
            return unknown(opcode);
        }
        if (insn.dst() == R10) {
            return "write to frame pointer r10: r10 is read-only";
        }
        switch (op) {
            case BPF_END -> {
                if (alu64 && reg) {
                    return unknown(opcode);
                }
                if (insn.imm() != 16 && insn.imm() != 32 && insn.imm() != 64) {
                    return "byte swap width " + insn.imm() + ": expected 16, 32 or 64";
                }
                return insn.src() != 0 || insn.offset() != 0 ? "byte swap uses reserved fields" : null;
            }
            case BPF_NEG -> {
                if (reg) {
                    return unknown(opcode);
                }
                return insn.src() != 0 || insn.offset() != 0 || insn.imm() != 0 ? "neg uses reserved fields" : null;
            }
            case BPF_DIV, BPF_MOD -> {
                if (insn.offset() != 0 && insn.offset() != 1) {
                    return "division offset " + insn.offset() + ": expected 0 (unsigned) or 1 (signed)";
                }
            }
            case BPF_MOV -> {
                int off = insn.offset();
                if (off != 0) {
                    boolean ok = reg && (off == 8 || off == 16 || (alu64 && off == 32));
                    if (!ok) {
                        return "mov offset " + off + ": expected 0, or 8/16" + (alu64 ? "/32" : "")
                            + " for a sign-extending register move";
                    }
                }
            }
            default -> {
                if (insn.offset() != 0) {
                    return "alu uses reserved fields: expected offset 0";
                }
            }
        }
        if (reg) {
            String bad = checkSrcReg(insn);
            if (bad != null) {
                return bad;
            }
            return insn.imm() != 0 ? "alu uses reserved fields: expected imm 0 with a register source" : null;
        }
        return insn.src() != 0 ? "alu uses reserved fields: expected src r0 with an immediate source" : null;
    }

    private static String checkJmp(Instruction insn) {
        int opcode = insn.opcode();
        boolean jmp32 = cls(opcode) == BPF_JMP32;
        boolean reg = source(opcode) == BPF_X;
        int op = op(opcode);
        switch (op) {
            case BPF_JA -> {
                if (reg) {
                    return unknown(opcode);
                }
                if (insn.dst() != 0 || insn.src() != 0) {
                    return "ja uses reserved fields";
                }
                if (jmp32 ? insn.offset() != 0 : insn.imm() != 0) {
                    return jmp32 ? "gotol uses reserved fields: expected offset 0" : "ja uses reserved fields: expected imm 0";
                }
                return null;
            }
            case BPF_CALL -> {
                if (jmp32) {
                    return unknown(opcode);
                }
                if (reg) {
                    return insn.src() != 0 || insn.offset() != 0 || insn.imm() != 0
                        ? "callx uses reserved fields: expected the target in dst only" : null;
                }
                if (insn.src() > BPF_PSEUDO_KFUNC_CALL) {
                    return "call with unknown source " + insn.src() + ": expected 0 (helper), 1 (local) or 2 (kfunc)";
                }
                if (insn.dst() != 0 || (insn.offset() != 0 && insn.src() != BPF_PSEUDO_KFUNC_CALL)) {
                    return "call uses reserved fields";
                }
                return null;
            }
            case BPF_EXIT -> {
                if (jmp32 || reg) {
                    return unknown(opcode);
                }
                return insn.dst() != 0 || insn.src() != 0 || insn.offset() != 0 || insn.imm() != 0
                    ? "exit uses reserved fields" : null;
            }
            case 0xe0, 0xf0 -> {
                return unknown(opcode);
            }
            default -> {
                if (reg) {
                    String bad = checkSrcReg(insn);
                    if (bad != null) {
                        return bad;
                    }
                    return insn.imm() != 0 ? "jump uses reserved fields: expected imm 0 with a register source" : null;
                }
                return insn.src() != 0 ? "jump uses reserved fields: expected src r0 with an immediate source" : null;
            }
        }
    }

    private static String checkLd(Instruction insn) {
        int opcode = insn.opcode();
        int mode = mode(opcode);
        if ((mode != BPF_ABS && mode != BPF_IND) || size(opcode) == BPF_DW) {
            return opcode == 0 ? "unknown opcode 0x00 (a lone second half of lddw?)" : unknown(opcode);
        }
        if (insn.dst() != 0 || insn.offset() != 0) {
            return "ld_abs/ld_ind uses reserved fields: expected dst r0 and offset 0";
        }
        if (mode == BPF_ABS) {
            return insn.src() != 0 ? "ld_abs uses reserved fields: expected src r0" : null;
        }
        return checkSrcReg(insn);
    }

    private static String checkLdx(Instruction insn) {
        int opcode = insn.opcode();
        int mode = mode(opcode);
        if (!(mode == BPF_MEM || (mode == BPF_MEMSX && size(opcode) != BPF_DW))) {
            return unknown(opcode);
        }
        if (insn.dst() == R10) {
            return "write to frame pointer r10: r10 is read-only";
        }
        String bad = checkSrcReg(insn);
        if (bad != null) {
            return bad;
        }
        return insn.imm() != 0 ? "ldx uses reserved fields: expected imm 0" : null;
    }

    private static String checkSt(Instruction insn) {
        if (mode(insn.opcode()) != BPF_MEM) {
            return unknown(insn.opcode());
        }
        return insn.src() != 0 ? "st uses reserved fields: expected src r0" : null;
    }

    private static String checkStx(Instruction insn) {
        int opcode = insn.opcode();
        int mode = mode(opcode);
        if (mode == BPF_MEM) {
            String bad = checkSrcReg(insn);
            if (bad != null) {
                return bad;
            }
            return insn.imm() != 0 ? "stx uses reserved fields: expected imm 0" : null;
        }
        if (mode != BPF_ATOMIC || (size(opcode) != BPF_W && size(opcode) != BPF_DW)) {
            return unknown(opcode);
        }
        String bad = checkSrcReg(insn);
        if (bad != null) {
            return bad;
        }
        int aop = insn.imm();
        boolean known = switch (aop) {
            case BPF_ADD, BPF_OR, BPF_AND, BPF_XOR,
                 BPF_ADD | BPF_FETCH, BPF_OR | BPF_FETCH, BPF_AND | BPF_FETCH, BPF_XOR | BPF_FETCH,
                 BPF_XCHG, BPF_CMPXCHG -> true;
            default -> false;
        };
        return known ? null : String.format("unknown atomic operation 0x%x", aop);
    }
}
