package io.ebpfjvm.core.loader;

import io.ebpfjvm.core.btf.Btf;
import io.ebpfjvm.core.error.ElfFormatException;

import java.util.List;
import java.util.Optional;

/**
 * A clang-built eBPF object, loaded: its programs (relocated), the maps it declares, its
 * license, BTF (null when built without {@code -g}) and global variables. Build one with
 * {@link ObjectLoader#load(byte[], String)}.
 */
public record BpfObject(String name, List<ProgramSpec> programs, List<MapSpec> maps, String license, Btf btf,
                        List<GlobalVariable> variables) {

    public BpfObject {
        programs = List.copyOf(programs);
        maps = List.copyOf(maps);
        variables = List.copyOf(variables);
    }

    /** An object without global variables. */
    public BpfObject(String name, List<ProgramSpec> programs, List<MapSpec> maps, String license, Btf btf) {
        this(name, programs, maps, license, btf, List.of());
    }

    /** The global variables of one data section, by offset. */
    public List<GlobalVariable> variables(String section) {
        return variables.stream().filter(v -> v.section().equals(section)).toList();
    }

    public Optional<ProgramSpec> program(String programName) {
        return programs.stream().filter(p -> p.name().equals(programName)).findFirst();
    }

    /** The first program in a section with this name. */
    public Optional<ProgramSpec> programInSection(String section) {
        return programs.stream().filter(p -> p.section().equals(section)).findFirst();
    }

    /** Picks a program by name or section; with neither, the only program (or an error listing them). */
    public ProgramSpec select(String programName, String section) {
        if (programName != null) {
            return program(programName).orElseThrow(() -> new ElfFormatException(name + ": no program '" + programName
                + "'; programs: " + names()));
        }
        if (section != null) {
            return programInSection(section).orElseThrow(() -> new ElfFormatException(name + ": no program in section '"
                + section + "'; programs: " + names()));
        }
        if (programs.size() != 1) {
            throw new ElfFormatException(name + ": " + programs.size() + " programs, choose one with --program or --section: " + names());
        }
        return programs.get(0);
    }

    public Optional<MapSpec> map(String mapName) {
        return maps.stream().filter(m -> m.name().equals(mapName)).findFirst();
    }

    private String names() {
        return String.join(", ", programs.stream().map(p -> p.name() + " (" + p.section() + ")").toList());
    }
}
