package io.ebpfjvm.core.elf;

/**
 * One section header of an ELF object, checked against the file by {@link ElfFile}: contents
 * (unless NOBITS) lie inside the file, {@code link} and a relocation section's {@code info}
 * name existing sections, and code sizes are whole instructions.
 *
 * @param index     section header index
 * @param name      name from the section-name string table
 * @param type      {@code sh_type} ({@link #SHT_PROGBITS}, {@link #SHT_SYMTAB}, ...)
 * @param flags     {@code sh_flags} ({@link #SHF_EXECINSTR} marks code)
 * @param offset    file offset of the contents
 * @param size      size in bytes (for NOBITS, the size in memory; nothing is in the file)
 * @param link      {@code sh_link}: the string table of a symbol table, the symbol table of a relocation section
 * @param info      {@code sh_info}: for a relocation section, the index of the section it relocates
 * @param entrySize {@code sh_entsize}: the size of one entry of a table
 */
public record ElfSection(int index, String name, int type, long flags, long offset, long size, int link, int info,
                         long entrySize) {
    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;
    public static final long SHF_WRITE = 0x1;
    public static final long SHF_ALLOC = 0x2;
    public static final long SHF_EXECINSTR = 0x4;

    /** Whether the section holds code. */
    public boolean isExecutable() {
        return (flags & SHF_EXECINSTR) != 0;
    }
}
