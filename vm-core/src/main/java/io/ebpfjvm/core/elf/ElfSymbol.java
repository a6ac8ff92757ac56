package io.ebpfjvm.core.elf;

/**
 * One symbol-table entry.
 *
 * @param name    symbol name
 * @param value   offset within its section (for relocatable objects)
 * @param size    size in bytes
 * @param type    {@code STT_*}: 0 NOTYPE, 1 OBJECT, 2 FUNC, 3 SECTION
 * @param bind    {@code STB_*}: 0 LOCAL, 1 GLOBAL, 2 WEAK
 * @param section index of the section it is defined in; {@link #SHN_UNDEF} for an external
 *                symbol, or a reserved index ({@link #SHN_ABS}, {@link #SHN_COMMON}) at or above
 *                {@link #SHN_LORESERVE}. Below that it always names an existing section.
 */
public record ElfSymbol(String name, long value, long size, int type, int bind, int section) {
    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;
    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    public static final int SHN_XINDEX = 0xffff;

    public boolean isFunction() {
        return type == STT_FUNC;
    }

    /** Whether the symbol lives in a section of the file (not external, absolute or common). */
    public boolean isInSection() {
        return section != SHN_UNDEF && section < SHN_LORESERVE;
    }
}
