package io.ebpfjvm.core.loader;

/**
 * A global variable of a data section ({@code .data}, {@code .bss}, {@code .rodata} and their
 * {@code .name} variants), found through its ELF symbol as libbpf finds it.
 *
 * @param section the data section, which is also the name of the map holding it
 * @param name    the variable's name
 * @param offset  its byte offset in the section (in the map's single value)
 * @param size    its size in bytes
 * @param btfType BTF type id of its type (from the section's DATASEC), 0 when unknown
 */
public record GlobalVariable(String section, String name, int offset, int size, int btfType) {
}
