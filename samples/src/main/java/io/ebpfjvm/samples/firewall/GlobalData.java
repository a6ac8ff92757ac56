package io.ebpfjvm.samples.firewall;

import io.ebpfjvm.core.btf.BtfType;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.map.BpfMap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads and writes a C global variable ({@code .rodata}, {@code .data}, {@code .bss}) of a
 * loaded object by name. Each section is a one-entry array map; the variable's offset in it
 * comes from the section's BTF DATASEC, as libbpf's skeletons find it.
 */
public final class GlobalData {
    private static final byte[] KEY = new byte[4];
    private final BpfMap map;
    private final int offset;
    private final int size;

    private GlobalData(BpfMap map, int offset, int size) {
        this.map = map;
        this.offset = offset;
        this.size = size;
    }

    /** The variable {@code name} of section {@code section} ({@code .rodata}, ...). */
    public static GlobalData of(BpfObject object, MapSet maps, String section, String name) {
        BtfType datasec = object.btf().dataSection(section).orElseThrow(
            () -> new IllegalArgumentException(object.name() + ": no BTF for section " + section));
        for (BtfType.Member var : datasec.members()) {
            if (object.btf().type(var.type()).name().equals(name)) {
                BpfMap map = maps.byName(section).orElseThrow(
                    () -> new IllegalArgumentException(object.name() + ": no map for section " + section));
                return new GlobalData(map, (int) var.offset(), (int) var.size());
            }
        }
        throw new IllegalArgumentException(object.name() + ": no variable " + name + " in " + section);
    }

    /** Size of the variable in bytes. */
    public int size() {
        return size;
    }

    /** A copy of the variable's bytes. */
    public byte[] read() {
        byte[] all = map.get(KEY);
        return java.util.Arrays.copyOfRange(all, offset, offset + size);
    }

    /** The little-endian 64-bit word at {@code at} bytes into the variable. */
    public long readLong(int at) {
        return ByteBuffer.wrap(read()).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
    }

    /** Replaces the variable's first 4 bytes with {@code value} (little-endian). */
    public void writeInt(int value) {
        byte[] all = map.get(KEY);
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        map.put(KEY, all);
    }
}
