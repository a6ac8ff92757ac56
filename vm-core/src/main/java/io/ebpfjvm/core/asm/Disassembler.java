package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.InstructionEncoder;
import io.ebpfjvm.core.isa.Program;

import java.util.List;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Instructions to LLVM-syntax text in {@code llvm-objdump -d}'s layout, one instruction a
 * line: {@code %8d:\t<bytes>\t<text>}, slot index, the instruction's bytes (16 for a wide
 * load) and its text. For the code clang emits, the instruction text is exactly what
 * {@code llvm-objdump-19 -d} prints (its {@code <...>} target annotations aside).
 *
 * <p>{@code Assembler.assemble(disassemble(p))} rebuilds every valid program byte for byte, and
 * {@code Assembler.assembleSlots(disassemble(slots))} any slots at all. Where llvm-objdump's
 * text would lose a field, this prints an extension the {@link Assembler} reads back:
 *
 * <ul>
 *   <li>local (bpf-to-bpf) call: {@code call pc+0x2}, as the kernel's verifier log writes it
 *       (llvm-objdump prints {@code call 0x2}, the same as helper 2);</li>
 *   <li>kfunc call: {@code call kfunc 0x4d}, with {@code , 0x1} when the offset names a module's
 *       BTF (llvm-objdump: {@code call 0x4d});</li>
 *   <li>helper call with a negative id: {@code call helper -0x1} (a bare {@code call -0x1} is
 *       how llvm-objdump shows an unresolved local call, and is read as one);</li>
 *   <li>wide load with a pseudo source: LLVM's own {@code ld_pseudo\tr1, SRC, IMM}, followed by
 *       {@code , HIGH} when the second slot's immediate is not zero (llvm-objdump drops it; it
 *       is the offset of a map value reference);</li>
 *   <li>{@code LD_IND} with an immediate: {@code r0 = *(u16 *)skb[r3 + 0x4]} (llvm-objdump
 *       drops the immediate);</li>
 *   <li>32-bit atomics other than a plain add, in the spelling llvm-objdump uses with
 *       {@code --mcpu=v3} or later ({@code w2 = atomic_fetch_add((u32 *)(r1 + 0x4), w2)}):
 *       without a CPU version it decodes them with the older table, as {@code <unknown>} or, for
 *       a 32-bit fetch-add, as a plain {@code lock ... += r2};</li>
 *   <li>a slot no instruction text describes (unknown opcode, reserved fields set, a lone half
 *       of a wide load): {@code .8byte 0x...}, the slot's 64-bit little-endian word, followed by
 *       a {@code # invalid: ...} comment saying why, where llvm-objdump prints
 *       {@code <unknown>}.</li>
 * </ul>
 */
public final class Disassembler {
    private Disassembler() {
    }

    /** The listing of a valid program. */
    public static String disassemble(Program program) {
        return disassemble(program.slots());
    }

    /** The listing of any slots, valid or not; what no text describes prints as {@code .8byte}. */
    public static String disassemble(List<Instruction> slots) {
        StringBuilder out = new StringBuilder();
        for (int pc = 0; pc < slots.size(); pc++) {
            Instruction insn = slots.get(pc);
            List<Instruction> covered = insn.isLddw() && pc + 1 < slots.size()
                ? List.of(insn, slots.get(pc + 1)) : List.of(insn);
            String text = covered.size() == 2 ? wideLoad(insn, covered.get(1)) : text(insn);
            // Whatever the text would not read back to exactly (reserved bits, unknown opcodes,
            // a broken wide load), the raw word says.
            if (!readsBack(text, covered)) {
                text = raw(insn) + "\t# " + whyRaw(insn, text);
                covered = List.of(insn);
            }
            out.append(String.format("%8d:\t", pc));
            for (int i = 0; i < covered.size(); i++) {
                out.append(i > 0 ? " " : "").append(bytes(covered.get(i)));
            }
            out.append('\t').append(text).append('\n');
            pc += covered.size() - 1;
        }
        return out.toString();
    }

    /**
     * The LLVM-syntax text of one single-slot instruction (a wide load's first slot alone has
     * none); {@code <unknown>} where no text describes it.
     */
    public static String text(Instruction insn) {
        return switch (insn.cls()) {
            case BPF_ALU, BPF_ALU64 -> alu(insn);
            case BPF_JMP, BPF_JMP32 -> jump(insn);
            case BPF_LDX -> load(insn);
            case BPF_ST -> "*(" + type(insn.opcode()) + " *)" + mem(insn.dst(), insn.offset()) + " = " + Numbers.hex(insn.imm());
            case BPF_STX -> mode(insn.opcode()) == BPF_ATOMIC ? atomic(insn) : store(insn);
            default -> packetLoad(insn);
        };
    }

    private static boolean readsBack(String text, List<Instruction> slots) {
        try {
            return Assembler.assembleSlots(text).equals(slots);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A short reason for a raw slot, printed as a comment the assembler skips. */
    private static String whyRaw(Instruction insn, String text) {
        if (insn.isLddw() && !text.startsWith("r" + insn.dst() + " = ") && !text.startsWith("ld_pseudo")) {
            return "invalid: wide load without its second slot";
        }
        if (insn.isLddw()) {
            return "invalid: wide load with a bad second slot or field";
        }
        return text.contains("<unknown>") ? "invalid: unknown opcode or operation"
            : "invalid: register above r10 or reserved field set";
    }

    /** The slot as the 64-bit number whose little-endian bytes it is. */
    private static String raw(Instruction insn) {
        long word = insn.opcode() | (insn.src() << 4 | insn.dst()) << 8 | (insn.offset() & 0xffffL) << 16
            | (long) insn.imm() << 32;
        return String.format(".8byte 0x%016x", word);
    }

    private static String bytes(Instruction insn) {
        byte[] b = new byte[8];
        InstructionEncoder.encode(insn, b, 0);
        StringBuilder out = new StringBuilder(23);
        for (int i = 0; i < 8; i++) {
            out.append(i > 0 ? " " : "").append(Character.forDigit(b[i] >> 4 & 0xf, 16)).append(Character.forDigit(b[i] & 0xf, 16));
        }
        return out.toString();
    }

    private static String wideLoad(Instruction first, Instruction second) {
        if (first.src() == BPF_PSEUDO_NONE) {
            return "r" + first.dst() + " = " + Numbers.hex(first.wideImmediate(second)) + " ll";
        }
        // llvm prints ld_pseudo's immediate as an unsigned 32-bit number.
        String text = "ld_pseudo\tr" + first.dst() + ", " + Numbers.hex(first.src()) + ", " + Numbers.hex(first.imm() & 0xffffffffL);
        return second.imm() == 0 ? text : text + ", " + Numbers.hex(second.imm() & 0xffffffffL);
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
        boolean jmp32 = insn.cls() == BPF_JMP32;
        switch (insn.op()) {
            case BPF_JA:
                return jmp32 ? "gotol " + signedHex(insn.imm()) : "goto " + signedHex(insn.offset());
            case BPF_EXIT:
                return "exit";
            case BPF_CALL:
                return call(insn);
            default:
                break;
        }
        String operator = switch (insn.op()) {
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
        String w = jmp32 ? "w" : "r";
        String rhs = source(insn.opcode()) == BPF_X ? w + insn.src() : Numbers.hex(insn.imm());
        return "if " + w + insn.dst() + " " + operator + " " + rhs + " goto " + signedHex(insn.offset());
    }

    private static String call(Instruction insn) {
        if (source(insn.opcode()) == BPF_X) {
            return "callx r" + insn.dst();
        }
        return switch (insn.src()) {
            case BPF_PSEUDO_CALL -> "call pc" + signedHex(insn.imm());
            case BPF_PSEUDO_KFUNC_CALL ->
                "call kfunc " + Numbers.hex(insn.imm()) + (insn.offset() != 0 ? ", " + Numbers.hex(insn.offset()) : "");
            default -> (insn.imm() < 0 ? "call helper " : "call ") + Numbers.hex(insn.imm());
        };
    }

    private static String load(Instruction insn) {
        String type = type(insn.opcode());
        if (mode(insn.opcode()) == BPF_MEMSX) {
            type = "s" + type.substring(1);
        }
        return "r" + insn.dst() + " = *(" + type + " *)" + mem(insn.src(), insn.offset());
    }

    private static String store(Instruction insn) {
        return "*(" + type(insn.opcode()) + " *)" + mem(insn.dst(), insn.offset()) + " = r" + insn.src();
    }

    private static String atomic(Instruction insn) {
        boolean w32 = size(insn.opcode()) == BPF_W;
        String type = type(insn.opcode());
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
        // llvm-objdump (no --mcpu) names a 32-bit atomic add's operand as a 64-bit register.
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
