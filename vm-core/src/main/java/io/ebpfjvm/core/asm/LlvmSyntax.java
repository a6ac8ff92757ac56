package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.isa.Instruction;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Parses one instruction in the LLVM syntax, as {@code llvm-objdump -d} prints it, plus the
 * extensions {@link Disassembler} documents. Each form is one regular expression.
 */
final class LlvmSyntax {
    private LlvmSyntax() {
    }

    private static final String REG = "([rw])(\\d+)";
    private static final String NUM = "([+-]?(?:0[xX][0-9a-fA-F]+|\\d+))";
    private static final String MEM = "\\(r(\\d+) ([+-]) (0[xX][0-9a-fA-F]+|\\d+)\\)";
    private static final String TARGET = "([+-](?:0[xX][0-9a-fA-F]+|\\d+)|[A-Za-z_.$][\\w.$]*)";

    private static final Pattern GOTO_FORM = Pattern.compile("goto " + TARGET);
    private static final Pattern GOTOL_FORM = Pattern.compile("gotol " + TARGET);
    private static final Pattern CALLX_FORM = Pattern.compile("callx r(\\d+)");
    private static final Pattern CALL_LOCAL_FORM = Pattern.compile("call pc" + TARGET);
    private static final Pattern CALL_KFUNC_FORM = Pattern.compile("call kfunc " + NUM + "(?:, " + NUM + ")?");
    private static final Pattern CALL_FORM = Pattern.compile("call " + NUM);
    private static final Pattern COND_FORM = Pattern.compile("if " + REG + " (==|!=|>=|>|<=|<|s>=|s>|s<=|s<|&) (\\S+) goto " + TARGET);
    private static final Pattern LOCK_FORM = Pattern.compile("lock \\*\\((u32|u64) \\*\\)" + MEM + " (\\+|\\||&|\\^)= " + REG);
    private static final Pattern FETCH_FORM = Pattern.compile(REG + " = atomic_fetch_(add|or|and|xor)\\(\\((u32|u64) \\*\\)" + MEM + ", " + REG + "\\)");
    private static final Pattern XCHG_FORM = Pattern.compile(REG + " = xchg(32_32|_64)\\(r(\\d+) ([+-]) (0[xX][0-9a-fA-F]+|\\d+), " + REG + "\\)");
    private static final Pattern CMPXCHG_FORM = Pattern.compile(REG + " = cmpxchg(32_32|_64)\\(r(\\d+) ([+-]) (0[xX][0-9a-fA-F]+|\\d+), [rw]0, " + REG + "\\)");
    private static final Pattern LD_SKB_FORM = Pattern.compile("r0 = \\*\\((u8|u16|u32) \\*\\)skb\\[(.+)]");
    private static final Pattern STORE_FORM = Pattern.compile("\\*\\((u8|u16|u32|u64) \\*\\)" + MEM + " = (\\S+)");
    private static final Pattern LOAD_FORM = Pattern.compile(REG + " = \\*\\((u8|u16|u32|u64|s8|s16|s32) \\*\\)" + MEM);
    private static final Pattern LDDW_FORM = Pattern.compile("r(\\d+) = " + NUM + " ll");
    private static final Pattern LD_PSEUDO_FORM = Pattern.compile("ld_pseudo\\s+r(\\d+), " + NUM + ", " + NUM + "(?:, " + NUM + ")?");
    private static final Pattern END_FORM = Pattern.compile(REG + " = (le|be|bswap)(16|32|64) " + REG);
    private static final Pattern NEG_FORM = Pattern.compile(REG + " = -" + REG);
    private static final Pattern MOVSX_FORM = Pattern.compile(REG + " = \\((s8|s16|s32)\\)" + REG);
    private static final Pattern ALU_FORM = Pattern.compile(REG + " (\\+|-|\\*|/|\\||&|<<|>>|%|\\^|s>>|s/|s%)?= (\\S+)");

    /** Whether a cleaned line is in this syntax rather than the uBPF one. */
    static boolean claims(String text) {
        return text.startsWith("if ") || text.startsWith("goto") || text.startsWith("*(") || text.startsWith("lock *(")
            || text.startsWith("callx ") || text.startsWith("ld_pseudo") || text.startsWith("call pc")
            || text.startsWith("call kfunc") || text.matches("[rw]\\d+ .*");
    }

