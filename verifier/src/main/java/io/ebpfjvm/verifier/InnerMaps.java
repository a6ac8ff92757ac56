package io.ebpfjvm.verifier;

import io.ebpfjvm.core.btf.Btf;
import io.ebpfjvm.core.btf.BtfKind;
import io.ebpfjvm.core.btf.BtfType;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.MapSpec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The inner-map layout of each map-in-map of an object, read from its BTF
 * ({@code __array(values, struct { ... })}), which the kernel takes from the inner map fd: a
 * lookup in the outer map yields a pointer to a map of this layout.
 */
public final class InnerMaps {
    private InnerMaps() {
    }

    /** Inner layouts by outer map index; maps that are not maps of maps are absent. */
    public static Map<Integer, MapSpec> of(BpfObject object) {
        Map<Integer, MapSpec> inner = new HashMap<>();
        Btf btf = object.btf();
        if (btf == null) {
            return inner;
        }
        BtfType datasec = btf.dataSection(".maps").orElse(null);
        if (datasec == null) {
            return inner;
        }
        List<MapSpec> maps = object.maps();
        for (int i = 0; i < maps.size(); i++) {
            MapSpec m = maps.get(i);
            if (m.type() != 12 && m.type() != 13) {
                continue;
            }
            try {
                MapSpec spec = innerOf(btf, datasec, m.name());
                if (spec != null) {
                    inner.put(i, spec);
                }
            } catch (RuntimeException e) {
                // malformed BTF: the inner map stays unknown and lookups through it are refused
            }
        }
        return inner;
    }

    private static MapSpec innerOf(Btf btf, BtfType datasec, String name) {
        for (BtfType.Member var : datasec.members()) {
            BtfType v = btf.type(var.type());
            if (!v.name().equals(name)) {
                continue;
            }
            BtfType def = btf.resolve(v.sizeOrType());
            for (BtfType.Member m : def.members()) {
                if (!m.name().equals("values")) {
                    continue;
                }
                BtfType array = btf.resolve(m.type());
                if (array.kind() != BtfKind.ARRAY) {
                    return null;
                }
                BtfType ptr = btf.resolve(array.array().elementType());
                if (ptr.kind() != BtfKind.PTR) {
                    return null;
                }
                return layout(btf, btf.resolve(ptr.sizeOrType()), name + ".inner");
            }
        }
        return null;
    }

    private static MapSpec layout(Btf btf, BtfType def, String name) {
        long type = -1;
        long max = 0;
        long flags = 0;
        long key = 0;
        long value = 0;
        for (BtfType.Member m : def.members()) {
            switch (m.name()) {
                case "type" -> type = encoded(btf, m);
                case "max_entries" -> max = encoded(btf, m);
                case "map_flags" -> flags = encoded(btf, m);
                case "key_size" -> key = encoded(btf, m);
                case "value_size" -> value = encoded(btf, m);
                case "key" -> key = btf.sizeOf(btf.resolve(m.type()).sizeOrType());
                case "value" -> value = btf.sizeOf(btf.resolve(m.type()).sizeOrType());
                default -> {
                }
            }
        }
        return type < 0 ? null : new MapSpec(name, (int) type, (int) key, (int) value, (int) max, (int) flags, 0, 0, null, false);
    }

    /** {@code __uint(name, N)} is {@code int (*name)[N]}. */
    private static long encoded(Btf btf, BtfType.Member m) {
        BtfType ptr = btf.resolve(m.type());
        return btf.resolve(ptr.sizeOrType()).array().count();
    }
}
