package io.ebpfjvm.core.loader;

import io.ebpfjvm.core.error.InvalidProgramException;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;

import java.util.List;

/**
 * One program of an object, relocated: its function's instructions followed by every
 * subprogram it reaches, with {@code lddw} map references rewritten the way libbpf hands
 * them to the kernel: {@code src=1} (map) with imm = map index, or {@code src=2} (map value)
 * with imm = map index and the second slot's imm = offset into the value.
 *
 * @param name    the function's name
 * @param section the ELF section it came from ({@code xdp}, {@code socket}, {@code tc}, ...)
 * @param slots   the relocated instruction slots, not yet validated: an object may hold a
 *                broken program next to good ones, and only using it is an error
 */
public record ProgramSpec(String name, String section, List<Instruction> slots) {

    public ProgramSpec {
        slots = List.copyOf(slots);
    }

    /** The validated program; throws {@link InvalidProgramException} naming this program. */
    public Program program() {
        try {
            return Program.of(slots);
        } catch (InvalidProgramException e) {
            throw new InvalidProgramException(e.instructionIndex(), "program " + name + " (section " + section + "): "
                + e.getMessage().replaceFirst("^insn -?\\d+: ", ""));
        }
    }
}
