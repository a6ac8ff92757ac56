package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Assembler text to instructions. Two syntaxes are read, mixed freely, one instruction a line:
 *
 * <ul>
 *   <li>LLVM, exactly as {@code llvm-objdump -d} prints it ({@code r0 = *(u32 *)(r1 + 0x4)},
 *       {@code if r3 > r2 goto +0x4 <LBB0_2>}, {@code r0 = 0x1 ll}). A whole listing may be fed
 *       in: the {@code file format} header, section and symbol lines, the address and byte
 *       columns and the {@code <...>} target annotations are skipped. In a listing made with
 *       {@code -r}, a call followed by an {@code R_BPF_64_32} relocation is a local call.</li>
 *   <li>uBPF / bpf_conformance ({@code ldxw %r0, [%r1+4]}, {@code jne %r0, 15, fail},
 *       {@code call local fn}, {@code lock fetch add [%r10-8], %r1}).</li>
 * </ul>
 *
 * A slot may also be given raw as {@code .8byte 0xWORD} (its 64-bit little-endian word).
 * Labels ({@code name:}) may stand alone or before an instruction and serve as jump and call
 * targets in both syntaxes; a jump to an undefined label {@code exit} goes to the nearest
 * {@code exit} before it (else the first after it), as the conformance suite's assembler does. Comments start with {@code #},
 * {@code ;} or {@code //}. Errors name the line.
 */
public final class Assembler {
    private Assembler() {
    }

    private static final Pattern ADDRESS = Pattern.compile("^\\s*\\d+:\\s+");
    private static final Pattern BYTES = Pattern.compile("^(?:[0-9a-f]{2} ){7}[0-9a-f]{2}(?: (?:[0-9a-f]{2} ){7}[0-9a-f]{2})?\\s+");
    private static final Pattern SYMBOL = Pattern.compile("^[0-9a-fA-F]+ <[^>]*>:$");
    private static final Pattern ANNOTATION = Pattern.compile("\\s*<[^<>]*>$");
    private static final Pattern LABEL = Pattern.compile("^([A-Za-z_.$][\\w.$]*):\\s*(.*)$");

    /** Assembles and validates a program. */
    public static Program assemble(String source) {
        return Program.of(assembleSlots(source));
    }

    /** Assembles without validating the program as a whole (single instructions are still checked). */
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
            if (text.isEmpty() || text.contains("file format") || text.startsWith("Disassembly of section")
                || SYMBOL.matcher(text).matches() || text.contains("R_BPF_")) {
                continue;
            }
            var label = LABEL.matcher(text);
            if (label.matches() && !text.startsWith("call ")) {
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
            if (text.startsWith(".8byte ")) {
                pending.add(Pending.of(rawSlot(line), line));
            } else if (LlvmSyntax.claims(text)) {
                LlvmSyntax.parse(line, pending);
            } else {
                UbpfSyntax.parse(line, pending);
            }
        }
        return resolve(pending, labels);
    }

    /** {@code .8byte 0xWORD}: one slot given as its 64-bit little-endian word. */
    private static Instruction rawSlot(Line line) {
        Long word = Numbers.parse(line.text().substring(7));
        if (word == null) {
            throw line.error("expected .8byte followed by a 64-bit number");
        }
        byte[] b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(word).array();
        return io.ebpfjvm.core.isa.InstructionDecoder.decode(b, 0);
    }

    static String clean(String raw) {
        String t = raw;
        int cut = indexOfComment(t);
        if (cut >= 0) {
            t = t.substring(0, cut);
        }
        t = ADDRESS.matcher(t).replaceFirst("");
        t = BYTES.matcher(t).replaceFirst("");
        t = t.replace('\t', ' ').trim();
        t = ANNOTATION.matcher(t).replaceFirst("");
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
