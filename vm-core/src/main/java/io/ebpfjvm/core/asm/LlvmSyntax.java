package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.isa.Instruction;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Parses one instruction in the LLVM syntax, as {@code llvm-objdump -d} prints it (with or
 * without {@code --mcpu}), plus the extensions {@link Disassembler} documents. Each form is one
 * regular expression and one handler; register widths are checked the way LLVM's own
 * assembler checks them ({@code w1 += w2}, never {@code w1 += r2}).
 */
final class LlvmSyntax {
    private LlvmSyntax() {
    }

    /** Adds the slots of one parsed instruction. */
    private interface Handler {
        void parse(Matcher m, Line line, List<Pending> out);
    }

    private record Form(Pattern pattern, Handler handler) {
    }

    private static final String REG = "([rw]\\d+)";
    private static final String NUM = "([+-]?(?:0[xX][0-9a-fA-F]+|\\d+))";
    private static final String ADDR = "(r\\d+)\\s*([+-])\\s*(0[xX][0-9a-fA-F]+|\\d+)";
    private static final String MEM = "\\(\\s*" + ADDR + "\\s*\\)";
    private static final String TYPE = "\\*\\((u8|u16|u32|u64|s8|s16|s32) \\*\\)";
    private static final String TARGET = "([+-](?:0[xX][0-9a-fA-F]+|\\d+)|[A-Za-z_.$][\\w.$]*)";
    private static final String IDENT = "[A-Za-z_.$][\\w.$]*";
    private static final String ALU_OP = "(\\+|-|\\*|/|\\||&|<<|>>|%|\\^|s>>|s/|s%)";

    private static final List<Form> FORMS = List.of(
        form("exit", (m, l, out) -> add(out, l, Instruction.of(EXIT, 0, 0, 0, 0))),
        form("goto " + TARGET, (m, l, out) ->
            out.add(Pending.target(Instruction.of(BPF_JMP | BPF_JA, 0, 0, 0, 0), m.group(1), false, l))),
        form("gotol " + TARGET, (m, l, out) ->
            out.add(Pending.target(Instruction.of(BPF_JMP32 | BPF_JA, 0, 0, 0, 0), m.group(1), true, l))),
        form("callx " + REG, (m, l, out) -> add(out, l, Instruction.of(CALLX, Registers.parse(m.group(1), false, l), 0, 0, 0))),
        form("call pc" + NUM, (m, l, out) ->
            out.add(Pending.target(Instruction.of(CALL, 0, BPF_PSEUDO_CALL, 0, 0), m.group(1), true, l))),
        form("call kfunc " + NUM + "(?:, " + NUM + ")?", LlvmSyntax::kfuncCall),
        form("call " + NUM, LlvmSyntax::call),
        form("call helper " + NUM, (m, l, out) ->
            add(out, l, Instruction.of(CALL, 0, BPF_CALL_HELPER, 0, Numbers.imm32(m.group(1), l)))),
        form("call (" + IDENT + ")", (m, l, out) ->
            out.add(Pending.target(Instruction.of(CALL, 0, BPF_PSEUDO_CALL, 0, 0), m.group(1), true, l))),
        form("if " + REG + " (==|!=|>=|>|<=|<|s>=|s>|s<=|s<|&) (\\S+) goto " + TARGET, LlvmSyntax::conditional),
        form("lock \\*\\((u32|u64) \\*\\)" + MEM + " (\\+|\\||&|\\^)= " + REG, LlvmSyntax::lock),
        form(REG + " = atomic_fetch_(add|or|and|xor)\\(\\((u32|u64) \\*\\)" + MEM + ", " + REG + "\\)", LlvmSyntax::fetch),
        form(REG + " = xchg(32_32|_64)\\(" + ADDR + ", " + REG + "\\)", LlvmSyntax::xchg),
        form(REG + " = cmpxchg(32_32|_64)\\(" + ADDR + ", " + REG + ", " + REG + "\\)", LlvmSyntax::cmpxchg),
        form("r0 = \\*\\((u8|u16|u32) \\*\\)skb\\[([^\\]]+)]", LlvmSyntax::packetLoad),
        form("\\*\\((u8|u16|u32|u64) \\*\\)" + MEM + " = (\\S+)", LlvmSyntax::store),
        form(REG + " = " + TYPE + MEM, LlvmSyntax::load),
        form(REG + " = " + NUM + " ll", LlvmSyntax::wideLoad),
        form("ld_pseudo\\s+" + REG + ", " + NUM + ", " + NUM + "(?:, " + NUM + ")?", LlvmSyntax::pseudoLoad),
        form(REG + " = (le|be|bswap)(16|32|64) " + REG, LlvmSyntax::byteSwap),
        form(REG + " = -" + REG, LlvmSyntax::neg),
        form(REG + " = \\((s8|s16|s32)\\)" + REG, LlvmSyntax::signExtendingMove),
        form(REG + " " + ALU_OP + "?= (\\S+)", (m, l, out) -> alu(m.group(1), m.group(2), m.group(3), l, out)),
        // "r1 = r1 s>> 3": the three-operand spelling of "r1 s>>= 3".
        form(REG + " = " + REG + " " + ALU_OP + " (\\S+)", LlvmSyntax::threeOperandAlu));

