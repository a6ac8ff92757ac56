package io.ebpfjvm.core.cbpf;

import io.ebpfjvm.core.error.CbpfFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ebpfjvm.core.cbpf.ClassicInstruction.*;

/**
 * A classic BPF filter, checked the way the kernel checks one before attaching it: known
 * opcodes, forward jumps inside the program, a return at the end, no division by a constant
 * zero, scratch-memory indexes below 16 and no read of a scratch word before a write.
 */
public final class ClassicProgram {
    private static final Pattern DD_LINE = Pattern.compile("\\{\\s*(0x[0-9a-fA-F]+|\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(0x[0-9a-fA-F]+|\\d+)\\s*}\\s*,?");
    private static final Pattern DDD_LINE = Pattern.compile("(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)");

    private final List<ClassicInstruction> instructions;

    private ClassicProgram(List<ClassicInstruction> instructions) {
        this.instructions = List.copyOf(instructions);
        check();
    }

    public static ClassicProgram of(List<ClassicInstruction> instructions) {
        return new ClassicProgram(instructions);
    }

    /** {@code struct sock_filter} array, 8 bytes per instruction, little-endian. */
    public static ClassicProgram fromBytes(byte[] data) {
        if (data.length % 8 != 0) {
            throw new CbpfFormatException("classic BPF: " + data.length + " bytes is not a whole number of 8-byte instructions");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        List<ClassicInstruction> out = new ArrayList<>();
        for (int at = 0; at < data.length; at += 8) {
            out.add(new ClassicInstruction(b.getShort(at) & 0xffff, data[at + 2] & 0xff, data[at + 3] & 0xff, b.getInt(at + 4)));
        }
        return new ClassicProgram(out);
    }

    /**
     * The text {@code tcpdump -dd EXPR} prints ({@code { 0x28, 0, 0, 0x0000000c },} per line) or
     * {@code tcpdump -ddd} prints (a count, then {@code code jt jf k} in decimal per line).
     */
    public static ClassicProgram fromText(String text) {
        List<ClassicInstruction> out = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        boolean decimal = false;
        int lineNo = 0;
        for (String raw : lines) {
            lineNo++;
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("//")) {
                continue;
            }
            Matcher m = DD_LINE.matcher(line);
            if (m.matches()) {
                out.add(new ClassicInstruction(number(m.group(1), lineNo), number(m.group(2), lineNo),
                    number(m.group(3), lineNo), (int) Long.decode(m.group(4)).longValue()));
                continue;
            }
            if (out.isEmpty() && !decimal && line.matches("\\d+")) {
                decimal = true;
                continue;
            }
            m = DDD_LINE.matcher(line);
            if (decimal && m.matches()) {
                out.add(new ClassicInstruction(number(m.group(1), lineNo), number(m.group(2), lineNo),
                    number(m.group(3), lineNo), (int) Long.parseLong(m.group(4))));
                continue;
            }
            throw new CbpfFormatException("classic BPF text line " + lineNo + ": expected '{ code, jt, jf, k },' as "
                + "tcpdump -dd prints, got '" + line + "'");
        }
        return new ClassicProgram(out);
    }

    private static int number(String s, int line) {
        long v = Long.decode(s);
        if (v < 0 || v > 0xffff) {
            throw new CbpfFormatException("classic BPF text line " + line + ": " + s + " out of range");
        }
        return (int) v;
    }

    public List<ClassicInstruction> instructions() {
        return instructions;
    }

    public int size() {
        return instructions.size();
    }

    private CbpfFormatException error(int pc, String what) {
        return new CbpfFormatException("classic BPF insn " + pc + ": " + what);
    }

