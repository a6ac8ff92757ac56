package io.ebpfjvm.core.loader;

import io.ebpfjvm.core.btf.Btf;
import io.ebpfjvm.core.btf.BtfKind;
import io.ebpfjvm.core.btf.BtfType;
import io.ebpfjvm.core.elf.ElfFile;
import io.ebpfjvm.core.elf.ElfSection;
import io.ebpfjvm.core.elf.ElfSymbol;
import io.ebpfjvm.core.error.ElfFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the maps an object declares and remembers where each lives, so relocations can name
 * them: BTF-defined maps in {@code .maps}, legacy {@code struct bpf_map_def} entries in
 * {@code maps}, and one array map per global-data section.
 */
final class MapCollector {
    /** Map index by (section index, byte offset of the map's symbol). */
    private final Map<Long, Integer> bySymbolPlace = new LinkedHashMap<>();
    /** Map index of a global-data section, by section index. */
    private final Map<Integer, Integer> byDataSection = new LinkedHashMap<>();
    private final List<MapSpec> maps = new ArrayList<>();

    List<MapSpec> maps() {
        return List.copyOf(maps);
    }

    Integer mapAt(int section, long offset) {
        return bySymbolPlace.get(((long) section << 32) | offset);
    }

    Integer dataMap(int section) {
        return byDataSection.get(section);
    }

    static boolean isDataSection(String name) {
        return name.equals(".data") || name.equals(".bss") || name.equals(".rodata")
            || name.startsWith(".data.") || name.startsWith(".bss.") || name.startsWith(".rodata.");
    }

    void collect(ElfFile elf, Btf btf) {
        elf.section(".maps").ifPresent(s -> btfMaps(elf, s, btf));
        elf.section("maps").ifPresent(s -> legacyMaps(elf, s));
        for (ElfSection s : elf.sections()) {
            if (isDataSection(s.name()) && s.size() > 0) {
                dataMap(elf, s);
            }
        }
    }

    private void add(MapSpec spec, int section, long offset) {
        add(spec);
        bySymbolPlace.put(((long) section << 32) | offset, maps.size() - 1);
    }

    private void add(MapSpec spec) {
        for (MapSpec m : maps) {
            if (m.name().equals(spec.name())) {
                throw new ElfFormatException("map '" + spec.name() + "' declared twice");
            }
        }
        maps.add(spec);
    }

    private void btfMaps(ElfFile elf, ElfSection section, Btf btf) {
        if (btf == null) {
            throw new ElfFormatException("section .maps: BTF-defined maps need a .BTF section (compile with -g)");
        }
        BtfType datasec = btf.dataSection(".maps").orElseThrow(() ->
            new ElfFormatException("section .maps: .BTF has no DATASEC '.maps'"));
        for (BtfType.Member var : datasec.members()) {
            BtfType v = btf.type(var.type());
            if (v.kind() != BtfKind.VAR) {
                throw new ElfFormatException(".maps: entry at offset " + var.offset() + " is not a variable");
            }
            BtfType def = btf.resolve(v.sizeOrType());
            if (def.kind() != BtfKind.STRUCT) {
                throw new ElfFormatException(".maps: map '" + v.name() + "' is not a struct definition");
            }
            // clang leaves DATASEC offsets at 0 (libbpf fills them in): the symbol says where the map is.
            ElfSymbol symbol = elf.symbols().stream()
                .filter(sym -> sym.section() == section.index() && sym.name().equals(v.name()))
                .findFirst().orElseThrow(() -> new ElfFormatException(".maps: map '" + v.name() + "' has no symbol"));
            add(btfMap(v.name(), def, btf), section.index(), symbol.value());
        }
    }

