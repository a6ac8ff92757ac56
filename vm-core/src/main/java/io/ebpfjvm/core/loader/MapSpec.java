package io.ebpfjvm.core.loader;

/**
 * A map an object declares: in {@code .maps} (BTF-defined), in the legacy {@code maps}
 * section, or implicitly for global data ({@code .rodata}, {@code .data}, {@code .bss}: one
 * array entry holding the whole section).
 *
 * @param name        map name (the variable name, or the data section's name)
 * @param type        {@code BPF_MAP_TYPE_*} number
 * @param keySize     key size in bytes
 * @param valueSize   value size in bytes
 * @param maxEntries  capacity
 * @param flags       {@code map_flags}
 * @param keyType     BTF type id of the key, 0 when unknown
 * @param valueType   BTF type id of the value, 0 when unknown
 * @param initialData the value of a global-data map's single entry (zeros for .bss), else null
 * @param readOnly    true for {@code .rodata}: programs may not write it
 */
public record MapSpec(String name, int type, int keySize, int valueSize, int maxEntries, int flags,
                      int keyType, int valueType, byte[] initialData, boolean readOnly) {
    public static final int BPF_MAP_TYPE_ARRAY = 2;

    public boolean isGlobalData() {
        return initialData != null;
    }
}
