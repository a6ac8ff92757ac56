package io.ebpfjvm.core.elf;

/**
 * One symbol-table entry.
 *
 * @param name    symbol name
 * @param value   offset within its section (for objects)
 * @param size    size in bytes
 * @param type    {@code STT_*}: 0 NOTYPE, 1 OBJECT, 2 FUNC, 3 SECTION
 * @param bind    {@code STB_*}: 0 LOCAL, 1 GLOBAL, 2 WEAK
 * @param section index of the section it lives in
 */
public record ElfSymbol(String name, long value, long size, int type, int bind, int section) {
    public static final int STT_FUNC = 2;
    public static final int STT_SECTION = 3;

    public boolean isFunction() {
        return type == STT_FUNC;
    }
}
