package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;

import java.util.List;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Instructions to LLVM-syntax text in {@code llvm-objdump -d}'s layout: slot index, the bytes,
 * the instruction, tab-separated. For code clang emits, the instruction text is the one
 * {@code llvm-objdump-19 -d} prints (its {@code <...>} target annotations aside). Where that
 * text would lose a field, this prints an extension that {@link Assembler} reads back, so
 * {@code Assembler.assemble(disassemble(p))} rebuilds every valid program byte for byte:
 *
 * <ul>
 *   <li>local (bpf-to-bpf) call: {@code call pc+0x2} (llvm-objdump prints {@code call 0x2}, the
 *       same as helper 2);</li>
 *   <li>kfunc call: {@code call kfunc 0x4d} (with {@code , 0x1} when the offset names a module);</li>
 *   <li>wide load with a pseudo source: LLVM's own {@code ld_pseudo r1, SRC, IMM}, followed by
 *       {@code , HIGH} when the second slot's immediate is not zero;</li>
 *   <li>{@code LD_IND} with an immediate: {@code r0 = *(u16 *)skb[r3 + 0x4]};</li>
 *   <li>a slot that is no valid instruction (or whose text would not read back to the same
 *       bytes, such as one with reserved fields set): {@code .8byte 0x...}, the slot's 64-bit
 *       little-endian word, where llvm-objdump prints {@code <unknown>};</li>
 *   <li>32-bit atomics other than add in the {@code -mcpu=v3} spelling ({@code w2 = atomic_fetch_add((u32 *)(r1 + 0x4), w2)}),
 *       which llvm-objdump prints only when told the CPU version.</li>
 * </ul>
 */
public final class Disassembler {
    private Disassembler() {
    }

    public static String disassemble(Program program) {
        return disassemble(program.slots());
    }

    /** Works on any slots, valid or not; what cannot be decoded prints as {@code <unknown>}. */
    public static String disassemble(List<Instruction> slots) {
        StringBuilder out = new StringBuilder();
        for (int pc = 0; pc < slots.size(); pc++) {
            Instruction insn = slots.get(pc);
            boolean wide = insn.isLddw() && pc + 1 < slots.size();
            out.append(String.format("%8d:\t", pc));
            appendBytes(out, insn);
            if (wide) {
                out.append(' ');
                appendBytes(out, slots.get(pc + 1));
            }
            String text = wide ? lddw(insn, slots.get(pc + 1)) : text(insn);
            if (!readsBack(text, wide ? List.of(insn, slots.get(pc + 1)) : List.of(insn))) {
                text = raw(insn);
                wide = false;
            }
            out.append('\t').append(text).append('\n');
            if (wide) {
                pc++;
            }
        }
        return out.toString();
    }