    private static Form form(String regex, Handler handler) {
        return new Form(Pattern.compile(regex), handler);
    }

    /** Whether a cleaned line is in this syntax rather than the uBPF one. */
    static boolean claims(String text) {
        if (text.startsWith("call ")) {
            // Numbered calls read the same in both syntaxes; "call local f" and "call %r2" are uBPF's.
            String target = text.substring(5);
            return target.matches("(pc|kfunc |helper )?[+-]?\\d.*")
                || target.matches(IDENT) && !target.equals("local") && !Registers.looksLikeRegister(target);
        }
        return text.equals("exit") || text.startsWith("if ") || text.startsWith("goto") || text.startsWith("*(")
            || text.startsWith("lock *(") || text.startsWith("callx ") || text.startsWith("ld_pseudo")
            || text.matches("[rw]\\d+ .*");
    }

    /** Adds the slots of one instruction to {@code out}. */
    static void parse(Line line, List<Pending> out) {
        for (Form f : FORMS) {
            Matcher m = f.pattern().matcher(line.text());
            if (m.matches()) {
                f.handler().parse(m, line, out);
                return;
            }
        }
        throw line.error("cannot read '" + line.text() + "' as an LLVM-syntax instruction"
            + " (expected a form llvm-objdump prints, such as r0 = *(u32 *)(r1 + 0x4))");
    }

    private static void add(List<Pending> out, Line line, Instruction insn) {
        out.add(Pending.of(insn, line));
    }

    private static void call(Matcher m, Line line, List<Pending> out) {
        int imm = Numbers.imm32(m.group(1), line);
        // No helper has a negative id: llvm-objdump prints an unresolved local call so (call -0x1).
        int src = imm < 0 ? BPF_PSEUDO_CALL : BPF_CALL_HELPER;
        add(out, line, Instruction.of(CALL, 0, src, 0, imm));
    }

    private static void kfuncCall(Matcher m, Line line, List<Pending> out) {
        int off = m.group(2) == null ? 0 : Numbers.off16(m.group(2), line);
        add(out, line, Instruction.of(CALL, 0, BPF_PSEUDO_KFUNC_CALL, off, Numbers.imm32(m.group(1), line)));
    }

    private static void conditional(Matcher m, Line line, List<Pending> out) {
        boolean w32 = Registers.is32(m.group(1));
        int cls = w32 ? BPF_JMP32 : BPF_JMP;
        int op = switch (m.group(2)) {
            case "==" -> BPF_JEQ;
            case "!=" -> BPF_JNE;
            case ">" -> BPF_JGT;
            case ">=" -> BPF_JGE;
            case "<" -> BPF_JLT;
            case "<=" -> BPF_JLE;
            case "s>" -> BPF_JSGT;
            case "s>=" -> BPF_JSGE;
            case "s<" -> BPF_JSLT;
            case "s<=" -> BPF_JSLE;
            default -> BPF_JSET;
        };
        int dst = Registers.parse(m.group(1), line);
        String rhs = m.group(3);
        Instruction insn = Registers.looksLikeRegister(rhs)
            ? Instruction.of(cls | op | BPF_X, dst, Registers.parse(rhs, w32, line), 0, 0)
            : Instruction.of(cls | op | BPF_K, dst, 0, 0, Numbers.imm32(rhs, line));
        out.add(Pending.target(insn, m.group(4), false, line));
    }

    private static void lock(Matcher m, Line line, List<Pending> out) {
        int op = switch (m.group(5)) {
            case "+" -> BPF_ADD;
            case "|" -> BPF_OR;
            case "&" -> BPF_AND;
            default -> BPF_XOR;
        };
        boolean w32 = m.group(1).equals("u32");
        // A 32-bit lock takes wN, but llvm-objdump without --mcpu prints rN for the add.
        int src = w32 ? Registers.parse(m.group(6), line) : Registers.parse(m.group(6), false, line);
        add(out, line, atomic(w32, m.group(2), m.group(3), m.group(4), src, op, line));
    }

    private static void fetch(Matcher m, Line line, List<Pending> out) {
        int op = switch (m.group(2)) {
            case "add" -> BPF_ADD;
            case "or" -> BPF_OR;
            case "and" -> BPF_AND;
            default -> BPF_XOR;
        };
        boolean w32 = m.group(3).equals("u32");
        int src = returnsInSource(m.group(1), m.group(7), w32, line);
        add(out, line, atomic(w32, m.group(4), m.group(5), m.group(6), src, op | BPF_FETCH, line));
    }