    private void check() {
        int n = instructions.size();
        if (n == 0 || n > MAX_INSNS) {
            throw new CbpfFormatException("classic BPF: " + n + " instructions, expected 1.." + MAX_INSNS);
        }
        for (int pc = 0; pc < n; pc++) {
            ClassicInstruction insn = instructions.get(pc);
            int code = insn.code();
            switch (insn.cls()) {
                case LD, LDX -> {
                    int mode = code & 0xe0;
                    int size = code & 0x18;
                    boolean ok = switch (mode) {
                        case IMM -> size == W;
                        case ABS, IND -> insn.cls() == LD && size != 0x18;
                        case MEM -> size == W;
                        case LEN -> size == W;
                        case MSH -> insn.cls() == LDX && size == B;
                        default -> false;
                    };
                    if (!ok || (code & ~0xff) != 0) {
                        throw error(pc, String.format("unknown opcode 0x%02x", code));
                    }
                    if (mode == MEM && (insn.k() < 0 || insn.k() >= MEMWORDS)) {
                        throw error(pc, "scratch memory index " + insn.k() + ", expected 0..15");
                    }
                }
                case ST, STX -> {
                    if (code != ST && code != STX) {
                        throw error(pc, String.format("unknown opcode 0x%02x", code));
                    }
                    if (insn.k() < 0 || insn.k() >= MEMWORDS) {
                        throw error(pc, "scratch memory index " + insn.k() + ", expected 0..15");
                    }
                }
                case ALU -> {
                    int op = code & 0xf0;
                    if (op > 0xa0 || (code & ~0xff) != 0 || (op == 0x80 && (code & X) != 0)) {
                        throw error(pc, String.format("unknown opcode 0x%02x", code));
                    }
                    if ((op == 0x30 || op == 0x90) && (code & X) == 0 && insn.k() == 0) {
                        throw error(pc, "division by constant zero");
                    }
                }
                case JMP -> {
                    int op = code & 0xf0;
                    if (op > 0x40 || (code & ~0xff) != 0 || (op == 0 && (code & X) != 0)) {
                        throw error(pc, String.format("unknown opcode 0x%02x", code));
                    }
                    if (op == 0) {
                        if ((insn.k() & 0xffffffffL) >= n - pc - 1) {
                            throw error(pc, "jump offset " + Integer.toUnsignedString(insn.k()) + " leaves the program");
                        }
                    } else if (pc + 1 + insn.jt() >= n || pc + 1 + insn.jf() >= n) {
                        throw error(pc, "conditional jump (jt " + insn.jt() + ", jf " + insn.jf() + ") leaves the program");
                    }
                }
                case RET -> {
                    if (code != (RET | K) && code != (RET | A)) {
                        throw error(pc, String.format("unknown opcode 0x%02x", code));
                    }
                }
                default -> {
                    if (code != (MISC | TAX) && code != (MISC | TXA)) {
                        throw error(pc, String.format("unknown opcode 0x%02x", code));
                    }
                }
            }
        }
        if (instructions.get(n - 1).cls() != RET) {
            throw error(n - 1, "the last instruction must be a return");
        }
        checkScratchMemory();
    }

    /** Every read of M[k] must follow a write of M[k] on every path (jumps only go forward). */
    private void checkScratchMemory() {
        int n = instructions.size();
        int[] valid = new int[n];
        java.util.Arrays.fill(valid, -1);
        valid[0] = 0;
        for (int pc = 0; pc < n; pc++) {
            ClassicInstruction insn = instructions.get(pc);
            int mask = valid[pc];
            int code = insn.code();
            if ((insn.cls() == LD || insn.cls() == LDX) && (code & 0xe0) == MEM && (mask & (1 << insn.k())) == 0) {
                throw error(pc, "reads scratch memory M[" + insn.k() + "] before any write");
            }
            if (insn.cls() == ST || insn.cls() == STX) {
                mask |= 1 << insn.k();
            }
            switch (insn.cls()) {
                case RET -> {
                }
                case JMP -> {
                    if ((code & 0xf0) == 0) {
                        merge(valid, pc + 1 + insn.k(), mask);
                    } else {
                        merge(valid, pc + 1 + insn.jt(), mask);
                        merge(valid, pc + 1 + insn.jf(), mask);
                    }
                }
                default -> merge(valid, pc + 1, mask);
            }
        }
    }

    private static void merge(int[] valid, int target, int mask) {
        if (target < valid.length) {
            valid[target] &= mask;
        }
    }
}
