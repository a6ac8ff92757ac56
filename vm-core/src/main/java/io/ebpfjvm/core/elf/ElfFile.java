package io.ebpfjvm.core.elf;

import io.ebpfjvm.core.error.ElfFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A 64-bit little-endian ELF relocatable object for the BPF machine, as {@code clang -target
 * bpf} writes it: header, section headers, section names and the symbol table. Every offset
 * and size is checked against the file before use, so a malformed file yields an
 * {@link ElfFormatException} naming the place and what was expected, and nothing is
 * allocated beyond what the file really holds.
 */
public final class ElfFile {
    /** {@code e_machine} of BPF objects. */
    public static final int EM_BPF = 247;
    private static final int HEADER_SIZE = 64;
    private static final int SECTION_HEADER_SIZE = 64;
    private static final int SYMBOL_SIZE = 24;

    private final byte[] data;
    private final List<ElfSection> sections;
    private final List<ElfSymbol> symbols;

    private ElfFile(byte[] data, List<ElfSection> sections, List<ElfSymbol> symbols) {
        this.data = data;
        this.sections = sections;
        this.symbols = symbols;
    }

    /** True when the bytes start with the ELF magic. */
    public static boolean isElf(byte[] data) {
        return data.length >= 4 && data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' && data[3] == 'F';
    }

    public static ElfFile parse(byte[] data) {
        if (data.length < HEADER_SIZE) {
            throw new ElfFormatException("ELF header: file is " + data.length + " bytes, expected at least " + HEADER_SIZE);
        }
        if (!isElf(data)) {
            throw new ElfFormatException("ELF header: bad magic, expected 7f 45 4c 46");
        }
        if (data[4] != 2) {
            throw new ElfFormatException("ELF header: class " + data[4] + ", expected 2 (64-bit)");
        }
        if (data[5] != 1) {
            throw new ElfFormatException("ELF header: data encoding " + data[5] + ", expected 1 (little-endian)");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int machine = b.getShort(18) & 0xffff;
        if (machine != EM_BPF) {
            throw new ElfFormatException("ELF header: machine " + machine + ", expected " + EM_BPF + " (BPF)");
        }
        long shoff = b.getLong(40);
        int shentsize = b.getShort(58) & 0xffff;
        int shnum = b.getShort(60) & 0xffff;
        int shstrndx = b.getShort(62) & 0xffff;
        if (shnum == 0) {
            throw new ElfFormatException("ELF header: no section headers");
        }
        if (shentsize != SECTION_HEADER_SIZE) {
            throw new ElfFormatException("ELF header: section header size " + shentsize + ", expected " + SECTION_HEADER_SIZE);
        }
        checkRange(data, shoff, (long) shnum * SECTION_HEADER_SIZE, "section header table");
        if (shstrndx >= shnum) {
            throw new ElfFormatException("ELF header: section name table index " + shstrndx + " beyond " + shnum + " sections");
        }
        long[][] raw = new long[shnum][];
        for (int i = 0; i < shnum; i++) {
            int at = (int) (shoff + (long) i * SECTION_HEADER_SIZE);
            raw[i] = new long[] {
                b.getInt(at) & 0xffffffffL, b.getInt(at + 4) & 0xffffffffL, b.getLong(at + 8),
                b.getLong(at + 24), b.getLong(at + 32), b.getInt(at + 40) & 0xffffffffL,
                b.getInt(at + 44) & 0xffffffffL, b.getLong(at + 56),
            };
            int type = (int) raw[i][1];
            if (type != ElfSection.SHT_NOBITS && (type != 0 || raw[i][4] != 0)) {
                checkRange(data, raw[i][3], raw[i][4], "section " + i);
            }
        }
        long[] names = raw[shstrndx];
        List<ElfSection> sections = new ArrayList<>(shnum);
        for (int i = 0; i < shnum; i++) {
            long[] s = raw[i];
            String name = i == 0 ? "" : string(data, names[3], names[4], s[0], "section " + i + " name");
            if (s[5] >= shnum && s[1] != 0) {
                throw new ElfFormatException("section " + name + ": link " + s[5] + " beyond " + shnum + " sections");
            }
            sections.add(new ElfSection(i, name, (int) s[1], s[2], s[3], s[4], (int) s[5], (int) s[6], s[7]));
        }
        return new ElfFile(data, List.copyOf(sections), readSymbols(data, b, sections));
    }

    private static List<ElfSymbol> readSymbols(byte[] data, ByteBuffer b, List<ElfSection> sections) {
        ElfSection symtab = null;
        for (ElfSection s : sections) {
            if (s.type() == ElfSection.SHT_SYMTAB) {
                symtab = s;
                break;
            }
        }
        if (symtab == null) {
            return List.of();
        }
        if (symtab.size() % SYMBOL_SIZE != 0) {
            throw new ElfFormatException("section " + symtab.name() + ": size " + symtab.size()
                + " is not a multiple of the symbol size " + SYMBOL_SIZE);
        }
        ElfSection strtab = sections.get(symtab.link());
        if (strtab.type() != ElfSection.SHT_STRTAB) {
            throw new ElfFormatException("section " + symtab.name() + ": linked section " + strtab.name()
                + " is not a string table");
        }
        int count = (int) (symtab.size() / SYMBOL_SIZE);
        List<ElfSymbol> symbols = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = (int) (symtab.offset() + (long) i * SYMBOL_SIZE);
            long nameOffset = b.getInt(at) & 0xffffffffL;
            int info = data[at + 4] & 0xff;
            int shndx = b.getShort(at + 6) & 0xffff;
            String name = string(data, strtab.offset(), strtab.size(), nameOffset, "symbol " + i + " name");
            symbols.add(new ElfSymbol(name, b.getLong(at + 8), b.getLong(at + 16), info & 0xf, info >>> 4, shndx));
        }
        return List.copyOf(symbols);
    }