    private static void xchg(Matcher m, Line line, List<Pending> out) {
        boolean w32 = m.group(2).startsWith("32");
        int src = returnsInSource(m.group(1), m.group(6), w32, line);
        add(out, line, atomic(w32, m.group(3), m.group(4), m.group(5), src, BPF_XCHG, line));
    }

    private static void cmpxchg(Matcher m, Line line, List<Pending> out) {
        boolean w32 = m.group(2).startsWith("32");
        if (Registers.parse(m.group(1), w32, line) != 0 || Registers.parse(m.group(6), w32, line) != 0) {
            throw line.error("cmpxchg compares with and returns in r0: expected " + (w32 ? "w0" : "r0")
                + " = cmpxchg" + m.group(2) + "(..., " + (w32 ? "w0" : "r0") + ", ...)");
        }
        int src = Registers.parse(m.group(7), w32, line);
        add(out, line, atomic(w32, m.group(3), m.group(4), m.group(5), src, BPF_CMPXCHG, line));
    }

    /** Fetching atomics return the old value in their source register: both sides name it. */
    private static int returnsInSource(String left, String right, boolean w32, Line line) {
        int dst = Registers.parse(left, w32, line);
        int src = Registers.parse(right, w32, line);
        if (dst != src) {
            throw line.error("an atomic fetch returns the old value in its source register: expected "
                + right + " on the left, got " + left);
        }
        return src;
    }

    private static Instruction atomic(boolean w32, String base, String sign, String off, int src, int op, Line line) {
        return Instruction.of(BPF_STX | BPF_ATOMIC | (w32 ? BPF_W : BPF_DW), Registers.parse(base, false, line), src,
            offset(sign, off, line), op);
    }

    private static void packetLoad(Matcher m, Line line, List<Pending> out) {
        int size = size(m.group(1));
        String operand = m.group(2).trim();
        if (Numbers.parse(operand) != null) {
            add(out, line, Instruction.of(BPF_LD | BPF_ABS | size, 0, 0, 0, Numbers.imm32(operand, line)));
            return;
        }
        Matcher ind = Pattern.compile("(r\\d+)(?:\\s*([+-])\\s*(\\S+))?").matcher(operand);
        if (!ind.matches()) {
            throw line.error("expected skb[OFFSET], skb[rN] or skb[rN + OFFSET], got skb[" + operand + "]");
        }
        long imm = 0;
        if (ind.group(2) != null) {
            Long magnitude = Numbers.parse(ind.group(3));
            if (magnitude == null || magnitude < 0 || magnitude > 0xffffffffL) {
                throw line.error("expected a 32-bit packet offset after " + ind.group(2) + ", got '" + ind.group(3) + "'");
            }
            imm = ind.group(2).equals("-") ? -magnitude : magnitude;
        }
        if (imm < Integer.MIN_VALUE || imm > 0xffffffffL) {
            throw line.error("packet offset in skb[" + operand + "] does not fit in 32 bits");
        }
        add(out, line, Instruction.of(BPF_LD | BPF_IND | size, 0, Registers.parse(ind.group(1), false, line), 0, (int) imm));
    }

    private static void store(Matcher m, Line line, List<Pending> out) {
        String type = m.group(1);
        int size = size(type);
        int base = Registers.parse(m.group(2), false, line);
        int off = offset(m.group(3), m.group(4), line);
        String value = m.group(5);
        if (Registers.looksLikeRegister(value)) {
            // wN is how llvm-objdump --mcpu=v3 and later print the source of a narrow store.
            int src = type.equals("u64") ? Registers.parse(value, false, line) : Registers.parse(value, line);
            add(out, line, Instruction.of(BPF_STX | BPF_MEM | size, base, src, off, 0));
        } else {
            add(out, line, Instruction.of(BPF_ST | BPF_MEM | size, base, 0, off, Numbers.imm32(value, line)));
        }
    }

    private static void load(Matcher m, Line line, List<Pending> out) {
        String type = m.group(2);
        boolean signExtend = type.startsWith("s");
        // Narrow zero-extending loads may name the destination wN (llvm-objdump --mcpu=v3 and later).
        boolean wOk = !signExtend && !type.equals("u64");
        int dst = wOk ? Registers.parse(m.group(1), line) : Registers.parse(m.group(1), false, line);
        int mode = signExtend ? BPF_MEMSX : BPF_MEM;
        add(out, line, Instruction.of(BPF_LDX | mode | size("u" + type.substring(1)), dst,
            Registers.parse(m.group(3), false, line), offset(m.group(4), m.group(5), line), 0));
    }

    private static void wideLoad(Matcher m, Line line, List<Pending> out) {
        addWide(out, Registers.parse(m.group(1), false, line), BPF_PSEUDO_NONE, Numbers.imm64(m.group(2), line), line);
    }

