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
 * A 64-bit little-endian ELF object for the BPF machine, as {@code clang -target bpf} writes
 * it: header, section headers, section names and the symbol table. Every offset, size, count
 * and index is checked against the file before use, so a malformed file yields an
 * {@link ElfFormatException} with a one-line message naming the place and what was expected,
 * and nothing is allocated beyond what the file really holds. Instances are immutable.
 */
public final class ElfFile {
    /** {@code e_machine} of BPF objects. */
    public static final int EM_BPF = 247;
    private static final int HEADER_SIZE = 64;
    private static final int SECTION_HEADER_SIZE = 64;
    private static final int SYMBOL_SIZE = 24;
    private static final int INSTRUCTION_SIZE = 8;

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

    /** Reads an object; the bytes are copied, so later changes to {@code data} do not show. */
    public static ElfFile parse(byte[] data) {
        byte[] copy = data.clone();
        ByteBuffer b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        checkHeader(copy, b);
        List<ElfSection> sections = readSections(copy, b);
        return new ElfFile(copy, sections, readSymbols(b, sections));
    }

    private static void checkHeader(byte[] data, ByteBuffer b) {
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
        int machine = b.getShort(18) & 0xffff;
        if (machine != EM_BPF) {
            throw new ElfFormatException("ELF header: machine " + machine + ", expected " + EM_BPF + " (BPF)");
        }
    }

    private static List<ElfSection> readSections(byte[] data, ByteBuffer b) {
        long shoff = b.getLong(40);
        int shentsize = b.getShort(58) & 0xffff;
        int shnum = b.getShort(60) & 0xffff;
        int shstrndx = b.getShort(62) & 0xffff;
        if (shnum == 0) {
            // 0 also marks a count too large for the header (kept in section 0): never from clang.
            throw new ElfFormatException("ELF header: no section headers (e_shnum 0), expected a section table");
        }
        if (shentsize != SECTION_HEADER_SIZE) {
            throw new ElfFormatException("ELF header: section header size " + shentsize + ", expected " + SECTION_HEADER_SIZE);
        }
        checkRange(data, shoff, (long) shnum * SECTION_HEADER_SIZE, "section header table");
        if (shstrndx >= shnum) {
            throw new ElfFormatException("ELF header: section name table index " + shstrndx + " beyond " + shnum + " sections");
        }
        Header[] headers = new Header[shnum];
        for (int i = 0; i < shnum; i++) {
            headers[i] = Header.read(b, (int) (shoff + (long) i * SECTION_HEADER_SIZE));
            if (headers[i].hasContents()) {
                checkRange(data, headers[i].offset, headers[i].size, "section " + i);
            }
        }
        Header names = headers[shstrndx];
        if (names.type != ElfSection.SHT_STRTAB) {
            throw new ElfFormatException("section " + shstrndx + ": type " + names.type
                + ", expected the section name table (" + ElfSection.SHT_STRTAB + ", STRTAB)");
        }
        List<ElfSection> sections = new ArrayList<>(shnum);
        for (int i = 0; i < shnum; i++) {
            Header h = headers[i];
            String name = i == 0 ? "" : string(data, names, h.name, "section " + i + " name");
            sections.add(h.check(i, name, shnum));
        }
        return List.copyOf(sections);
    }

    /** A section header as read, before its name is known. */
    private record Header(long name, int type, long flags, long offset, long size, long link, long info, long entrySize) {
        static Header read(ByteBuffer b, int at) {
            return new Header(b.getInt(at) & 0xffffffffL, b.getInt(at + 4), b.getLong(at + 8), b.getLong(at + 24),
                b.getLong(at + 32), b.getInt(at + 40) & 0xffffffffL, b.getInt(at + 44) & 0xffffffffL, b.getLong(at + 56));
        }

        /** NOBITS sections (.bss) and the empty null section hold nothing in the file. */
        boolean hasContents() {
            return type != ElfSection.SHT_NOBITS && (type != ElfSection.SHT_NULL || size != 0);
        }

        ElfSection check(int index, String name, int shnum) {
            String where = "section " + index + " (" + name + ")";
            if (type != ElfSection.SHT_NULL && link >= shnum) {
                throw new ElfFormatException(where + ": link " + link + " beyond " + shnum + " sections");
            }
            if ((type == ElfSection.SHT_REL || type == ElfSection.SHT_RELA) && info >= shnum) {
                throw new ElfFormatException(where + ": relocated section " + info + " beyond " + shnum + " sections");
            }
            if (type == ElfSection.SHT_PROGBITS && (flags & ElfSection.SHF_EXECINSTR) != 0 && size % INSTRUCTION_SIZE != 0) {
                throw new ElfFormatException(where + ": code size " + size + " is not a multiple of "
                    + INSTRUCTION_SIZE + " (the instruction size)");
            }
            return new ElfSection(index, name, type, flags, offset, size, (int) link, (int) info, entrySize);
        }
    }

