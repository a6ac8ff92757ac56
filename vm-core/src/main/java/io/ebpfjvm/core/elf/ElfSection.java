package io.ebpfjvm.core.elf;

/**
 * One section header of an ELF object.
 *
 * @param index  section header index
 * @param name   name from the section-name string table
 * @param type   {@code sh_type} (1 PROGBITS, 2 SYMTAB, 3 STRTAB, 8 NOBITS, 9 REL, ...)
 * @param flags  {@code sh_flags} ({@link #SHF_EXECINSTR} marks code)
 * @param offset file offset of the contents
 * @param size   size in bytes (for NOBITS, the size in memory; nothing is in the file)
 * @param link   {@code sh_link}
 * @param info   {@code sh_info}
 * @param entrySize {@code sh_entsize}
 */
public record ElfSection(int index, String name, int type, long flags, long offset, long size, int link, int info,
                         long entrySize) {
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;
    public static final long SHF_EXECINSTR = 0x4;

    public boolean isExecutable() {
        return (flags & SHF_EXECINSTR) != 0;
    }
}
