package io.ebpfjvm.core.loader;

import io.ebpfjvm.core.error.ElfFormatException;
import io.ebpfjvm.core.error.InvalidProgramException;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One program of an object, relocated: its function's instructions followed by every
 * subprogram it reaches, with {@code lddw} map references rewritten the way libbpf hands
 * them to the kernel: {@code src=1} (map) with imm = map index, or {@code src=2} (map value)
 * with imm = map index and the second slot's imm = offset into the value.
 *
 * @param name        the function's name
 * @param section     the ELF section it came from ({@code xdp}, {@code socket}, {@code tc}, ...)
 * @param slots       the relocated instruction slots, not yet validated: an object may hold a
 *                    broken program next to good ones, and only using it is an error
 * @param source      source lines and function starts from {@code .BTF.ext}, by instruction index
 *                    of {@code slots} ({@link SourceMap#empty()} without debug info)
 * @param unsupported null, or why this program cannot run here (a CO-RE relocation, a kfunc
 *                    call, an extern variable), naming the section and relocation;
 *                    {@link #program()} throws it. Other programs of the object are unaffected.
 */
public record ProgramSpec(String name, String section, List<Instruction> slots, SourceMap source, String unsupported) {

    public ProgramSpec {
        slots = List.copyOf(slots);
        Objects.requireNonNull(source, "source");
    }

    /** A program without debug information. */
    public ProgramSpec(String name, String section, List<Instruction> slots) {
        this(name, section, slots, SourceMap.empty(), null);
    }

    /**
     * The validated program.
     *
     * @throws ElfFormatException when the program uses what is not supported ({@link #unsupported()})
     * @throws InvalidProgramException naming this program when its instructions are not valid
     */
    public Program program() {
        if (unsupported != null) {
            throw new ElfFormatException("program " + name + " (section " + section + "): " + unsupported);
        }
        try {
            return Program.of(slots);
        } catch (InvalidProgramException e) {
            throw new InvalidProgramException(e.instructionIndex(), "program " + name + " (section " + section + "): "
                + e.getMessage().replaceFirst("^insn -?\\d+: ", ""));
        }
    }

    /** Whether the program can be run here (see {@link #unsupported()}). */
    public boolean isSupported() {
        return unsupported == null;
    }

    /**
     * The source line of instruction {@code insn} (an index into {@link #slots()}): the nearest
     * line record at or before it in its function; empty without {@code .BTF.ext} line info.
     * For messages: {@code sourceLine(pc).map(SourceLine::kernelStyle)} reads like the kernel's
     * verifier log, {@code ; return x; @ file.c:12}.
     */
    public Optional<SourceLine> sourceLine(int insn) {
        return source.lineAt(insn);
    }
}
