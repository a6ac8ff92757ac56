package io.ebpfjvm.core.loader;

import io.ebpfjvm.core.btf.Btf;
import io.ebpfjvm.core.btf.BtfExt;
import io.ebpfjvm.core.btf.BtfKind;
import io.ebpfjvm.core.btf.BtfType;
import io.ebpfjvm.core.elf.ElfFile;
import io.ebpfjvm.core.elf.ElfSection;
import io.ebpfjvm.core.elf.ElfSymbol;
import io.ebpfjvm.core.error.ElfFormatException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a clang-built eBPF object the way libbpf prepares it for the kernel: every global
 * function in a code section other than {@code .text} is a program; the subprograms it calls
 * are appended after it; map and global-data references are relocated; {@code .BTF.ext} line
 * and function info is moved to each program's instruction indexes ({@link ProgramSpec#sourceLine}).
 * What is not supported (CO-RE relocations, kfuncs, extern variables) marks only the programs
 * that use it: they fail with a message naming the section and relocation when selected
 * ({@link ProgramSpec#program()}), while the object and its other programs load.
 */
public final class ObjectLoader {
    private ObjectLoader() {
    }

    /**
     * @param data the object file's bytes
     * @param name what to call the object in messages (usually the file name)
     */
    public static BpfObject load(byte[] data, String name) {
        try {
            return load(ElfFile.parse(data), name);
        } catch (ElfFormatException e) {
            throw new ElfFormatException(name + ": " + e.getMessage());
        } catch (ArithmeticException e) {
            throw new ElfFormatException(name + ": size overflow: " + e.getMessage());
        }
    }

    static BpfObject load(ElfFile elf, String name) {
        Btf btf = elf.section(".BTF").map(s -> Btf.parse(elf.contents(s))).orElse(null);
        BtfExt ext = elf.section(".BTF.ext").map(s -> BtfExt.parse(elf.contents(s), btf)).orElse(BtfExt.empty());
        MapCollector maps = new MapCollector();
        maps.collect(elf, btf);
        Linker linker = new Linker(elf, maps);
        List<ProgramSpec> programs = new ArrayList<>();
        for (ElfSection section : elf.programSections()) {
            if (section.name().equals(".text")) {
                continue;
            }
            List<ElfSymbol> functions = elf.functions(section).stream().filter(f -> f.bind() != 0).toList();
            if (functions.isEmpty()) {
                functions = elf.functions(section);
            }
            if (functions.isEmpty()) {
                // Hand-written assembly without symbols: the whole section is one program.
                functions = List.of(new ElfSymbol(section.name(), 0, section.size(), ElfSymbol.STT_FUNC, 1, section.index()));
            }
            for (ElfSymbol f : functions) {
                programs.add(program(linker, section, f, ext, btf));
            }
        }
        return new BpfObject(name, List.copyOf(programs), maps.maps(), license(elf), btf, variables(elf, btf));
    }

    /** Named objects in data sections, by section and offset; types from the section's BTF DATASEC. */
    private static List<GlobalVariable> variables(ElfFile elf, Btf btf) {
        List<GlobalVariable> out = new ArrayList<>();
        for (ElfSection s : elf.sections()) {
            if (!MapCollector.isDataSection(s.name()) || s.size() == 0) {
                continue;
            }
            BtfType datasec = btf == null ? null : btf.dataSection(s.name()).orElse(null);
            for (ElfSymbol sym : elf.symbols()) {
                if (sym.section() != s.index() || sym.type() != ElfSymbol.STT_OBJECT || sym.name().isEmpty()) {
                    continue;
                }
                if (sym.value() < 0 || sym.size() < 0 || sym.value() + sym.size() > s.size()) {
                    throw new ElfFormatException("section " + s.name() + ": variable '" + sym.name() + "' at offset "
                        + sym.value() + " (" + sym.size() + " bytes) lies outside the " + s.size() + "-byte section");
                }
                int type = 0;
                if (datasec != null) {
                    for (BtfType.Member m : datasec.members()) {
                        BtfType var = btf.type(m.type());
                        if (var.kind() == BtfKind.VAR && var.name().equals(sym.name())) {
                            type = var.sizeOrType();
                        }
                    }
                }
                out.add(new GlobalVariable(s.name(), sym.name(), (int) sym.value(), (int) sym.size(), type));
            }
        }
        out.sort(java.util.Comparator.comparing(GlobalVariable::section).thenComparingInt(GlobalVariable::offset));
        return out;
    }

    /**
     * Links one program and relocates its line info; what it uses that cannot run here (kfuncs,
     * externs, CO-RE) marks only this program unsupported.
     */
    private static ProgramSpec program(Linker linker, ElfSection section, ElfSymbol f, BtfExt ext, Btf btf) {
        Linker.Linked linked;
        try {
            linked = linker.link(section, f);
        } catch (Linker.Unsupported e) {
            return new ProgramSpec(f.name(), section.name(), List.of(), SourceMap.empty(), e.getMessage());
        }
        return new ProgramSpec(f.name(), section.name(), linked.slots(), sourceMap(linked, ext, btf),
            coreRelocation(linked, ext, btf));
    }

    /** Line and function records of every placed function, moved to the linked program's instruction indexes. */
    private static SourceMap sourceMap(Linker.Linked linked, BtfExt ext, Btf btf) {
        List<SourceMap.Entry> lines = new ArrayList<>();
        List<SourceMap.FunctionStart> functions = new ArrayList<>();
        for (Linker.Placement p : linked.placements()) {
            for (BtfExt.LineInfo l : ext.lineInfo(p.section().name())) {
                int pc = linkedIndex(p, l.insnOffset());
                if (pc >= 0) {
                    lines.add(new SourceMap.Entry(pc, new SourceLine(l.file(), l.text(), l.line(), l.column())));
                }
            }
            for (BtfExt.FuncInfo fi : ext.funcInfo(p.section().name())) {
                int pc = linkedIndex(p, fi.insnOffset());
                if (pc >= 0) {
                    String fname = fi.typeId() > 0 && fi.typeId() < btf.types().size() ? btf.type(fi.typeId()).name() : "";
                    functions.add(new SourceMap.FunctionStart(pc, fi.typeId(), fname));
                }
            }
        }
        lines.sort(java.util.Comparator.comparingInt(SourceMap.Entry::insn));
        functions.sort(java.util.Comparator.comparingInt(SourceMap.FunctionStart::insn));
        return new SourceMap(lines, functions);
    }

    /** The linked index of the slot {@code byteOffset} bytes into the placement's section, or -1 when outside it. */
    private static int linkedIndex(Linker.Placement p, long byteOffset) {
        if (byteOffset % 8 != 0) {
            return -1;
        }
        long slot = byteOffset / 8;
        return slot >= p.start() && slot < p.start() + p.length() ? (int) (p.base() + slot - p.start()) : -1;
    }

    /** The first CO-RE relocation on the program's code, as a message; null when there is none. */
    private static String coreRelocation(Linker.Linked linked, BtfExt ext, Btf btf) {
        for (Linker.Placement p : linked.placements()) {
            for (BtfExt.CoreRelo r : ext.coreRelos(p.section().name())) {
                if (linkedIndex(p, r.insnOffset()) >= 0) {
                    String type = r.typeId() > 0 && r.typeId() < btf.types().size() ? " of " + typeName(btf, r.typeId()) : "";
                    return "section " + p.section().name() + " insn " + r.insnOffset() / 8 + ": CO-RE relocation "
                        + r.kindName() + type + " (access " + r.access() + ") is not supported; build without "
                        + "__builtin_preserve_access_index / BPF_CORE_READ";
                }
            }
        }
        return null;
    }

    private static String typeName(Btf btf, int id) {
        BtfType t = btf.type(id);
        return switch (t.kind()) {
            case BtfKind.STRUCT -> "struct " + t.name();
            case BtfKind.UNION -> "union " + t.name();
            case BtfKind.ENUM, BtfKind.ENUM64 -> "enum " + t.name();
            default -> "type " + (t.name().isEmpty() ? "[" + id + "]" : t.name());
        };
    }

    private static String license(ElfFile elf) {
        return elf.section("license").map(s -> {
            byte[] b = elf.contents(s);
            int end = 0;
            while (end < b.length && b[end] != 0) {
                end++;
            }
            return new String(b, 0, end, StandardCharsets.UTF_8);
        }).orElse("");
    }
}