    /** Adds the slots of one instruction to {@code out}. */
    static void parse(Line line, List<Pending> out) {
        String t = line.text();
        Matcher m;
        if (t.equals("exit")) {
            out.add(Pending.of(Instruction.of(EXIT, 0, 0, 0, 0), line));
        } else if ((m = GOTO_FORM.matcher(t)).matches()) {
            out.add(Pending.target(Instruction.of(BPF_JMP | BPF_JA, 0, 0, 0, 0), m.group(1), false, line));
        } else if ((m = GOTOL_FORM.matcher(t)).matches()) {
            out.add(Pending.target(Instruction.of(BPF_JMP32 | BPF_JA, 0, 0, 0, 0), m.group(1), true, line));
        } else if ((m = CALLX_FORM.matcher(t)).matches()) {
            out.add(Pending.of(Instruction.of(CALLX, reg(m.group(1), line), 0, 0, 0), line));
        } else if ((m = CALL_LOCAL_FORM.matcher(t)).matches()) {
            out.add(Pending.target(Instruction.of(CALL, 0, BPF_PSEUDO_CALL, 0, 0), m.group(1), true, line));
        } else if ((m = CALL_KFUNC_FORM.matcher(t)).matches()) {
            int off = m.group(2) == null ? 0 : Numbers.off16(m.group(2), line);
            out.add(Pending.of(Instruction.of(CALL, 0, BPF_PSEUDO_KFUNC_CALL, off, Numbers.imm32(m.group(1), line)), line));
        } else if ((m = CALL_FORM.matcher(t)).matches()) {
            int imm = Numbers.imm32(m.group(1), line);
            // A negative helper id cannot exist: llvm-objdump prints local calls this way.
            int src = imm < 0 ? BPF_PSEUDO_CALL : BPF_CALL_HELPER;
            out.add(Pending.of(Instruction.of(CALL, 0, src, 0, imm), line));
        } else if ((m = COND_FORM.matcher(t)).matches()) {
            out.add(conditional(m, line));
        } else if ((m = LOCK_FORM.matcher(t)).matches()) {
            int op = switch (m.group(5)) {
                case "+" -> BPF_ADD;
                case "|" -> BPF_OR;
                case "&" -> BPF_AND;
                default -> BPF_XOR;
            };
            out.add(atomic(m.group(1), m.group(2), m.group(3), m.group(4), m.group(7), op, line));
        } else if ((m = FETCH_FORM.matcher(t)).matches()) {
            int op = switch (m.group(3)) {
                case "add" -> BPF_ADD;
                case "or" -> BPF_OR;
                case "and" -> BPF_AND;
                default -> BPF_XOR;
            };
            sameRegister(m.group(2), m.group(9), line);
            out.add(atomic(m.group(4), m.group(5), m.group(6), m.group(7), m.group(9), op | BPF_FETCH, line));
        } else if ((m = XCHG_FORM.matcher(t)).matches()) {
            sameRegister(m.group(2), m.group(8), line);
            out.add(atomic(m.group(3).startsWith("32") ? "u32" : "u64", m.group(4), m.group(5), m.group(6), m.group(8),
                BPF_XCHG, line));
        } else if ((m = CMPXCHG_FORM.matcher(t)).matches()) {
            if (!m.group(2).equals("0")) {
                throw line.error("cmpxchg returns its old value in r0");
            }
            out.add(atomic(m.group(3).startsWith("32") ? "u32" : "u64", m.group(4), m.group(5), m.group(6), m.group(8),
                BPF_CMPXCHG, line));
        } else if ((m = LD_SKB_FORM.matcher(t)).matches()) {
            out.add(Pending.of(packetLoad(m.group(1), m.group(2).trim(), line), line));
        } else if ((m = STORE_FORM.matcher(t)).matches()) {
            int size = size(m.group(1));
            int base = reg(m.group(2), line);
            int off = offset(m.group(3), m.group(4), line);
            String value = m.group(5);
            if (value.matches("[rw]\\d+")) {
                out.add(Pending.of(Instruction.of(BPF_STX | BPF_MEM | size, base, reg(value.substring(1), line), off, 0), line));
            } else {
                out.add(Pending.of(Instruction.of(BPF_ST | BPF_MEM | size, base, 0, off, Numbers.imm32(value, line)), line));
            }
        } else if ((m = LOAD_FORM.matcher(t)).matches()) {
            String type = m.group(3);
            int mode = type.startsWith("s") ? BPF_MEMSX : BPF_MEM;
            out.add(Pending.of(Instruction.of(BPF_LDX | mode | size("u" + type.substring(1)), reg(m.group(2), line),
                reg(m.group(4), line), offset(m.group(5), m.group(6), line), 0), line));
        } else if ((m = LDDW_FORM.matcher(t)).matches()) {
            addLddw(out, reg(m.group(1), line), BPF_PSEUDO_NONE, Numbers.imm64(m.group(2), line), line);
        } else if ((m = LD_PSEUDO_FORM.matcher(t)).matches()) {
            int src = Numbers.imm32(m.group(2), line);
            if (src < 1 || src > 15) {
                throw line.error("ld_pseudo source " + m.group(2) + ": expected 1..6");
            }
            long low = Numbers.imm32(m.group(3), line) & 0xffffffffL;
            long high = m.group(4) == null ? 0 : Numbers.imm32(m.group(4), line);
            addLddw(out, reg(m.group(1), line), src, high << 32 | low, line);
        } else if ((m = END_FORM.matcher(t)).matches()) {
            int dst = reg(m.group(2), line);
            if (dst != reg(m.group(6), line)) {
                throw line.error("byte swap works in place: expected the same register on both sides");
            }
            int opcode = switch (m.group(3)) {
                case "le" -> BPF_ALU | BPF_END | BPF_TO_LE;
                case "be" -> BPF_ALU | BPF_END | BPF_TO_BE;
                default -> BPF_ALU64 | BPF_END;
            };
            out.add(Pending.of(Instruction.of(opcode, dst, 0, 0, Integer.parseInt(m.group(4))), line));
        } else if ((m = NEG_FORM.matcher(t)).matches()) {
            int dst = reg(m.group(2), line);
            if (dst != reg(m.group(4), line)) {
                throw line.error("neg works in place: expected the same register on both sides");
            }
            out.add(Pending.of(Instruction.of(aluClass(m.group(1)) | BPF_NEG, dst, 0, 0, 0), line));
        } else if ((m = MOVSX_FORM.matcher(t)).matches()) {
            int off = Integer.parseInt(m.group(3).substring(1));
            out.add(Pending.of(Instruction.of(aluClass(m.group(1)) | BPF_MOV | BPF_X, reg(m.group(2), line),
                reg(m.group(5), line), off, 0), line));
        } else if ((m = ALU_FORM.matcher(t)).matches()) {
            out.add(Pending.of(alu(m, line), line));
        } else {
            throw line.error("cannot parse '" + t + "' as an LLVM-syntax instruction");
        }
    }

