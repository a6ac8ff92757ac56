package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.isa.Instruction;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Parses one instruction in the uBPF / bpf_conformance syntax: {@code mnemonic operands},
 * registers as {@code %rN}, memory as {@code [%rN+off]}, jump targets as {@code +N}/{@code -N}
 * or labels.
 */
final class UbpfSyntax {
    private UbpfSyntax() {
    }

    private static final Map<String, Integer> ALU_OPS = Map.ofEntries(
        Map.entry("add", BPF_ADD), Map.entry("sub", BPF_SUB), Map.entry("mul", BPF_MUL), Map.entry("div", BPF_DIV),
        Map.entry("or", BPF_OR), Map.entry("and", BPF_AND), Map.entry("lsh", BPF_LSH), Map.entry("rsh", BPF_RSH),
        Map.entry("neg", BPF_NEG), Map.entry("mod", BPF_MOD), Map.entry("xor", BPF_XOR), Map.entry("mov", BPF_MOV),
        Map.entry("arsh", BPF_ARSH), Map.entry("sdiv", BPF_DIV), Map.entry("smod", BPF_MOD));
    private static final Map<String, Integer> JUMP_OPS = Map.ofEntries(
        Map.entry("jeq", BPF_JEQ), Map.entry("jgt", BPF_JGT), Map.entry("jge", BPF_JGE), Map.entry("jset", BPF_JSET),
        Map.entry("jne", BPF_JNE), Map.entry("jsgt", BPF_JSGT), Map.entry("jsge", BPF_JSGE), Map.entry("jlt", BPF_JLT),
        Map.entry("jle", BPF_JLE), Map.entry("jslt", BPF_JSLT), Map.entry("jsle", BPF_JSLE));
    private static final Map<String, Integer> SIZES = Map.of("b", BPF_B, "h", BPF_H, "w", BPF_W, "dw", BPF_DW);
    private static final Map<String, Integer> ATOMIC_OPS = Map.of(
        "add", BPF_ADD, "or", BPF_OR, "and", BPF_AND, "xor", BPF_XOR, "xchg", BPF_XCHG, "cmpxchg", BPF_CMPXCHG);

    private static final Pattern MEMORY = Pattern.compile("\\[\\s*(%?r\\d+)\\s*(?:([+-])\\s*(\\S+?))?\\s*]");
    private static final Pattern MOVSX = Pattern.compile("movsx(8|16|32)(32|64)");
    private static final Pattern ENDIAN = Pattern.compile("(le|be|bswap|swap)(16|32|64)");
    private static final Pattern LOAD_STORE = Pattern.compile("(ldxs|ldx|stx|st)(b|h|w|dw)");
    private static final Pattern PACKET = Pattern.compile("ld(abs|ind)(b|h|w)");

