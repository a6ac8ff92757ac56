package io.ebpfjvm.samples.firewall;

import io.ebpfjvm.core.elf.ElfFile;
import io.ebpfjvm.core.elf.ElfSection;
import io.ebpfjvm.core.elf.ElfSymbol;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.map.BpfMap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads and writes the C global variables of an object ({@code .rodata}, {@code .data},
 * {@code .bss}) by name. Each section is a one-entry array map; a variable's offset and size
 * come from the ELF symbol table (clang leaves the BTF DATASEC offsets at 0 for libbpf to fix
 * up from the same symbols).
 */
public final class GlobalData {
    private static final byte[] KEY = new byte[4];

    /** Where a variable lies: its section and byte range. */
    public record Variable(String section, int offset, int size) {
    }

    private final Map<String, Variable> variables;

    private GlobalData(Map<String, Variable> variables) {
        this.variables = variables;
    }

    /** The global variables of the ELF object {@code elf}. */
    public static GlobalData of(byte[] elf) {
        ElfFile file = ElfFile.parse(elf);
        Map<String, Variable> vars = new HashMap<>();
        for (ElfSymbol s : file.symbols()) {
            if (s.type() != ElfSymbol.STT_OBJECT || !s.isInSection() || s.section() >= file.sections().size()) {
                continue;
            }
            ElfSection section = file.sections().get(s.section());
            String name = section.name();
            if (name.startsWith(".rodata") || name.startsWith(".data") || name.startsWith(".bss")) {
                vars.put(s.name(), new Variable(name, (int) s.value(), (int) s.size()));
            }
        }
        return new GlobalData(vars);
    }

    /** The variable called {@code name}. */
    public Variable variable(String name) {
        Variable v = variables.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no global variable " + name + "; variables: " + variables.keySet());
        }
        return v;
    }

    private static BpfMap map(MapSet maps, Variable v) {
        return maps.byName(v.section()).orElseThrow(() -> new IllegalArgumentException("no map for section " + v.section()));
    }

    /** The little-endian 64-bit word {@code at} bytes into variable {@code name}. */
    public long readLong(MapSet maps, String name, int at) {
        Variable v = variable(name);
        if (at < 0 || at + 8 > v.size()) {
            throw new IllegalArgumentException(name + ": no 8-byte word at " + at + " of " + v.size() + " bytes");
        }
        byte[] all = map(maps, v).get(KEY);
        return ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(v.offset() + at);
    }

    /** Sets the 32-bit variable {@code name} (little-endian) in {@code maps}. */
    public void writeInt(MapSet maps, String name, int value) {
        Variable v = variable(name);
        if (v.size() != 4) {
            throw new IllegalArgumentException(name + " is " + v.size() + " bytes, not 4");
        }
        BpfMap map = map(maps, v);
        byte[] all = map.get(KEY);
        ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).putInt(v.offset(), value);
        map.put(KEY, all);
    }
}
