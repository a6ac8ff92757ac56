package io.ebpfjvm.core.btf;

import io.ebpfjvm.core.error.ElfFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code .BTF.ext} section of an object: per code section, which BTF function each
 * function starts ({@code func_info}), which source line each stretch of instructions came
 * from ({@code line_info}), and the CO-RE relocations ({@code core_relo}). Instruction
 * offsets are byte offsets in the ELF section, as clang writes them; the loader turns them
 * into instruction indexes of each linked program, as libbpf does before handing them to the
 * kernel.
 *
 * <p>Layout: a header (magic {@code 0xeb9f}, version, flags, header length, then offset and
 * length of each sub-section, counted from the header's end); each sub-section starts with
 * its record size, then per code section a section-name string offset, a record count and the
 * records. Record sizes larger than we know are accepted (newer fields are skipped), smaller
 * ones are not. Strings live in {@code .BTF}'s string section. Every count, size and offset is
 * checked; a malformed section gives a one-line {@link ElfFormatException} naming the byte
 * offset in {@code .BTF.ext} and what was expected.
 */
public final class BtfExt {
    private static final int MAGIC = 0xeb9f;
    private static final int MIN_HEADER = 24;

    /** A function start: {@code insnOffset} bytes into the section, described by BTF FUNC {@code typeId}. */
    public record FuncInfo(long insnOffset, int typeId) {
    }

    /**
     * Where the instructions from {@code insnOffset} on came from.
     *
     * @param file   the source file name as clang recorded it
     * @param text   the source line's text (may be empty)
     * @param line   1-based line number
     * @param column 1-based column (0 when unknown)
     */
    public record LineInfo(long insnOffset, String file, String text, int line, int column) {
    }

    /** A CO-RE relocation on the instruction {@code insnOffset} bytes into the section. */
    public record CoreRelo(long insnOffset, int typeId, String access, int kind) {
        /** The kernel's name of the relocation kind ({@code FIELD_BYTE_OFFSET}, {@code TYPE_EXISTS}, ...). */
        public String kindName() {
            String[] names = {"FIELD_BYTE_OFFSET", "FIELD_BYTE_SIZE", "FIELD_EXISTS", "FIELD_SIGNED",
                "FIELD_LSHIFT_U64", "FIELD_RSHIFT_U64", "TYPE_ID_LOCAL", "TYPE_ID_TARGET", "TYPE_EXISTS",
                "TYPE_SIZE", "ENUMVAL_EXISTS", "ENUMVAL_VALUE", "TYPE_MATCHES"};
            return kind >= 0 && kind < names.length ? names[kind] : "kind " + kind;
        }
    }

    private final Map<String, List<FuncInfo>> funcs;
    private final Map<String, List<LineInfo>> lines;
    private final Map<String, List<CoreRelo>> relos;

    private BtfExt(Map<String, List<FuncInfo>> funcs, Map<String, List<LineInfo>> lines,
                   Map<String, List<CoreRelo>> relos) {
        this.funcs = funcs;
        this.lines = lines;
        this.relos = relos;
    }

    /** An object without {@code .BTF.ext}. */
    public static BtfExt empty() {
        return new BtfExt(Map.of(), Map.of(), Map.of());
    }

    /**
     * Parses a {@code .BTF.ext} section.
     *
     * @param section its bytes
     * @param btf     the object's {@code .BTF}, whose string section the records point into
     */
    public static BtfExt parse(byte[] section, Btf btf) {
        Reader r = new Reader(section);
        r.need(0, MIN_HEADER, "header");
        int magic = r.u16(0);
        if (magic != MAGIC) {
            throw r.error(0, String.format("bad magic 0x%x, expected 0xeb9f (little-endian BTF.ext)", magic));
        }
        if (r.u8(2) != 1) {
            throw r.error(2, "version " + r.u8(2) + ", expected 1");
        }
        long headerLength = r.u32(4);
        if (headerLength < MIN_HEADER || headerLength > section.length) {
            throw r.error(4, "header length " + headerLength + ", expected " + MIN_HEADER + ".." + section.length);
        }
        if (btf == null) {
            throw r.error(0, "needs a .BTF section for its strings");
        }
        Map<String, List<FuncInfo>> funcs = r.subSection(headerLength, 8, 8, "func_info", btf,
            (at, name) -> new FuncInfo(r.u32(at), (int) r.u32(at + 4)));
        Map<String, List<LineInfo>> lines = r.subSection(headerLength, 16, 16, "line_info", btf, (at, name) -> {
            long col = r.u32(at + 12);
            String where = "section .BTF.ext: offset " + at + ": line_info";
            return new LineInfo(r.u32(at), btf.string(r.u32(at + 4), where), btf.string(r.u32(at + 8), where),
                (int) (col >>> 10), (int) (col & 0x3ff));
        });
        Map<String, List<CoreRelo>> relos = headerLength >= 32
            ? r.subSection(headerLength, 24, 16, "core_relo", btf, (at, name) -> new CoreRelo(r.u32(at), (int) r.u32(at + 4),
                btf.string(r.u32(at + 8), "section .BTF.ext: offset " + at + ": core_relo"), (int) r.u32(at + 12)))
            : Map.of();
        return new BtfExt(funcs, lines, relos);
    }

    /** Function starts of a code section, in file order. */
    public List<FuncInfo> funcInfo(String section) {
        return funcs.getOrDefault(section, List.of());
    }

    /** Line records of a code section, in file order (ascending offsets, as clang writes them). */
    public List<LineInfo> lineInfo(String section) {
        return lines.getOrDefault(section, List.of());
    }

    /** CO-RE relocations of a code section. */
    public List<CoreRelo> coreRelos(String section) {
        return relos.getOrDefault(section, List.of());
    }

    /** Whether any section has CO-RE relocations. */
    public boolean hasCoreRelos() {
        return relos.values().stream().anyMatch(l -> !l.isEmpty());
    }

    /** Reads one record at a byte offset. */
    private interface RecordReader<T> {
        T read(int at, String section);
    }

    /** Bounds-checked little-endian reads with errors naming the offset. */
    private static final class Reader {
        private final byte[] data;
        private final ByteBuffer b;

        Reader(byte[] data) {
            this.data = data;
            this.b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        }

        int u8(int at) {
            return data[at] & 0xff;
        }

        int u16(int at) {
            return b.getShort(at) & 0xffff;
        }

        long u32(long at) {
            return b.getInt((int) at) & 0xffffffffL;
        }

        void need(long at, long bytes, String what) {
            if (at < 0 || bytes < 0 || at + bytes > data.length) {
                throw error(at, what + " needs " + bytes + " bytes, the section has " + Math.max(0, data.length - at)
                    + " left");
            }
        }

        ElfFormatException error(long at, String what) {
            return new ElfFormatException("section .BTF.ext: offset " + at + ": " + what);
        }

        /** One sub-section, whose offset and length are the header fields at {@code field} and {@code field + 4}. */
        <T> Map<String, List<T>> subSection(long headerLength, int field, int minRecord, String what, Btf btf,
                                            RecordReader<T> reader) {
            long off = u32(field);
            long len = u32(field + 4);
            Map<String, List<T>> out = new LinkedHashMap<>();
            if (len == 0) {
                return out;
            }
            long start = headerLength + off;
            long end = start + len;
            if (start > data.length || end > data.length) {
                throw error(field, what + " at " + start + ".." + end + " lies outside the " + data.length
                    + "-byte section");
            }
            need(start, 4, what + " record size");
            long recordSize = u32(start);
            if (recordSize < minRecord || recordSize % 4 != 0 || recordSize > 1024) {
                throw error(start, what + " record size " + recordSize + ", expected a multiple of 4, at least "
                    + minRecord);
            }
            long at = start + 4;
            while (at < end) {
                if (at + 8 > end) {
                    throw error(at, what + " section header needs 8 bytes, " + (end - at) + " left");
                }
                String section = btf.string(u32(at), "section .BTF.ext: offset " + at + ": " + what + " section name");
                long count = u32(at + 4);
                long bytes = count * recordSize;
                if (bytes > end - at - 8) {
                    throw error(at + 4, what + " of section '" + section + "': " + count + " records of " + recordSize
                        + " bytes, only " + (end - at - 8) + " bytes left");
                }
                at += 8;
                List<T> records = out.computeIfAbsent(section, k -> new ArrayList<>());
                for (long i = 0; i < count; i++, at += recordSize) {
                    records.add(reader.read((int) at, section));
                }
            }
            out.replaceAll((k, v) -> List.copyOf(v));
            return out;
        }
    }
}