    private static Pending conditional(Matcher m, Line line) {
        String width = m.group(1);
        int cls = width.equals("w") ? BPF_JMP32 : BPF_JMP;
        int op = switch (m.group(3)) {
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
        int dst = reg(m.group(2), line);
        String rhs = m.group(4);
        Instruction insn;
        if (rhs.matches("[rw]\\d+")) {
            insn = Instruction.of(cls | op | BPF_X, dst, reg(rhs.substring(1), line), 0, 0);
        } else {
            insn = Instruction.of(cls | op | BPF_K, dst, 0, 0, Numbers.imm32(rhs, line));
        }
        return Pending.target(insn, m.group(5), false, line);
    }

    private static Pending atomic(String type, String base, String sign, String off, String src, int op, Line line) {
        int size = type.equals("u32") ? BPF_W : BPF_DW;
        return Pending.of(Instruction.of(BPF_STX | BPF_ATOMIC | size, reg(base, line), reg(src, line),
            offset(sign, off, line), op), line);
    }

    private static Instruction packetLoad(String type, String operand, Line line) {
        int size = size(type);
        Long abs = Numbers.parse(operand);
        if (abs != null) {
            return Instruction.of(BPF_LD | BPF_ABS | size, 0, 0, 0, Numbers.imm32(operand, line));
        }
        Matcher m = Pattern.compile("r(\\d+)(?: ([+-]) (\\S+))?").matcher(operand);
        if (!m.matches()) {
            throw line.error("expected skb[OFFSET] or skb[rN] or skb[rN + OFFSET], got skb[" + operand + "]");
        }
        long imm = m.group(2) == null ? 0 : Numbers.imm32(m.group(3), line);
        if ("-".equals(m.group(2))) {
            imm = -imm;
        }
        return Instruction.of(BPF_LD | BPF_IND | size, 0, reg(m.group(1), line), 0, (int) imm);
    }

    private static Instruction alu(Matcher m, Line line) {
        int cls = aluClass(m.group(1));
        int dst = reg(m.group(2), line);
        String operator = m.group(3) == null ? "" : m.group(3);
        int off = 0;
        int op = switch (operator) {
            case "" -> BPF_MOV;
            case "+" -> BPF_ADD;
            case "-" -> BPF_SUB;
            case "*" -> BPF_MUL;
            case "/" -> BPF_DIV;
            case "|" -> BPF_OR;
            case "&" -> BPF_AND;
            case "<<" -> BPF_LSH;
            case ">>" -> BPF_RSH;
            case "%" -> BPF_MOD;
            case "^" -> BPF_XOR;
            case "s>>" -> BPF_ARSH;
            case "s/" -> BPF_DIV;
            default -> BPF_MOD; // s%
        };
        if (operator.equals("s/") || operator.equals("s%")) {
            off = 1;
        }
        String rhs = m.group(4);
        if (rhs.matches("[rw]\\d+")) {
            return Instruction.of(cls | op | BPF_X, dst, reg(rhs.substring(1), line), off, 0);
        }
        return Instruction.of(cls | op | BPF_K, dst, 0, off, Numbers.imm32(rhs, line));
    }

    private static void addLddw(List<Pending> out, int dst, int src, long value, Line line) {
        Instruction[] slots = Instruction.lddw(dst, src, value);
        out.add(Pending.of(slots[0], line));
        out.add(Pending.of(slots[1], line));
    }

    private static void sameRegister(String a, String b, Line line) {
        if (!a.equals(b)) {
            throw line.error("atomic fetch returns the old value in its source register: expected r" + b + " on the left");
        }
    }

    private static int aluClass(String width) {
        return width.equals("w") ? BPF_ALU : BPF_ALU64;
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

    static int reg(String number, Line line) {
        int r = Integer.parseInt(number);
        if (r > 10) {
            throw line.error("expected a register r0..r10, got r" + number);
        }
        return r;
    }
}