    private static MapSpec btfMap(String name, BtfType def, Btf btf) {
        long type = -1;
        long maxEntries = 0;
        long flags = 0;
        long keySize = -1;
        long valueSize = -1;
        int keyType = 0;
        int valueType = 0;
        for (BtfType.Member m : def.members()) {
            switch (m.name()) {
                case "type" -> type = encodedValue(name, m, btf);
                case "max_entries" -> maxEntries = encodedValue(name, m, btf);
                case "map_flags" -> flags = encodedValue(name, m, btf);
                case "key_size" -> keySize = encodedValue(name, m, btf);
                case "value_size" -> valueSize = encodedValue(name, m, btf);
                case "key" -> {
                    keyType = pointee(name, m, btf);
                    keySize = btf.sizeOf(keyType);
                }
                case "value" -> {
                    valueType = pointee(name, m, btf);
                    valueSize = btf.sizeOf(valueType);
                }
                case "numa_node", "pinning" -> encodedValue(name, m, btf);
                // Map-in-map and program-array initial contents (__array(values, ...)): the
                // value is a 4-byte map or program id; initial contents are not applied.
                case "values" -> valueSize = 4;
                default -> throw new ElfFormatException(".maps: map '" + name + "': unsupported field '" + m.name()
                    + "' (expected type, max_entries, map_flags, key, value, key_size, value_size)");
            }
        }
        if (type < 0) {
            throw new ElfFormatException(".maps: map '" + name + "': no __uint(type, ...)");
        }
        return new MapSpec(name, (int) type, (int) Math.max(keySize, 0), (int) Math.max(valueSize, 0),
            (int) maxEntries, (int) flags, keyType, valueType, null, false);
    }

    /** {@code __uint(name, N)} is declared as {@code int (*name)[N]}: N is the array length. */
    private static long encodedValue(String map, BtfType.Member m, Btf btf) {
        BtfType ptr = btf.resolve(m.type());
        BtfType array = ptr.kind() == BtfKind.PTR ? btf.resolve(ptr.sizeOrType()) : null;
        if (array == null || array.kind() != BtfKind.ARRAY) {
            throw new ElfFormatException(".maps: map '" + map + "': field '" + m.name()
                + "' is not encoded as __uint() (expected a pointer to an array)");
        }
        if (array.array().count() > Integer.MAX_VALUE) {
            throw new ElfFormatException(".maps: map '" + map + "': field '" + m.name() + "' = " + array.array().count()
                + " is too large");
        }
        return array.array().count();
    }

    private static int pointee(String map, BtfType.Member m, Btf btf) {
        BtfType ptr = btf.resolve(m.type());
        if (ptr.kind() != BtfKind.PTR) {
            throw new ElfFormatException(".maps: map '" + map + "': field '" + m.name() + "' is not declared with __type()");
        }
        return ptr.sizeOrType();
    }

    private void legacyMaps(ElfFile elf, ElfSection section) {
        byte[] data = elf.contents(section);
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (ElfSymbol sym : elf.symbols()) {
            if (sym.section() != section.index() || sym.type() == ElfSymbol.STT_SECTION || sym.name().isEmpty()) {
                continue;
            }
            if (sym.value() < 0 || sym.value() + 20 > data.length) {
                throw new ElfFormatException("section maps: map '" + sym.name() + "' at offset " + sym.value()
                    + " needs 20 bytes (struct bpf_map_def), section has " + data.length);
            }
            int at = (int) sym.value();
            add(new MapSpec(sym.name(), b.getInt(at), b.getInt(at + 4), b.getInt(at + 8), b.getInt(at + 12),
                b.getInt(at + 16), 0, 0, null, false), section.index(), sym.value());
        }
    }

    private void dataMap(ElfFile elf, ElfSection s) {
        if (s.size() > (64 << 20)) {
            throw new ElfFormatException("section " + s.name() + ": " + s.size() + " bytes of global data, at most 64 MiB supported");
        }
        byte[] init = s.type() == ElfSection.SHT_NOBITS ? new byte[(int) s.size()] : elf.contents(s);
        boolean readOnly = s.name().startsWith(".rodata");
        byDataSection.put(s.index(), maps.size());
        add(new MapSpec(s.name(), MapSpec.BPF_MAP_TYPE_ARRAY, 4, (int) s.size(), 1, readOnly ? 0x80 : 0, 0, 0, init,
            readOnly));
    }
}