    static void parse(Line line, List<Pending> out) {
        String t = line.text();
        int space = t.indexOf(' ');
        String mnemonic = space < 0 ? t : t.substring(0, space);
        String rest = space < 0 ? "" : t.substring(space + 1).trim();
        String[] ops = rest.isEmpty() ? new String[0] : rest.split("\\s*,\\s*");
        Matcher m;
        if (mnemonic.equals("exit")) {
            arity(ops, 0, line);
            out.add(Pending.of(Instruction.of(EXIT, 0, 0, 0, 0), line));
        } else if (mnemonic.equals("lddw")) {
            arity(ops, 2, line);
            Instruction[] slots = Instruction.lddw(reg(ops[0], line), BPF_PSEUDO_NONE, Numbers.imm64(ops[1], line));
            out.add(Pending.of(slots[0], line));
            out.add(Pending.of(slots[1], line));
        } else if (mnemonic.equals("call")) {
            out.add(call(rest, line));
        } else if (mnemonic.equals("lock")) {
            out.add(atomic(rest, line));
        } else if (mnemonic.equals("ja")) {
            arity(ops, 1, line);
            out.add(Pending.target(Instruction.of(BPF_JMP | BPF_JA, 0, 0, 0, 0), ops[0], false, line));
        } else if (mnemonic.equals("ja32")) {
            arity(ops, 1, line);
            out.add(Pending.target(Instruction.of(BPF_JMP32 | BPF_JA, 0, 0, 0, 0), ops[0], true, line));
        } else if ((m = MOVSX.matcher(mnemonic)).matches()) {
            arity(ops, 2, line);
            if (m.group(1).equals("32") && m.group(2).equals("32")) {
                throw line.error("movsx3232 does not exist: a 32-bit move sign-extends from 8 or 16 bits");
            }
            int cls = m.group(2).equals("64") ? BPF_ALU64 : BPF_ALU;
            out.add(Pending.of(Instruction.of(cls | BPF_MOV | BPF_X, reg(ops[0], line), reg(ops[1], line),
                Integer.parseInt(m.group(1)), 0), line));
        } else if ((m = ENDIAN.matcher(mnemonic)).matches()) {
            arity(ops, 1, line);
            int opcode = switch (m.group(1)) {
                case "le" -> BPF_ALU | BPF_END | BPF_TO_LE;
                case "be" -> BPF_ALU | BPF_END | BPF_TO_BE;
                default -> BPF_ALU64 | BPF_END;
            };
            out.add(Pending.of(Instruction.of(opcode, reg(ops[0], line), 0, 0, Integer.parseInt(m.group(2))), line));
        } else if ((m = LOAD_STORE.matcher(mnemonic)).matches()) {
            out.add(Pending.of(memory(m.group(1), SIZES.get(m.group(2)), ops, line), line));
        } else if ((m = PACKET.matcher(mnemonic)).matches()) {
            out.add(Pending.of(packet(m.group(1), SIZES.get(m.group(2)), ops, line), line));
        } else if (JUMP_OPS.containsKey(strip32(mnemonic))) {
            arity(ops, 3, line);
            int cls = mnemonic.endsWith("32") ? BPF_JMP32 : BPF_JMP;
            int op = JUMP_OPS.get(strip32(mnemonic));
            int dst = reg(ops[0], line);
            Instruction insn = isRegister(ops[1])
                ? Instruction.of(cls | op | BPF_X, dst, reg(ops[1], line), 0, 0)
                : Instruction.of(cls | op | BPF_K, dst, 0, 0, Numbers.imm32(ops[1], line));
            out.add(Pending.target(insn, ops[2], false, line));
        } else if (ALU_OPS.containsKey(strip32(mnemonic))) {
            out.add(Pending.of(alu(mnemonic, ops, line), line));
        } else {
            throw line.error("unknown mnemonic '" + mnemonic + "'");
        }
    }

    private static String strip32(String mnemonic) {
        return mnemonic.endsWith("32") ? mnemonic.substring(0, mnemonic.length() - 2) : mnemonic;
    }

    private static Instruction alu(String mnemonic, String[] ops, Line line) {
        String base = strip32(mnemonic);
        int cls = mnemonic.endsWith("32") ? BPF_ALU : BPF_ALU64;
        int op = ALU_OPS.get(base);
        int off = base.equals("sdiv") || base.equals("smod") ? 1 : 0;
        if (op == BPF_NEG) {
            arity(ops, 1, line);
            return Instruction.of(cls | BPF_NEG, reg(ops[0], line), 0, 0, 0);
        }
        arity(ops, 2, line);
        int dst = reg(ops[0], line);
        if (isRegister(ops[1])) {
            return Instruction.of(cls | op | BPF_X, dst, reg(ops[1], line), off, 0);
        }
        return Instruction.of(cls | op | BPF_K, dst, 0, off, Numbers.imm32(ops[1], line));
    }

