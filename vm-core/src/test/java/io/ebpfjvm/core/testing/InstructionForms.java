package io.ebpfjvm.core.testing;

import io.ebpfjvm.core.error.InvalidProgramException;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * The distinct instruction forms of the ISA: an opcode, refined by the field that selects a
 * different operation under the same opcode (signed division's offset, a sign-extending move's
 * width, a byte swap's width, an atomic operation, a call's or wide load's source). Used to
 * check that a generator or a set of test objects really covers every instruction.
 */
public final class InstructionForms {
    private InstructionForms() {
    }

    /** The form of one instruction, e.g. {@code 0xbf/off=8} for {@code r1 = (s8)r2}. */
    public static String formOf(Instruction insn) {
        String opcode = String.format("0x%02x", insn.opcode());
        int cls = insn.cls();
        boolean alu = cls == BPF_ALU || cls == BPF_ALU64;
        if (alu && (insn.op() == BPF_DIV || insn.op() == BPF_MOD)) {
            return opcode + "/off=" + insn.offset();
        }
        if (alu && insn.op() == BPF_MOV && source(insn.opcode()) == BPF_X) {
            return opcode + "/off=" + insn.offset();
        }
        if (alu && insn.op() == BPF_END) {
            return opcode + "/imm=" + insn.imm();
        }
        if (cls == BPF_STX && mode(insn.opcode()) == BPF_ATOMIC) {
            return opcode + String.format("/imm=0x%x", insn.imm());
        }
        if (insn.opcode() == CALL || insn.opcode() == LDDW) {
            return opcode + "/src=" + insn.src();
        }
        return opcode;
    }

    /** The forms of every instruction in some slots (second halves of wide loads skipped). */
    public static Set<String> formsIn(List<Instruction> slots) {
        Set<String> out = new TreeSet<>();
        for (int pc = 0; pc < slots.size(); pc++) {
            Instruction insn = slots.get(pc);
            out.add(formOf(insn));
            if (insn.isLddw()) {
                pc++;
            }
        }
        return out;
    }

    /**
     * Every form {@link Program#of} accepts, found by trying each opcode with each value of
     * the fields that can select an operation, so this list follows the validator rather than
     * repeating it.
     */
    public static Set<String> allValidForms() {
        int[] offsets = {0, 1, 8, 16, 32};
        List<Integer> imms = new ArrayList<>(List.of(0, 16, 32, 64));
        for (int op : new int[] {BPF_ADD, BPF_OR, BPF_AND, BPF_XOR}) {
            imms.add(op);
            imms.add(op | BPF_FETCH);
        }
        imms.add(BPF_XCHG);
        imms.add(BPF_CMPXCHG);
        Set<String> forms = new TreeSet<>();
        for (int opcode = 0; opcode < 256; opcode++) {
            for (int dst = 0; dst <= 1; dst++) {
                for (int src = 0; src < 8; src++) {
                    for (int off : offsets) {
                        for (int imm : imms) {
                            Instruction insn = Instruction.of(opcode, dst, src, off, imm);
                            if (valid(insn)) {
                                forms.add(formOf(insn));
                            }
                        }
                    }
                }
            }
        }
        return forms;
    }

    /** {@code expected} minus {@code seen}, for a readable assertion message. */
    public static Set<String> missing(Collection<String> expected, Collection<String> seen) {
        Set<String> out = new TreeSet<>(expected);
        out.removeAll(seen);
        return out;
    }

    private static boolean valid(Instruction insn) {
        List<Instruction> slots = new ArrayList<>();
        slots.add(insn);
        if (insn.isLddw()) {
            slots.add(Instruction.of(0, 0, 0, 0, 0));
        }
        slots.add(Instruction.of(EXIT, 0, 0, 0, 0));
        try {
            Program.of(slots);
            return true;
        } catch (InvalidProgramException e) {
            return false;
        }
    }
}
