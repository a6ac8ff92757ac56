package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.InstructionDecoder;
import io.ebpfjvm.core.isa.Program;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Assembler text to instructions. Two syntaxes are read, mixed freely, one instruction a line:
 *
 * <ul>
 *   <li>LLVM, as {@code llvm-objdump -d} prints it, with or without {@code --mcpu}
 *       ({@code r0 = *(u32 *)(r1 + 0x4)}, {@code if r3 > r2 goto +0x4 <LBB0_2>},
 *       {@code r0 = 0x1 ll}, {@code lock *(u32 *)(r1 + 0x0) += w2}), the extensions
 *       {@link Disassembler} prints where that text loses a field ({@code call pc+0x2},
 *       {@code call kfunc 0x4d}, {@code ld_pseudo r1, 0x2, 0x7, 0x10},
 *       {@code r0 = *(u16 *)skb[r2 + 0x4]}), and the three-operand ALU spelling
 *       {@code r1 = r1 s>> 3}. A whole listing may be fed in: the {@code file format} header,
 *       {@code Disassembly of section} and {@code <symbol>:} lines, the address and byte columns
 *       and the {@code <...>} target annotations are skipped, and a line llvm-objdump could not
 *       decode ({@code <unknown>}) is taken from its byte column. In a listing made with
 *       {@code -r}, a numbered call followed by an {@code R_BPF_64_32} relocation is a local
 *       call. (llvm-objdump's text cannot tell a local call with a positive offset, or a kfunc
 *       call, from a helper call: without such a relocation they read as helper calls.)</li>
 *   <li>uBPF / bpf_conformance ({@code ldxw %r0, [%r1+4]}, {@code jne %r0, 15, fail},
 *       {@code call local fn}, {@code call %r2}, {@code lock fetch add [%r10-8], %r1}).</li>
 * </ul>
 *
 * Numbers are decimal or {@code 0x} hex, signed or not; a 32-bit immediate may be written as
 * its unsigned pattern ({@code 0x80000000} is -2^31). A slot may also be given raw as
 * {@code .8byte 0xWORD} (its 64-bit little-endian word). Labels ({@code name:}) may stand
 * alone or before an instruction and serve as jump and call targets in both syntaxes; a jump
 * to an undefined label {@code exit} goes to the nearest {@code exit} before it (else the
 * first after it), as the conformance suite's assembler does. Comments start with {@code #},
 * {@code ;} or {@code //}. Errors are {@link io.ebpfjvm.core.error.AssemblerException}s naming
 * the 1-based line and what was expected.
 */
public final class Assembler {
    private Assembler() {
    }

    private static final Pattern ADDRESS = Pattern.compile("^\\s*\\d+:\\s+");
    private static final Pattern BYTES = Pattern.compile("^(?:[0-9a-f]{2} ){7}[0-9a-f]{2}(?: (?:[0-9a-f]{2} ){7}[0-9a-f]{2})?\\s+");
    private static final Pattern SYMBOL = Pattern.compile("^[0-9a-fA-F]+ <[^>]*>:$");
    private static final Pattern ANNOTATION = Pattern.compile("\\s*<[^<>]*>$");
    private static final Pattern LABEL = Pattern.compile("^([A-Za-z_.$][\\w.$]*):\\s*(.*)$");
    private static final Pattern RAW = Pattern.compile("\\.8byte\\s+(\\S+)");
    private static final Pattern LISTED_BYTES = Pattern.compile(
        "^\\s*(?:\\d+:\\s+)?((?:[0-9a-f]{2} ){7}[0-9a-f]{2}(?: (?:[0-9a-f]{2} ){7}[0-9a-f]{2})?)\\s");
    private static final String UNKNOWN = "<unknown>";

    /** Assembles and validates a program; throws {@code InvalidProgramException} if it is not valid. */
    public static Program assemble(String source) {
        return Program.of(assembleSlots(source));
    }

    /** Assembles without validating the program as a whole. */
    public static List<Instruction> assembleSlots(String source) {
        List<Pending> pending = new ArrayList<>();
        Map<String, Integer> labels = new HashMap<>();
        String[] lines = source.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i];
            if (raw.contains("R_BPF_64_32")) {
                markLastCallLocal(pending);
                continue;
            }
            String text = clean(raw);
            if (text.isEmpty() || isListingDecoration(text)) {
                continue;
            }
            Matcher label = LABEL.matcher(text);
            if (label.matches()) {
                String name = label.group(1);
                if (labels.putIfAbsent(name, pending.size()) != null) {
                    throw new Line(i + 1, text).error("label '" + name + "' defined twice");
                }
                text = label.group(2).trim();
                if (text.isEmpty()) {
                    continue;
                }
            }
            Line line = new Line(i + 1, text);
            Matcher rawSlot = RAW.matcher(text);
            if (text.equals(UNKNOWN)) {
                undecoded(raw, line, pending);
            } else if (rawSlot.matches()) {
                pending.add(Pending.of(rawSlot(rawSlot.group(1), line), line));
            } else if (LlvmSyntax.claims(text)) {
                LlvmSyntax.parse(line, pending);
            } else {
                UbpfSyntax.parse(line, pending);
            }
        }
        return resolve(pending, labels);
    }

    /**
     * A listing line llvm-objdump could not decode (it does so for 32-bit atomics when not told
     * the CPU version): its byte column still says what the slot is.
     */
    private static void undecoded(String raw, Line line, List<Pending> out) {
        Matcher m = LISTED_BYTES.matcher(raw);
        if (!m.find()) {
            throw line.error("<unknown> without the listing's byte column: expected an instruction");
        }
        String[] hex = m.group(1).split(" ");
        byte[] bytes = new byte[hex.length];
        for (int i = 0; i < hex.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex[i], 16);
        }
        for (int at = 0; at < bytes.length; at += 8) {
            out.add(Pending.of(InstructionDecoder.decode(bytes, at), line));
        }
    }

    /** Header, section, symbol, relocation and CO-RE relocation lines of an llvm-objdump listing. */
    private static boolean isListingDecoration(String text) {
        return text.contains("file format") || text.startsWith("Disassembly of section")
            || SYMBOL.matcher(text).matches() || text.contains("R_BPF_") || text.contains("CO-RE <");
    }

    /** {@code .8byte 0xWORD}: one slot given as its 64-bit little-endian word. */
    private static Instruction rawSlot(String word, Line line) {
        Long value = Numbers.parse(word);
        if (value == null) {
            throw line.error("expected .8byte followed by a 64-bit number, got '" + word + "'");
        }
        byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
        return InstructionDecoder.decode(bytes, 0);
    }

    /** The instruction text of a line: comment, address, byte column and target annotation removed. */
    static String clean(String raw) {
        String t = raw;
        int cut = indexOfComment(t);
        if (cut >= 0) {
            t = t.substring(0, cut);
        }
        t = ADDRESS.matcher(t).replaceFirst("");
        t = BYTES.matcher(t).replaceFirst("");
        t = t.replace('\t', ' ').trim();
        if (!t.equals(UNKNOWN)) {
            t = ANNOTATION.matcher(t).replaceFirst("");
        }
        return t.replaceAll(" {2,}", " ").trim();
    }

    private static int indexOfComment(String t) {
        int best = -1;
        for (String marker : new String[] {"#", ";", "//"}) {
            int at = t.indexOf(marker);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    /** llvm-objdump -r shows a bpf-to-bpf call as a numbered call plus an R_BPF_64_32 relocation. */
    private static void markLastCallLocal(List<Pending> pending) {
        if (pending.isEmpty()) {
            return;
        }
        Pending last = pending.get(pending.size() - 1);
        Instruction insn = last.insn();
        if (insn.opcode() == CALL && insn.src() == BPF_CALL_HELPER) {
            pending.set(pending.size() - 1, new Pending(
                Instruction.of(CALL, 0, BPF_PSEUDO_CALL, 0, insn.imm()), null, false, last.line()));
        }
    }

    private static List<Instruction> resolve(List<Pending> pending, Map<String, Integer> labels) {
        List<Instruction> out = new ArrayList<>(pending.size());
        for (int pc = 0; pc < pending.size(); pc++) {
            Pending p = pending.get(pc);
            Instruction insn = p.insn();
            if (p.label() != null) {
                Integer target = labels.get(p.label());
                if (target == null && p.label().equals("exit")) {
                    target = implicitExit(pending, pc);
                }
                if (target == null) {
                    throw p.line().error("undefined label '" + p.label() + "'");
                }
                int rel = target - (pc + 1);
                if (p.inImm()) {
                    insn = Instruction.of(insn.opcode(), insn.dst(), insn.src(), insn.offset(), rel);
                } else {
                    if (rel < Short.MIN_VALUE || rel > Short.MAX_VALUE) {
                        throw p.line().error("jump to '" + p.label() + "' is " + rel
                            + " instructions away: beyond a 16-bit offset (use gotol / ja32)");
                    }
                    insn = Instruction.of(insn.opcode(), insn.dst(), insn.src(), rel, insn.imm());
                }
            }
            out.add(insn);
        }
        return out;
    }

    /** The conformance suite's convention: the nearest exit before the jump, else the first after. */
    private static Integer implicitExit(List<Pending> pending, int from) {
        for (int i = from - 1; i >= 0; i--) {
            if (pending.get(i).insn().isExit() && pending.get(i).label() == null) {
                return i;
            }
        }
        for (int i = from + 1; i < pending.size(); i++) {
            if (pending.get(i).insn().isExit() && pending.get(i).label() == null) {
                return i;
            }
        }
        return null;
    }
}