    /** {@code ld_pseudo rD, SRC, IMM[, HIGH]}: a wide load with a pseudo source. */
    private static void pseudoLoad(Matcher m, Line line, List<Pending> out) {
        Long src = Numbers.parse(m.group(2));
        if (src == null || src < 1 || src > 15) {
            throw line.error("ld_pseudo source " + m.group(2) + ": expected 1..15 (1 map fd, 2 map value, 3 BTF id, "
                + "4 function, 5 map index, 6 map index value)");
        }
        long low = Numbers.imm32(m.group(3), line) & 0xffffffffL;
        long high = m.group(4) == null ? 0 : Numbers.imm32(m.group(4), line);
        addWide(out, Registers.parse(m.group(1), false, line), (int) (long) src, high << 32 | low, line);
    }

    private static void addWide(List<Pending> out, int dst, int src, long value, Line line) {
        for (Instruction slot : Instruction.lddw(dst, src, value)) {
            add(out, line, slot);
        }
    }

    private static void byteSwap(Matcher m, Line line, List<Pending> out) {
        int dst = Registers.parse(m.group(1), false, line);
        if (dst != Registers.parse(m.group(4), false, line)) {
            throw line.error("a byte swap works in place: expected the same register on both sides");
        }
        int opcode = switch (m.group(2)) {
            case "le" -> BPF_ALU | BPF_END | BPF_TO_LE;
            case "be" -> BPF_ALU | BPF_END | BPF_TO_BE;
            default -> BPF_ALU64 | BPF_END;
        };
        add(out, line, Instruction.of(opcode, dst, 0, 0, Integer.parseInt(m.group(3))));
    }

    private static void neg(Matcher m, Line line, List<Pending> out) {
        boolean w32 = Registers.is32(m.group(1));
        int dst = Registers.parse(m.group(1), line);
        if (dst != Registers.parse(m.group(2), w32, line)) {
            throw line.error("neg works in place: expected the same register on both sides");
        }
        add(out, line, Instruction.of(aluClass(w32) | BPF_NEG, dst, 0, 0, 0));
    }

    private static void signExtendingMove(Matcher m, Line line, List<Pending> out) {
        boolean w32 = Registers.is32(m.group(1));
        int bits = Integer.parseInt(m.group(2).substring(1));
        if (w32 && bits == 32) {
            throw line.error("a 32-bit move sign-extends from (s8) or (s16), not (s32)");
        }
        add(out, line, Instruction.of(aluClass(w32) | BPF_MOV | BPF_X, Registers.parse(m.group(1), line),
            Registers.parse(m.group(3), w32, line), bits, 0));
    }

    private static void threeOperandAlu(Matcher m, Line line, List<Pending> out) {
        if (!m.group(1).equals(m.group(2))) {
            throw line.error("expected the destination as the first operand (" + m.group(1) + " = " + m.group(1)
                + " " + m.group(3) + " ...), got " + m.group(2));
        }
        alu(m.group(1), m.group(3), m.group(4), line, out);
    }

    private static void alu(String dstText, String operator, String rhs, Line line, List<Pending> out) {
        boolean w32 = Registers.is32(dstText);
        int dst = Registers.parse(dstText, line);
        String o = operator == null ? "" : operator;
        int op = switch (o) {
            case "" -> BPF_MOV;
            case "+" -> BPF_ADD;
            case "-" -> BPF_SUB;
            case "*" -> BPF_MUL;
            case "/", "s/" -> BPF_DIV;
            case "|" -> BPF_OR;
            case "&" -> BPF_AND;
            case "<<" -> BPF_LSH;
            case ">>" -> BPF_RSH;
            case "%", "s%" -> BPF_MOD;
            case "^" -> BPF_XOR;
            default -> BPF_ARSH; // s>>
        };
        int off = o.equals("s/") || o.equals("s%") ? 1 : 0; // signed division is marked by offset 1
        int cls = aluClass(w32);
        Instruction insn = Registers.looksLikeRegister(rhs)
            ? Instruction.of(cls | op | BPF_X, dst, Registers.parse(rhs, w32, line), off, 0)
            : Instruction.of(cls | op | BPF_K, dst, 0, off, Numbers.imm32(rhs, line));
        add(out, line, insn);
    }

    private static int aluClass(boolean w32) {
        return w32 ? BPF_ALU : BPF_ALU64;
    }

    private static int size(String type) {
        return switch (type) {
            case "u8" -> BPF_B;
            case "u16" -> BPF_H;
            case "u32" -> BPF_W;
            default -> BPF_DW;
        };
    }

    private static int offset(String sign, String magnitude, Line line) {
        return Numbers.off16((sign.equals("-") ? "-" : "") + magnitude, line);
    }
}
