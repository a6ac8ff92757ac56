package io.ebpfjvm.core.host;

import io.ebpfjvm.core.btf.Btf;
import io.ebpfjvm.core.btf.BtfKind;
import io.ebpfjvm.core.btf.BtfType;

import java.lang.reflect.RecordComponent;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a Java type against a BTF type and builds its {@link Codec}.
 *
 * <p>A record matches a BTF struct member by member, in order: names equal once underscores
 * are dropped and case ignored ({@code srcIp} matches {@code src_ip} and {@code srcip}); widths
 * equal ({@code byte} 1, {@code short} 2, {@code int} 4, {@code long} 8, {@code float} 4,
 * {@code double} 8, {@code boolean} 1; integers and enums of that size, pointers as
 * {@code long}); arrays ({@code byte[]}, {@code short[]}, {@code int[]}, {@code long[]}) match
 * C arrays of integers of their element width and are exactly that long; nested records match
 * nested structs. Offsets: where C's natural alignment puts each component must be where the
 * struct has it, and the record's size with C's tail padding must be the struct's size, so
 * explicit padding members and packed structs show up as mismatches. Bitfields and unions
 * are not supported. The first mismatch throws a {@link LayoutException} naming it.
 *
 * <p>Codecs are built once per (Java type, BTF layout) and cached.
 */
final class Layouts {
    private Layouts() {
    }

    private static final Map<Key, Codec> CACHE = new ConcurrentHashMap<>();

    /** Cache key: the Java type and the BTF type's structure (not its object identity). */
    private record Key(Class<?> type, String btfShape) {
    }

    /**
     * @param type   the Java type
     * @param btf    the object's BTF, or null when the map has no BTF type
     * @param typeId the BTF type id, 0 when unknown: then only the size is checked
     * @param size   the size the map declares for this key or value
     * @param what   how messages name it ({@code map 'flows' key})
     */
    static Codec codec(Class<?> type, Btf btf, int typeId, int size, String what) {
        boolean typed = btf != null && typeId != 0;
        Key key = new Key(type, typed ? shape(btf, typeId, 0) : "size " + size);
        Codec c = CACHE.get(key);
        if (c == null) {
            c = type == byte[].class ? new RawCodec(size)
                : build(type, typed ? btf : null, typed ? typeId : 0, what + " (" + type.getSimpleName() + ")");
            CACHE.putIfAbsent(key, c);
        }
        if (c.size() != size) {
            throw new LayoutException(what + ": " + type.getSimpleName() + " is " + c.size() + " bytes in C layout, expected "
                + size + " bytes");
        }
        return c;
    }

    /** A string that identifies the BTF type's layout, names included. */
    private static String shape(Btf btf, int id, int depth) {
        if (depth > 16) {
            return "...";
        }
        BtfType t = btf.resolve(id);
        StringBuilder s = new StringBuilder().append(t.kind()).append(':').append(t.name()).append(':').append(t.sizeOrType());
        switch (t.kind()) {
            case BtfKind.STRUCT, BtfKind.UNION -> {
                s.append('{');
                for (BtfType.Member m : t.members()) {
                    s.append(m.name()).append('@').append(m.offset()).append('=').append(shape(btf, m.type(), depth + 1)).append(';');
                }
                s.append('}');
            }
            case BtfKind.ARRAY -> s.append('[').append(t.array().count()).append(']').append(shape(btf, t.array().elementType(), depth + 1));
            default -> {
            }
        }
        return s.toString();
    }

    // ---- building -------------------------------------------------------------------------

    private static Codec build(Class<?> type, Btf btf, int typeId, String where) {
        BtfType t = btf == null ? null : btf.resolve(typeId);
        if (type.isRecord()) {
            return record(type, btf, t, where, 0);
        }
        if (type.isArray()) {
            throw new LayoutException(where + ": a bare array needs the map's BTF type to know its length; use a record or byte[]");
        }
        ScalarCodec s = scalar(type, false, where);
        if (t != null) {
            checkScalar(s, type, btf, t, where);
        }
        return s;
    }

    /** Records nested deeper than this are a record that contains itself. */
    private static final int MAX_NESTING = 16;

    private static Codec record(Class<?> type, Btf btf, BtfType struct, String where, int depth) {
        if (depth > MAX_NESTING) {
            throw new LayoutException(where + ": records nested more than " + MAX_NESTING + " deep (does "
                + type.getSimpleName() + " contain itself?)");
        }
        if (struct != null && struct.kind() != BtfKind.STRUCT) {
            throw new LayoutException(where + ": record " + type.getSimpleName() + " cannot view " + describe(struct)
                + " (expected a struct)");
        }
        RecordComponent[] components = type.getRecordComponents();
        List<BtfType.Member> members = struct == null ? null : struct.members();
        if (members != null && components.length != members.size()) {
            String missing = components.length < members.size()
                ? "first unmatched member '" + members.get(components.length).name() + "'"
                : "first extra component '" + components[members.size()].getName() + "'";
            throw new LayoutException(where + ": record " + type.getSimpleName() + " has " + components.length
                + " components, struct " + struct.name() + " has " + members.size() + " members; " + missing);
        }
        Codec[] fields = new Codec[components.length];
        int[] offsets = new int[components.length];
        int at = 0;
        int align = 1;
        for (int i = 0; i < components.length; i++) {
            RecordComponent rc = components[i];
            String field = where + ": component " + i + " '" + rc.getName() + "'";
            BtfType.Member m = members == null ? null : members.get(i);
            if (m != null && !normalize(m.name()).equals(normalize(rc.getName()))) {
                throw new LayoutException(field + " does not match struct " + struct.name() + " member " + i + " '"
                    + m.name() + "': names differ");
            }
            Codec c = component(rc, btf, m, field, depth);
            at = alignUp(at, c.alignment());
            if (m != null) {
                if (struct.kindFlag() && (m.offset() >>> 24) != 0) {
                    throw new LayoutException(field + ": struct member '" + m.name() + "' is a bitfield, not supported");
                }
                long btfOffset = m.offset() & (struct.kindFlag() ? 0xffffff : 0xffffffffL);
                if (btfOffset % 8 != 0) {
                    throw new LayoutException(field + ": struct member '" + m.name() + "' is a bitfield, not supported");
                }
                if (btfOffset / 8 != at) {
                    throw new LayoutException(field + " (" + c.size() + " bytes) would be at offset " + at
                        + " in C layout, struct " + struct.name() + " has '" + m.name() + "' at offset " + btfOffset / 8
                        + " (add or remove a padding component, or the struct is packed)");
                }
            }
            offsets[i] = at;
            fields[i] = c;
            at += c.size();
            align = Math.max(align, c.alignment());
        }
        int size = alignUp(at, align);
        if (struct != null && size != struct.sizeOrType()) {
            throw new LayoutException(where + ": record " + type.getSimpleName() + " is " + size + " bytes in C layout, struct "
                + struct.name() + " is " + struct.sizeOrType() + " bytes");
        }
        return new RecordCodec(type, components, fields, offsets, size, align);
    }

