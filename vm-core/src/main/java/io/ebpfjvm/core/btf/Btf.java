package io.ebpfjvm.core.btf;

import io.ebpfjvm.core.error.ElfFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code .BTF} section of an object: its types and strings. Parsing checks every count
 * and offset against the section, so a bogus section gives an {@link ElfFormatException}
 * naming the type and what was expected.
 */
public final class Btf {
    private static final int MAGIC = 0xeb9f;
    /** Type chains longer than this are cycles in hostile input. */
    private static final int MAX_DEPTH = 32;

    private final List<BtfType> types;
    private final Strings strings;

    private Btf(List<BtfType> types, Strings strings) {
        this.types = types;
        this.strings = strings;
    }

    public static Btf parse(byte[] section) {
        ByteBuffer b = ByteBuffer.wrap(section).order(ByteOrder.LITTLE_ENDIAN);
        if (section.length < 24) {
            throw new ElfFormatException(".BTF: header truncated, expected 24 bytes, got " + section.length);
        }
        int magic = b.getShort(0) & 0xffff;
        if (magic != MAGIC) {
            throw new ElfFormatException(String.format(".BTF: bad magic 0x%x, expected 0xeb9f (little-endian BTF)", magic));
        }
        long headerLength = b.getInt(4) & 0xffffffffL;
        long typeOff = b.getInt(8) & 0xffffffffL;
        long typeLen = b.getInt(12) & 0xffffffffL;
        long strOff = b.getInt(16) & 0xffffffffL;
        long strLen = b.getInt(20) & 0xffffffffL;
        long typeStart = headerLength + typeOff;
        long strStart = headerLength + strOff;
        if (headerLength < 24 || typeStart + typeLen > section.length || strStart + strLen > section.length) {
            throw new ElfFormatException(".BTF: type or string section lies outside the " + section.length + "-byte section");
        }
        Strings strings = new Strings(section, (int) strStart, (int) strLen);
        List<BtfType> types = new ArrayList<>();
        types.add(new BtfType(0, BtfKind.UNKNOWN, "void", 0, false, List.of(), null));
        int at = (int) typeStart;
        int end = (int) (typeStart + typeLen);
        while (at < end) {
            int id = types.size();
            need(at, 12, end, id);
            String name = strings.get(b.getInt(at), id);
            int info = b.getInt(at + 4);
            int vlen = info & 0xffff;
            int kind = (info >>> 24) & 0x1f;
            boolean kindFlag = info < 0;
            int sizeOrType = b.getInt(at + 8);
            at += 12;
            List<BtfType.Member> members = List.of();
            BtfType.Array array = null;
            switch (kind) {
                case BtfKind.INT, BtfKind.VAR, BtfKind.DECL_TAG -> {
                    need(at, 4, end, id);
                    at += 4;
                }
                case BtfKind.ARRAY -> {
                    need(at, 12, end, id);
                    array = new BtfType.Array(b.getInt(at), b.getInt(at + 4), b.getInt(at + 8) & 0xffffffffL);
                    at += 12;
                }
                case BtfKind.STRUCT, BtfKind.UNION, BtfKind.DATASEC, BtfKind.ENUM64 -> {
                    need(at, 12L * vlen, end, id);
                    List<BtfType.Member> list = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, at += 12) {
                        if (kind == BtfKind.DATASEC) {
                            list.add(new BtfType.Member("", b.getInt(at), b.getInt(at + 4) & 0xffffffffL,
                                b.getInt(at + 8) & 0xffffffffL));
                        } else if (kind == BtfKind.ENUM64) {
                            long value = (b.getInt(at + 4) & 0xffffffffL) | ((long) b.getInt(at + 8) << 32);
                            list.add(new BtfType.Member(strings.get(b.getInt(at), id), 0, value, 0));
                        } else {
                            list.add(new BtfType.Member(strings.get(b.getInt(at), id), b.getInt(at + 4),
                                b.getInt(at + 8) & 0xffffffffL, 0));
                        }
                    }
                    members = List.copyOf(list);
                }
                case BtfKind.ENUM, BtfKind.FUNC_PROTO -> {
                    need(at, 8L * vlen, end, id);
                    List<BtfType.Member> list = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, at += 8) {
                        list.add(new BtfType.Member(strings.get(b.getInt(at), id), b.getInt(at + 4), 0, 0));
                    }
                    members = List.copyOf(list);
                }
                case BtfKind.PTR, BtfKind.FWD, BtfKind.TYPEDEF, BtfKind.VOLATILE, BtfKind.CONST, BtfKind.RESTRICT,
                     BtfKind.FUNC, BtfKind.FLOAT, BtfKind.TYPE_TAG -> {
                    // No data after the common part.
                }
                default -> throw new ElfFormatException(".BTF: type " + id + " has unknown kind " + kind);
            }
            types.add(new BtfType(id, kind, name, sizeOrType, kindFlag, members, array));
        }
        return new Btf(List.copyOf(types), strings);
    }

    private static void need(long at, long bytes, int end, int id) {
        if (at + bytes > end) {
            throw new ElfFormatException(".BTF: type " + id + " truncated: needs " + bytes + " more bytes");
        }
    }

    /**
     * The NUL-terminated string at {@code offset} of the string section ({@code .BTF.ext} names
     * sections, files and source lines this way).
     *
     * @throws ElfFormatException naming {@code where} when the offset lies outside the string section
     */
    public String string(long offset, String where) {
        if (offset < 0 || offset >= strings.length()) {
            throw new ElfFormatException(where + ": string offset " + offset + " beyond the " + strings.length()
                + "-byte .BTF string section");
        }
        return strings.get((int) offset, -1);
    }

    public List<BtfType> types() {
        return types;
    }

    public BtfType type(int id) {
        if (id < 0 || id >= types.size()) {
            throw new ElfFormatException(".BTF: reference to type " + id + ", expected 0.." + (types.size() - 1));
        }
        return types.get(id);
    }

    /** The first DATASEC with this name (e.g. {@code .maps}). */
    public Optional<BtfType> dataSection(String name) {
        return types.stream().filter(t -> t.kind() == BtfKind.DATASEC && t.name().equals(name)).findFirst();
    }

    /** Follows typedefs and modifiers to the underlying type. */
    public BtfType resolve(int id) {
        BtfType t = type(id);
        for (int depth = 0; ; depth++) {
            if (depth > MAX_DEPTH) {
                throw new ElfFormatException(".BTF: type " + id + ": chain of typedefs and modifiers too long (a cycle?)");
            }
            switch (t.kind()) {
                case BtfKind.TYPEDEF, BtfKind.VOLATILE, BtfKind.CONST, BtfKind.RESTRICT, BtfKind.TYPE_TAG, BtfKind.VAR ->
                    t = type(t.sizeOrType());
                default -> {
                    return t;
                }
            }
        }
    }

    /** Size in bytes of a type, as the kernel computes it. */
    public long sizeOf(int id) {
        return sizeOf(id, 0);
    }

    private long sizeOf(int id, int depth) {
        if (depth > MAX_DEPTH) {
            throw new ElfFormatException(".BTF: type " + id + ": nesting too deep to size (a cycle?)");
        }
        BtfType t = resolve(id);
        return switch (t.kind()) {
            case BtfKind.INT, BtfKind.STRUCT, BtfKind.UNION, BtfKind.ENUM, BtfKind.ENUM64, BtfKind.DATASEC, BtfKind.FLOAT ->
                t.sizeOrType() & 0xffffffffL;
            case BtfKind.PTR -> 8;
            case BtfKind.ARRAY -> Math.multiplyExact(t.array().count(), sizeOf(t.array().elementType(), depth + 1));
            default -> throw new ElfFormatException(".BTF: type " + t.id() + " (" + t.name() + ") of kind "
                + t.kind() + " has no size");
        };
    }

    /** The string table, with bounds-checked NUL-terminated reads. */
    private record Strings(byte[] data, int start, int length) {
        String get(int offset, int typeId) {
            long off = offset & 0xffffffffL;
            if (off >= length) {
                if (off == 0) {
                    return "";
                }
                throw new ElfFormatException(".BTF: type " + typeId + ": name offset " + off + " beyond the "
                    + length + "-byte string section");
            }
            int end = start + (int) off;
            int limit = start + length;
            while (end < limit && data[end] != 0) {
                end++;
            }
            return new String(data, start + (int) off, end - start - (int) off, StandardCharsets.UTF_8);
        }
    }
}
