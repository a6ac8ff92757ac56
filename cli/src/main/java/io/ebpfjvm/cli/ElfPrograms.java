package io.ebpfjvm.cli;

import io.ebpfjvm.core.elf.ElfFile;
import io.ebpfjvm.core.elf.ElfSection;
import io.ebpfjvm.core.error.ElfFormatException;
import io.ebpfjvm.core.isa.Program;

import java.util.List;

/** Picking code out of ELF objects for the CLI. */
final class ElfPrograms {
    private ElfPrograms() {
    }

    static ElfFile parse(byte[] data, String where) {
        try {
            return ElfFile.parse(data);
        } catch (ElfFormatException e) {
            throw new ElfFormatException(where + ": " + e.getMessage());
        }
    }

    /** The first program section of an object, as a validated program. */
    static Program firstProgram(byte[] data, String where) {
        ElfFile elf = parse(data, where);
        List<ElfSection> code = elf.programSections();
        if (code.isEmpty()) {
            throw new ElfFormatException(where + ": no program section (expected an executable section such as xdp or socket)");
        }
        return Programs.decode(elf.contents(code.get(0)), where + " section " + code.get(0).name());
    }

    static ElfSection section(ElfFile elf, String name, String where) {
        return elf.section(name).orElseThrow(() -> new ElfFormatException(where + ": no section '" + name
            + "'; program sections: " + String.join(", ", elf.programSections().stream().map(ElfSection::name).toList())));
    }
}
