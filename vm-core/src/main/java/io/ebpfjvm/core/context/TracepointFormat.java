package io.ebpfjvm.core.context;

import io.ebpfjvm.core.error.EbpfException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The field layout of a tracepoint's raw record, the context of tracepoint programs, as the
 * kernel's {@code events/<system>/<event>/format} file declares it: every record starts with
 * the 8 bytes of common fields ({@code common_type}, {@code common_flags},
 * {@code common_preempt_count}, {@code common_pid}) and the event's own fields follow.
 * Declare the fields, or {@link #parse} a format file, then build records with
 * {@link #record()}.
 *
 * <pre>{@code
 * TracepointFormat fmt = TracepointFormat.builder("sched_process_exec")
 *     .field("int pid", 12, 4, true).build();
 * byte[] record = fmt.record().set("pid", 4242).bytes();
 * }</pre>
 */
public final class TracepointFormat {
    /** One field: its C declaration, byte offset, size and signedness. */
    public record Field(String declaration, String name, int offset, int size, boolean signed) {
    }

    /** The common fields every record starts with. */
    public static final List<Field> COMMON = List.of(
        new Field("unsigned short common_type", "common_type", 0, 2, false),
        new Field("unsigned char common_flags", "common_flags", 2, 1, false),
        new Field("unsigned char common_preempt_count", "common_preempt_count", 3, 1, false),
        new Field("int common_pid", "common_pid", 4, 4, true));

    private static final Pattern LINE = Pattern.compile(
        "field:(.+?);\\s*offset:(\\d+);\\s*size:(\\d+);\\s*signed:(\\d+);");

    private final String name;
    private final Map<String, Field> fields;
    private final int size;

    private TracepointFormat(String name, Map<String, Field> fields) {
        this.name = name;
        this.fields = fields;
        int end = 8;
        for (Field f : fields.values()) {
            end = Math.max(end, f.offset() + f.size());
        }
        this.size = (end + 7) & ~7;
    }

    public static Builder builder(String event) {
        return new Builder(event);
    }

    /** Reads a {@code format} file's text (as {@code /sys/kernel/tracing/events/S/E/format} prints it). */
    public static TracepointFormat parse(String text) {
        String event = "tracepoint";
        Builder b = null;
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            String t = line.trim();
            if (t.startsWith("name:")) {
                event = t.substring(5).trim();
                continue;
            }
            if (!t.startsWith("field:")) {
                continue;
            }
            Matcher m = LINE.matcher(t);
            if (!m.find()) {
                throw new EbpfException("tracepoint format line " + lineNo + ": expected 'field:DECL; offset:N; size:N; signed:N;', got '" + t + "'");
            }
            if (b == null) {
                b = new Builder(event);
            }
            b.field(m.group(1).trim(), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4).equals("1"));
        }
        if (b == null) {
            throw new EbpfException("tracepoint format: no 'field:' lines");
        }
        return b.build();
    }

    public String name() {
        return name;
    }

    /** The fields, common ones first, in declaration order. */
    public List<Field> fields() {
        return List.copyOf(fields.values());
    }

    public Field field(String fieldName) {
        Field f = fields.get(fieldName);
        if (f == null) {
            throw new EbpfException("tracepoint " + name + " has no field '" + fieldName + "'; fields: " + fields.keySet());
        }
        return f;
    }

    /** Bytes of a record: past the last field, rounded up to 8. */
    public int size() {
        return size;
    }

    /** A new record of this format, all fields zero. */
    public Record record() {
        return new Record(this);
    }

    /** A record being filled; {@link #bytes()} is the memory to run a tracepoint program on. */
    public static final class Record {
        private final TracepointFormat format;
        private byte[] bytes;

        private Record(TracepointFormat format) {
            this.format = format;
            this.bytes = new byte[format.size];
        }

        /**
         * Fills a {@code __data_loc} field (a dynamic array such as {@code __data_loc char[] filename}):
         * appends {@code value} after the record's fixed part and stores {@code length << 16 | offset}
         * in the field, as the kernel's trace events lay them out. Strings need their NUL.
         */
        public Record setDynamic(String field, byte[] value) {
            Field f = format.field(field);
            if (f.size() != 4 || !f.declaration().startsWith("__data_loc")) {
                throw new EbpfException("tracepoint " + format.name + " field '" + field + "' is not a __data_loc field");
            }
            int offset = bytes.length;
            if (offset + value.length > ContextLayout.TRACEPOINT_RECORD.size() || value.length > 0xffff) {
                throw new EbpfException("tracepoint " + format.name + " field '" + field + "': " + value.length
                    + " bytes do not fit a record of at most " + ContextLayout.TRACEPOINT_RECORD.size() + " bytes");
            }
            bytes = java.util.Arrays.copyOf(bytes, offset + value.length);
            System.arraycopy(value, 0, bytes, offset, value.length);
            return set(field, (long) value.length << 16 | offset);
        }

        /** Stores {@code value} little-endian in the named field (truncated to its size). */
        public Record set(String field, long value) {
            Field f = format.field(field);
            if (f.size() > 8) {
                throw new EbpfException("tracepoint " + format.name + " field '" + field + "' is " + f.size()
                    + " bytes: use setBytes");
            }
            for (int i = 0; i < f.size(); i++) {
                bytes[f.offset() + i] = (byte) (value >>> (8 * i));
            }
            return this;
        }

        /** Copies raw bytes (arrays such as {@code char comm[16]}) into the named field. */
        public Record setBytes(String field, byte[] value) {
            Field f = format.field(field);
            if (value.length > f.size()) {
                throw new EbpfException("tracepoint " + format.name + " field '" + field + "' holds " + f.size()
                    + " bytes, got " + value.length);
            }
            System.arraycopy(value, 0, bytes, f.offset(), value.length);
            return this;
        }

        public byte[] bytes() {
            return bytes.clone();
        }
    }

    /** Declares a format field by field; the common fields are there from the start. */
    public static final class Builder {
        private final String event;
        private final Map<String, Field> fields = new LinkedHashMap<>();

        private Builder(String event) {
            this.event = event;
            for (Field f : COMMON) {
                fields.put(f.name(), f);
            }
        }

        /** Adds a field given by its C declaration ({@code "pid_t pid"}, {@code "char comm[16]"}). */
        public Builder field(String declaration, int offset, int size, boolean signed) {
            String fieldName = nameOf(declaration);
            if (offset < 0 || size <= 0 || offset + size > ContextLayout.TRACEPOINT_RECORD.size()) {
                throw new EbpfException("tracepoint " + event + " field '" + fieldName + "': offset " + offset + " size " + size
                    + ", expected within " + ContextLayout.TRACEPOINT_RECORD.size() + " bytes");
            }
            // a format file declares the common fields again: the declaration replaces ours
            fields.put(fieldName, new Field(declaration, fieldName, offset, size, signed));
            return this;
        }

        public TracepointFormat build() {
            List<Field> sorted = new ArrayList<>(fields.values());
            for (int i = 0; i < sorted.size(); i++) {
                for (int j = i + 1; j < sorted.size(); j++) {
                    Field a = sorted.get(i);
                    Field b = sorted.get(j);
                    if (a.offset() < b.offset() + b.size() && b.offset() < a.offset() + a.size()) {
                        throw new EbpfException("tracepoint " + event + ": fields '" + a.name() + "' and '" + b.name() + "' overlap");
                    }
                }
            }
            return new TracepointFormat(event, new LinkedHashMap<>(fields));
        }

        private static String nameOf(String declaration) {
            // "char comm[16]" and "__data_loc char[] filename": array brackets are not part of the name
            String d = declaration.replaceAll("\\[[^\\]]*\\]", " ").trim();
            int space = Math.max(d.lastIndexOf(' '), d.lastIndexOf('*'));
            return d.substring(space + 1);
        }
    }
}
