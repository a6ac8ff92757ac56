package io.ebpfjvm.core.host;

import io.ebpfjvm.core.btf.Btf;
import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.loader.GlobalVariable;
import io.ebpfjvm.core.map.BpfMap;

import java.util.List;

/**
 * The global variables of one data section ({@code .data}, {@code .bss}, {@code .rodata}, ...)
 * seen from Java: the section is the single value of a one-entry array map, which programs
 * reach through map-value references, so reads and writes here are what the programs see.
 * Variables are found by name through the object's symbols, and typed reads and writes are
 * checked against each variable's BTF type as {@link HostMap#typed} checks map types.
 *
 * <p>Like a libbpf skeleton, Java may write {@code .rodata} too (programs cannot): set
 * configuration before the first run. Numbers are little-endian unless a record component is
 * marked {@link NetworkOrder}. Each naturally aligned word is read and written whole; use
 * atomic instructions in the program for counters it shares with other threads.
 */
public final class GlobalData {
    private final BpfMap map;
    private final Btf btf;
    private final List<GlobalVariable> variables;

    GlobalData(BpfMap map, Btf btf, List<GlobalVariable> variables) {
        this.map = map;
        this.btf = btf;
        this.variables = List.copyOf(variables);
    }

    /** The section's name. */
    public String section() {
        return map.name();
    }

    /** The section's variables, by offset. */
    public List<GlobalVariable> variables() {
        return variables;
    }

    /** The section's size in bytes. */
    public int size() {
        return map.valueSize();
    }

    /** A copy of the whole section. */
    public byte[] bytes() {
        byte[] out = new byte[map.valueSize()];
        System.arraycopy(map.values(), 0, out, 0, out.length);
        return out;
    }

    /** The variable with this name. */
    public GlobalVariable variable(String name) {
        for (GlobalVariable v : variables) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        throw new EbpfException("section " + section() + ": no variable '" + name + "'; variables: "
            + String.join(", ", variables.stream().map(GlobalVariable::name).toList()));
    }

    /** A copy of the variable's bytes. */
    public byte[] get(String name) {
        GlobalVariable v = variable(name);
        byte[] out = new byte[v.size()];
        System.arraycopy(map.values(), v.offset(), out, 0, v.size());
        return out;
    }

    /** Overwrites the variable's bytes ({@code value} must be exactly its size). */
    public void set(String name, byte[] value) {
        GlobalVariable v = variable(name);
        if (value.length != v.size()) {
            throw new EbpfException("section " + section() + ": variable '" + name + "' is " + v.size() + " bytes, got "
                + value.length);
        }
        System.arraycopy(value, 0, map.values(), v.offset(), value.length);
    }

    /**
     * The variable decoded as {@code type} (a record, boxed number or byte[]), checked against
     * its BTF type.
     *
     * @throws LayoutException naming the first mismatching field
     */
    public <T> T get(String name, Class<T> type) {
        GlobalVariable v = variable(name);
        Codec c = codec(v, type);
        return type.cast(c.decode(map.values(), v.offset()));
    }

    /** Writes {@code value} into the variable, encoded as its class says, checked against its BTF type. */
    public <T> void set(String name, T value) {
        GlobalVariable v = variable(name);
        Codec c = codec(v, value.getClass());
        byte[] bytes = new byte[v.size()];
        c.encode(value, bytes, 0);
        System.arraycopy(bytes, 0, map.values(), v.offset(), bytes.length);
    }

    private Codec codec(GlobalVariable v, Class<?> type) {
        return Layouts.codec(type, btf, v.btfType(), v.size(), "section " + section() + " variable '" + v.name() + "'");
    }
}