    private static Instruction memory(String kind, int size, String[] ops, Line line) {
        arity(ops, 2, line);
        switch (kind) {
            case "ldx", "ldxs" -> {
                if (kind.equals("ldxs") && size == BPF_DW) {
                    throw line.error("ldxsdw does not exist: a 64-bit load has nothing to sign-extend");
                }
                Matcher m = memoryOperand(ops[1], line);
                int mode = kind.equals("ldxs") ? BPF_MEMSX : BPF_MEM;
                return Instruction.of(BPF_LDX | mode | size, reg(ops[0], line), reg(m.group(1), line), memOffset(m, line), 0);
            }
            case "st" -> {
                Matcher m = memoryOperand(ops[0], line);
                return Instruction.of(BPF_ST | BPF_MEM | size, reg(m.group(1), line), 0, memOffset(m, line),
                    Numbers.imm32(ops[1], line));
            }
            default -> {
                Matcher m = memoryOperand(ops[0], line);
                return Instruction.of(BPF_STX | BPF_MEM | size, reg(m.group(1), line), reg(ops[1], line), memOffset(m, line), 0);
            }
        }
    }

    private static Instruction packet(String kind, int size, String[] ops, Line line) {
        if (kind.equals("abs")) {
            arity(ops, 1, line);
            return Instruction.of(BPF_LD | BPF_ABS | size, 0, 0, 0, Numbers.imm32(ops[0], line));
        }
        arity(ops, 2, line);
        return Instruction.of(BPF_LD | BPF_IND | size, 0, reg(ops[0], line), 0, Numbers.imm32(ops[1], line));
    }

    /** {@code call local NAME} and {@code call %rN}; numbered calls are read by {@link LlvmSyntax}. */
    private static Pending call(String rest, Line line) {
        if (rest.startsWith("local ")) {
            return Pending.target(Instruction.of(CALL, 0, BPF_PSEUDO_CALL, 0, 0), rest.substring(6).trim(), true, line);
        }
        if (isRegister(rest)) {
            return Pending.of(Instruction.of(CALLX, reg(rest, line), 0, 0, 0), line);
        }
        throw line.error("expected call N (helper), call local NAME or call %rN, got 'call " + rest + "'");
    }

    /** {@code lock [fetch] OP[32] [%rB+off], %rS} (also {@code lock fetch_OP[32]}). */
    private static Pending atomic(String rest, Line line) {
        String[] words = rest.split("\\s+", 2);
        boolean fetch = words[0].equals("fetch") || words[0].startsWith("fetch_");
        if (words[0].equals("fetch")) {
            words = words.length > 1 ? words[1].split("\\s+", 2) : new String[] {""};
        } else if (fetch) {
            words[0] = words[0].substring("fetch_".length()); // lock fetch_add: the same as lock fetch add
        }
        if (words.length < 2) {
            throw line.error("expected lock [fetch] OP [%rN+off], %rM");
        }
        String name = words[0];
        int size = name.endsWith("32") ? BPF_W : BPF_DW;
        Integer op = ATOMIC_OPS.get(strip32(name));
        if (op == null) {
            throw line.error("unknown atomic operation '" + name + "': expected add, or, and, xor, xchg or cmpxchg");
        }
        if (fetch) {
            op |= BPF_FETCH;
        }
        String[] ops = words[1].split("\\s*,\\s*");
        arity(ops, 2, line);
        Matcher m = memoryOperand(ops[0], line);
        return Pending.of(Instruction.of(BPF_STX | BPF_ATOMIC | size, reg(m.group(1), line), reg(ops[1], line),
            memOffset(m, line), op), line);
    }

    private static Matcher memoryOperand(String text, Line line) {
        Matcher m = MEMORY.matcher(text.trim());
        if (!m.matches()) {
            throw line.error("expected a memory operand like [%r1+8], got '" + text + "'");
        }
        return m;
    }

    private static int memOffset(Matcher m, Line line) {
        if (m.group(2) == null) {
            return 0;
        }
        return Numbers.off16((m.group(2).equals("-") ? "-" : "") + m.group(3), line);
    }

    private static boolean isRegister(String text) {
        return Registers.looksLikeRegister(text);
    }

    /** A register operand: {@code %r1}, or {@code r1} as uBPF also allows; never LLVM's {@code w1}. */
    private static int reg(String text, Line line) {
        return Registers.parse(text, false, line);
    }

    private static void arity(String[] ops, int n, Line line) {
        if (ops.length != n) {
            throw line.error("expected " + n + " operand" + (n == 1 ? "" : "s") + ", got " + ops.length);
        }
    }
}
