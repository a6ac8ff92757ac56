package io.ebpfjvm.core.loader;

import io.ebpfjvm.core.btf.Btf;
import io.ebpfjvm.core.elf.ElfFile;
import io.ebpfjvm.core.elf.ElfSection;
import io.ebpfjvm.core.elf.ElfSymbol;
import io.ebpfjvm.core.error.ElfFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a clang-built eBPF object the way libbpf prepares it for the kernel: every global
 * function in a code section other than {@code .text} is a program; the subprograms it calls
 * are appended after it; map and global-data references are relocated. What is not
 * supported (CO-RE relocations, kfuncs, extern variables) fails with a message naming the
 * section and relocation.
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
        rejectCoRe(elf);
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
                programs.add(new ProgramSpec(f.name(), section.name(), linker.link(section, f)));
            }
        }
        return new BpfObject(name, List.copyOf(programs), maps.maps(), license(elf), btf);
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

    /** .BTF.ext carries CO-RE relocations in its third subsection; we cannot apply them. */
    private static void rejectCoRe(ElfFile elf) {
        elf.section(".BTF.ext").ifPresent(s -> {
            byte[] b = elf.contents(s);
            if (b.length < 32) {
                return;
            }
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = buf.getInt(4) & 0xffffffffL;
            if (headerLength >= 32 && (buf.getInt(28) & 0xffffffffL) > 0) {
                throw new ElfFormatException("section .BTF.ext: CO-RE relocations are not supported "
                    + "(the object uses __builtin_preserve_access_index or BPF_CORE_READ); build without CO-RE");
            }
        });
    }
}