    private static Codec component(RecordComponent rc, Btf btf, BtfType.Member m, String where, int depth) {
        Class<?> type = rc.getType();
        boolean network = rc.isAnnotationPresent(NetworkOrder.class);
        BtfType t = m == null ? null : btf.resolve(m.type());
        if (type.isRecord()) {
            if (network) {
                throw new LayoutException(where + ": @NetworkOrder applies to short, int and long components, not records");
            }
            return record(type, btf, t, where, depth + 1);
        }
        if (type.isArray()) {
            ScalarCodec element = scalar(type.getComponentType(), network, where);
            if (t == null) {
                throw new LayoutException(where + ": an array component needs the map's BTF type to know its length");
            }
            if (t.kind() != BtfKind.ARRAY) {
                throw new LayoutException(where + " (" + type.getSimpleName() + ") does not match " + describe(t)
                    + " of member '" + m.name() + "': expected an array");
            }
            BtfType elem = btf.resolve(t.array().elementType());
            checkScalar(element, type.getComponentType(), btf, elem, where + " element");
            if (t.array().count() > (1 << 20)) {
                throw new LayoutException(where + ": array of " + t.array().count() + " elements is too long");
            }
            return new ArrayCodec(element, (int) t.array().count());
        }
        ScalarCodec s = scalar(type, network, where);
        if (t != null) {
            checkScalar(s, type, btf, t, where);
        }
        return s;
    }

    private static void checkScalar(ScalarCodec s, Class<?> type, Btf btf, BtfType t, String where) {
        boolean floating = s.kind == 'F' || s.kind == 'D';
        boolean ok = switch (t.kind()) {
            case BtfKind.INT, BtfKind.ENUM, BtfKind.ENUM64 -> !floating && t.sizeOrType() == s.width;
            case BtfKind.PTR -> !floating && s.width == 8;
            case BtfKind.FLOAT -> floating && t.sizeOrType() == s.width;
            default -> false;
        };
        if (!ok) {
            throw new LayoutException(where + " (" + type.getSimpleName() + ", " + s.width + " bytes) does not match "
                + describe(t) + ": widths or kinds differ");
        }
    }

    private static String describe(BtfType t) {
        String name = t.name().isEmpty() ? "(anon)" : t.name();
        return switch (t.kind()) {
            case BtfKind.INT -> "integer " + name + " (" + t.sizeOrType() + " bytes)";
            case BtfKind.ENUM, BtfKind.ENUM64 -> "enum " + name + " (" + t.sizeOrType() + " bytes)";
            case BtfKind.FLOAT -> "float " + name + " (" + t.sizeOrType() + " bytes)";
            case BtfKind.STRUCT -> "struct " + name + " (" + t.sizeOrType() + " bytes)";
            case BtfKind.UNION -> "union " + name + " (" + t.sizeOrType() + " bytes)";
            case BtfKind.PTR -> "a pointer (8 bytes)";
            case BtfKind.ARRAY -> "an array of " + t.array().count();
            default -> "BTF kind " + t.kind() + " " + name;
        };
    }

    private static String normalize(String name) {
        return name.replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static int alignUp(int at, int align) {
        return (at + align - 1) / align * align;
    }

    private static ScalarCodec scalar(Class<?> type, boolean network, String where) {
        char kind;
        int width;
        if (type == byte.class || type == Byte.class) {
            kind = 'B';
            width = 1;
        } else if (type == boolean.class || type == Boolean.class) {
            kind = 'Z';
            width = 1;
        } else if (type == short.class || type == Short.class) {
            kind = 'S';
            width = 2;
        } else if (type == int.class || type == Integer.class) {
            kind = 'I';
            width = 4;
        } else if (type == long.class || type == Long.class) {
            kind = 'J';
            width = 8;
        } else if (type == float.class || type == Float.class) {
            kind = 'F';
            width = 4;
        } else if (type == double.class || type == Double.class) {
            kind = 'D';
            width = 8;
        } else {
            throw new LayoutException(where + ": type " + type.getName() + " is not supported (use byte, short, int, long, "
                + "float, double, boolean, arrays of integers, or a nested record)");
        }
        if (network && (width == 1 || kind == 'F' || kind == 'D')) {
            throw new LayoutException(where + ": @NetworkOrder applies to short, int and long components only");
        }
        return new ScalarCodec(kind, width, network ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    }
}