    private static List<ElfSymbol> readSymbols(ByteBuffer b, List<ElfSection> sections) {
        ElfSection symtab = sections.stream().filter(s -> s.type() == ElfSection.SHT_SYMTAB).findFirst().orElse(null);
        if (symtab == null) {
            return List.of();
        }
        String where = "section " + symtab.index() + " (" + symtab.name() + ")";
        if (symtab.entrySize() != SYMBOL_SIZE || symtab.size() % SYMBOL_SIZE != 0) {
            throw new ElfFormatException(where + ": entry size " + symtab.entrySize() + " and size " + symtab.size()
                + ", expected entries of " + SYMBOL_SIZE + " bytes");
        }
        ElfSection strtab = sections.get(symtab.link());
        if (strtab.type() != ElfSection.SHT_STRTAB) {
            throw new ElfFormatException(where + ": linked section " + strtab.index() + " (" + strtab.name()
                + ") is not a string table");
        }
        Header names = new Header(0, strtab.type(), 0, strtab.offset(), strtab.size(), 0, 0, 0);
        int count = (int) (symtab.size() / SYMBOL_SIZE);
        List<ElfSymbol> symbols = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = (int) (symtab.offset() + (long) i * SYMBOL_SIZE);
            int info = b.get(at + 4) & 0xff;
            int shndx = b.getShort(at + 6) & 0xffff;
            if (shndx >= sections.size() && shndx < ElfSymbol.SHN_LORESERVE) {
                throw new ElfFormatException("symbol " + i + ": section index " + shndx + " beyond " + sections.size()
                    + " sections");
            }
            if (shndx == ElfSymbol.SHN_XINDEX) {
                throw new ElfFormatException("symbol " + i + ": extended section index (SHN_XINDEX), never used by BPF objects");
            }
            String name = string(b.array(), names, b.getInt(at) & 0xffffffffL, "symbol " + i + " name");
            symbols.add(new ElfSymbol(name, b.getLong(at + 8), b.getLong(at + 16), info & 0xf, info >>> 4, shndx));
        }
        return List.copyOf(symbols);
    }

    private static void checkRange(byte[] data, long offset, long size, String what) {
        if (offset < 0 || size < 0 || offset > data.length || size > data.length - offset) {
            throw new ElfFormatException(what + ": bytes [" + Long.toUnsignedString(offset) + ", +"
                + Long.toUnsignedString(size) + ") lie outside the " + data.length + "-byte file");
        }
    }

    /** The NUL-terminated string at {@code index} of a string table already checked to lie in the file. */
    private static String string(byte[] data, Header table, long index, String what) {
        if (index >= table.size) {
            throw new ElfFormatException(what + ": string offset " + index + " beyond the " + table.size + "-byte string table");
        }
        int start = (int) (table.offset + index);
        int limit = (int) (table.offset + table.size);
        int end = start;
        while (end < limit && data[end] != 0) {
            end++;
        }
        if (end == limit) {
            throw new ElfFormatException(what + ": string at offset " + index + " is not NUL-terminated");
        }
        return new String(data, start, end - start, StandardCharsets.UTF_8);
    }

    /** All section headers, by index (index 0 is the null section). */
    public List<ElfSection> sections() {
        return sections;
    }

    /** The symbol table, by index; empty when the object has none. */
    public List<ElfSymbol> symbols() {
        return symbols;
    }

    /** The first section called {@code name}. */
    public Optional<ElfSection> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The bytes of the first section called {@code name}. */
    public Optional<byte[]> sectionBytes(String name) {
        return section(name).map(this::contents);
    }

    /** A copy of the bytes of a section of this file (empty for NOBITS). */
    public byte[] contents(ElfSection section) {
        if (section.type() == ElfSection.SHT_NOBITS || section.size() == 0) {
            return new byte[0];
        }
        if (section.index() >= sections.size() || !sections.get(section.index()).equals(section)) {
            throw new IllegalArgumentException("section " + section.name() + " is not one of this file's");
        }
        byte[] out = new byte[(int) section.size()];
        System.arraycopy(data, (int) section.offset(), out, 0, out.length);
        return out;
    }

    /** Code sections holding at least one instruction ({@code SHF_EXECINSTR}, size > 0), in file order. */
    public List<ElfSection> programSections() {
        return sections.stream().filter(s -> s.isExecutable() && s.size() > 0 && s.type() == ElfSection.SHT_PROGBITS).toList();
    }

    /** Function symbols of a section, by offset: where a listing prints {@code <name>:}. */
    public List<ElfSymbol> functions(ElfSection section) {
        return symbols.stream().filter(s -> s.isFunction() && s.section() == section.index())
            .sorted(Comparator.comparingLong(ElfSymbol::value)).toList();
    }
}
