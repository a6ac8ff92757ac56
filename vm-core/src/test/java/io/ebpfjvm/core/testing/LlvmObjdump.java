package io.ebpfjvm.core.testing;

import io.ebpfjvm.core.isa.Instruction;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * llvm-objdump-19 as the oracle of our disassembly: runs it, reads its listing, and says what
 * our text must be given llvm's, which spells out every place our disassembler deliberately
 * differs (see {@code Disassembler}'s class comment).
 */
public final class LlvmObjdump {
    private LlvmObjdump() {
    }

    public static final String OBJDUMP = "llvm-objdump-19";
    public static final String MC = "llvm-mc-19";

    /** {@code index:\tbytes\ttext} of one listing line, the {@code <...>} annotation cut off. */
    private static final Pattern LINE = Pattern.compile("^\\s*(\\d+):\\t([0-9a-f ]+)\\t(.*?)(?: <[^<>]*>)?$");

    /** One instruction line of a listing. */
    public record Line(int index, String bytes, String text) {
        /** The line as llvm-objdump prints it (annotation aside). */
        public String layout() {
            return String.format("%8d:\t%s\t%s", index, bytes, text);
        }
    }

    /** Whether llvm-objdump-19 is installed. */
    public static boolean available() {
        return Tools.find(OBJDUMP) != null;
    }

    /** Section name to its instruction lines by index, from {@code llvm-objdump-19 -d [flags] object}. */
    public static Map<String, Map<Integer, Line>> listing(Path object, String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(OBJDUMP, "-d"));
        cmd.addAll(List.of(flags));
        cmd.add(object.toString());
        Map<String, Map<Integer, Line>> out = new HashMap<>();
        Map<Integer, Line> current = null;
        for (String line : Tools.run(cmd).split("\n")) {
            if (line.startsWith("Disassembly of section ")) {
                current = new HashMap<>();
                out.put(line.substring("Disassembly of section ".length(), line.length() - 1), current);
                continue;
            }
            Line parsed = parse(line);
            if (parsed != null && current != null) {
                current.put(parsed.index(), parsed);
            }
        }
        return out;
    }

    /** Instruction lines by index of a listing in llvm-objdump's layout (ours or llvm's). */
    public static Map<Integer, Line> lines(String listing) {
        Map<Integer, Line> out = new HashMap<>();
        for (String line : listing.split("\n")) {
            Line parsed = parse(line);
            if (parsed != null) {
                out.put(parsed.index(), parsed);
            }
        }
        return out;
    }

    private static Line parse(String line) {
        Matcher m = LINE.matcher(line);
        return m.matches() ? new Line(Integer.parseInt(m.group(1)), m.group(2), m.group(3)) : null;
    }

    /**
     * The text our disassembler must print for {@code insn} (whose next slot is {@code next},
     * or null), given what {@code llvm-objdump-19 -d} printed ({@code plain}) and what it
     * printed with {@code --mcpu=v4} ({@code v4}). Equal to {@code plain} except where plain
     * loses or garbles a field.
     */
    public static String expectedText(Instruction insn, Instruction next, String plain, String v4) {
        if (insn.opcode() == CALL && insn.src() == BPF_PSEUDO_CALL) {
            // llvm prints "call IMM" as for a helper.
            return "call pc" + signed(plain.substring("call ".length()));
        }
        if (insn.opcode() == CALL && insn.src() == BPF_PSEUDO_KFUNC_CALL) {
            return "call kfunc " + plain.substring("call ".length())
                + (insn.offset() != 0 ? ", " + hex(insn.offset()) : "");
        }
        if (insn.opcode() == CALL && insn.src() == BPF_CALL_HELPER && insn.imm() < 0) {
            return "call helper " + plain.substring("call ".length());
        }
        if (insn.isLddw() && insn.src() != BPF_PSEUDO_NONE && next != null && next.imm() != 0) {
            return plain + ", " + hex(next.imm() & 0xffffffffL); // llvm drops the second slot's immediate
        }
        if (insn.cls() == BPF_LD && mode(insn.opcode()) == BPF_IND && insn.imm() != 0) {
            // llvm drops LD_IND's immediate: skb[r2] for skb[r2 + 0x4]
            String sign = insn.imm() < 0 ? " - " : " + ";
            return plain.substring(0, plain.length() - 1) + sign + hex(Math.abs((long) insn.imm())) + "]";
        }
        if (insn.cls() == BPF_STX && mode(insn.opcode()) == BPF_ATOMIC && size(insn.opcode()) == BPF_W
            && insn.imm() != BPF_ADD) {
            // Without a CPU version llvm decodes 32-bit atomics with the pre-v3 table: <unknown>,
            // or a fetch_add as a plain lock add. Take the v3+ spelling.
            return v4;
        }
        return plain;
    }

    private static String signed(String hex) {
        return hex.startsWith("-") ? hex : "+" + hex;
    }

    private static String hex(long v) {
        return v < 0 ? "-0x" + Long.toHexString(-v) : "0x" + Long.toHexString(v);
    }
}