    /** Whether the assembler turns {@code text} back into exactly {@code slots}. */
    private static boolean readsBack(String text, List<Instruction> slots) {
        try {
            return Assembler.assembleSlots(text).equals(slots);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The raw form of a slot no instruction text describes: its 64-bit little-endian word. */
    private static String raw(Instruction insn) {
        byte[] b = new byte[8];
        io.ebpfjvm.core.isa.InstructionEncoder.encode(insn, b, 0);
        return String.format(".8byte 0x%016x", java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
    }

    private static void appendBytes(StringBuilder out, Instruction insn) {
        byte[] b = new byte[8];
        io.ebpfjvm.core.isa.InstructionEncoder.encode(insn, b, 0);
        for (int i = 0; i < 8; i++) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(String.format("%02x", b[i] & 0xff));
        }
    }

    private static String lddw(Instruction first, Instruction second) {
        if (first.src() == BPF_PSEUDO_NONE) {
            return "r" + first.dst() + " = " + Numbers.hex(first.wideImmediate(second)) + " ll";
        }
        String text = "ld_pseudo\tr" + first.dst() + ", " + Numbers.hex(first.src()) + ", " + Numbers.hex(first.imm());
        return second.imm() == 0 ? text : text + ", " + Numbers.hex(second.imm());
    }

    /** The LLVM-syntax text of one single-slot instruction. */
    public static String text(Instruction insn) {
        return switch (insn.cls()) {
            case BPF_ALU, BPF_ALU64 -> alu(insn);
            case BPF_JMP, BPF_JMP32 -> jump(insn);
            case BPF_LDX -> ldx(insn);
            case BPF_ST -> "*(" + type(insn.opcode()) + " *)" + mem(insn.dst(), insn.offset()) + " = " + Numbers.hex(insn.imm());
            case BPF_STX -> stx(insn);
            default -> packetLoad(insn);
        };
    }

    private static String alu(Instruction insn) {
        String w = insn.cls() == BPF_ALU64 ? "r" : "w";
        String dst = w + insn.dst();
        boolean reg = source(insn.opcode()) == BPF_X;
        String src = reg ? w + insn.src() : Numbers.hex(insn.imm());
        String signed = insn.offset() == 1 ? "s" : "";
        return switch (insn.op()) {
            case BPF_ADD -> dst + " += " + src;
            case BPF_SUB -> dst + " -= " + src;
            case BPF_MUL -> dst + " *= " + src;
            case BPF_DIV -> dst + " " + signed + "/= " + src;
            case BPF_OR -> dst + " |= " + src;
            case BPF_AND -> dst + " &= " + src;
            case BPF_LSH -> dst + " <<= " + src;
            case BPF_RSH -> dst + " >>= " + src;
            case BPF_NEG -> dst + " = -" + dst;
            case BPF_MOD -> dst + " " + signed + "%= " + src;
            case BPF_XOR -> dst + " ^= " + src;
            case BPF_MOV -> reg && insn.offset() != 0 ? dst + " = (s" + insn.offset() + ")" + src : dst + " = " + src;
            case BPF_ARSH -> dst + " s>>= " + src;
            case BPF_END -> {
                String kind = insn.cls() == BPF_ALU64 ? "bswap" : reg ? "be" : "le";
                yield "r" + insn.dst() + " = " + kind + insn.imm() + " r" + insn.dst();
            }
            default -> "<unknown>";
        };
    }

    private static String jump(Instruction insn) {
        int op = insn.op();
        boolean jmp32 = insn.cls() == BPF_JMP32;
        switch (op) {
            case BPF_JA:
                return jmp32 ? "gotol " + signedHex(insn.imm()) : "goto " + signedHex(insn.offset());
            case BPF_EXIT:
                return "exit";
            case BPF_CALL:
                if (source(insn.opcode()) == BPF_X) {
                    return "callx r" + insn.dst();
                }
                if (insn.src() == BPF_PSEUDO_CALL) {
                    return "call pc" + signedHex(insn.imm());
                }
                if (insn.src() == BPF_PSEUDO_KFUNC_CALL) {
                    return "call kfunc " + Numbers.hex(insn.imm()) + (insn.offset() != 0 ? ", " + Numbers.hex(insn.offset()) : "");
                }
                return "call " + Numbers.hex(insn.imm());
            default:
                break;
        }
        String w = jmp32 ? "w" : "r";
        String operator = switch (op) {
            case BPF_JEQ -> "==";
            case BPF_JGT -> ">";
            case BPF_JGE -> ">=";
            case BPF_JSET -> "&";
            case BPF_JNE -> "!=";
            case BPF_JSGT -> "s>";
            case BPF_JSGE -> "s>=";
            case BPF_JLT -> "<";
            case BPF_JLE -> "<=";
            case BPF_JSLT -> "s<";
            case BPF_JSLE -> "s<=";
            default -> null;
        };
        if (operator == null) {
            return "<unknown>";
        }
        String rhs = source(insn.opcode()) == BPF_X ? w + insn.src() : Numbers.hex(insn.imm());
        return "if " + w + insn.dst() + " " + operator + " " + rhs + " goto " + signedHex(insn.offset());
    }

    private static String ldx(Instruction insn) {
        String type = type(insn.opcode());
        if (mode(insn.opcode()) == BPF_MEMSX) {
            type = "s" + type.substring(1);
        }
        return "r" + insn.dst() + " = *(" + type + " *)" + mem(insn.src(), insn.offset());
    }

    private static String stx(Instruction insn) {
        String type = type(insn.opcode());
        if (mode(insn.opcode()) != BPF_ATOMIC) {
            return "*(" + type + " *)" + mem(insn.dst(), insn.offset()) + " = r" + insn.src();
        }
        boolean w32 = size(insn.opcode()) == BPF_W;
        String v = (w32 ? "w" : "r") + insn.src();
        String address = "r" + insn.dst() + (insn.offset() < 0 ? " - " : " + ") + Numbers.hex(Math.abs(insn.offset()));
        int aop = insn.imm();
        if (aop == BPF_XCHG) {
            return v + " = xchg" + (w32 ? "32_32" : "_64") + "(" + address + ", " + v + ")";
        }
        if (aop == BPF_CMPXCHG) {
            String r0 = w32 ? "w0" : "r0";
            return r0 + " = cmpxchg" + (w32 ? "32_32" : "_64") + "(" + address + ", " + r0 + ", " + v + ")";
        }
        String name = switch (aop & ~BPF_FETCH) {
            case BPF_ADD -> "add";
            case BPF_OR -> "or";
            case BPF_AND -> "and";
            case BPF_XOR -> "xor";
            default -> null;
        };
        if (name == null) {
            return "<unknown>";
        }
        if ((aop & BPF_FETCH) != 0) {
            return v + " = atomic_fetch_" + name + "((" + type + " *)" + mem(insn.dst(), insn.offset()) + ", " + v + ")";
        }
        String operator = switch (name) {
            case "add" -> "+=";
            case "or" -> "|=";
            case "and" -> "&=";
            default -> "^=";
        };
        // llvm-objdump (without -mcpu) names a 32-bit atomic add's operand as a 64-bit register.
        String operand = w32 && name.equals("add") ? "r" + insn.src() : v;
        return "lock *(" + type + " *)" + mem(insn.dst(), insn.offset()) + " " + operator + " " + operand;
    }

    private static String packetLoad(Instruction insn) {
        int mode = mode(insn.opcode());
        String type = type(insn.opcode());
        if (mode == BPF_ABS) {
            return "r0 = *(" + type + " *)skb[" + Numbers.hex(insn.imm()) + "]";
        }
        if (mode == BPF_IND) {
            String extra = insn.imm() == 0 ? "" : (insn.imm() < 0 ? " - " : " + ") + Numbers.hex(Math.abs((long) insn.imm()));
            return "r0 = *(" + type + " *)skb[r" + insn.src() + extra + "]";
        }
        return "<unknown>";
    }

    private static String type(int opcode) {
        return switch (size(opcode)) {
            case BPF_B -> "u8";
            case BPF_H -> "u16";
            case BPF_W -> "u32";
            default -> "u64";
        };
    }

    private static String mem(int reg, int offset) {
        return "(r" + reg + (offset < 0 ? " - " : " + ") + Numbers.hex(Math.abs(offset)) + ")";
    }

    private static String signedHex(long v) {
        return v < 0 ? "-0x" + Long.toHexString(-v) : "+0x" + Long.toHexString(v);
    }
}