    private static void checkRange(byte[] data, long offset, long size, String what) {
        if (offset < 0 || size < 0 || offset > data.length || size > data.length - offset) {
            throw new ElfFormatException(what + ": bytes [" + offset + ", +" + size + ") lie outside the "
                + data.length + "-byte file");
        }
    }

    private static String string(byte[] data, long tableOffset, long tableSize, long index, String what) {
        checkRange(data, tableOffset, tableSize, what + ": string table");
        if (index >= tableSize) {
            throw new ElfFormatException(what + ": string offset " + index + " beyond the " + tableSize + "-byte string table");
        }
        int start = (int) (tableOffset + index);
        int end = start;
        int limit = (int) (tableOffset + tableSize);
        while (end < limit && data[end] != 0) {
            end++;
        }
        if (end == limit) {
            throw new ElfFormatException(what + ": string at offset " + index + " is not NUL-terminated");
        }
        return new String(data, start, end - start, StandardCharsets.UTF_8);
    }

    public List<ElfSection> sections() {
        return sections;
    }

    public List<ElfSymbol> symbols() {
        return symbols;
    }

    public Optional<ElfSection> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The bytes of a section (empty for NOBITS). */
    public byte[] contents(ElfSection section) {
        if (section.type() == ElfSection.SHT_NOBITS) {
            return new byte[0];
        }
        byte[] out = new byte[(int) section.size()];
        System.arraycopy(data, (int) section.offset(), out, 0, out.length);
        return out;
    }

    /** Code sections holding at least one instruction, in file order. */
    public List<ElfSection> programSections() {
        return sections.stream().filter(s -> s.isExecutable() && s.size() > 0 && s.type() == ElfSection.SHT_PROGBITS).toList();
    }

    /** Function symbols of a section, by offset. */
    public List<ElfSymbol> functions(ElfSection section) {
        return symbols.stream().filter(s -> s.isFunction() && s.section() == section.index())
            .sorted(Comparator.comparingLong(ElfSymbol::value)).toList();
    }
}
