package io.ebpfjvm.core.pcap;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes a classic pcap file (version 2.4) in the byte order and timestamp resolution the
 * header asks for. Records are checked so that every file written here reads back with
 * {@link PcapReader} and with tcpdump. Not thread-safe.
 */
public final class PcapWriter implements Closeable, Flushable {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final OutputStream out;
    private final PcapHeader header;
    private final ByteBuffer recordHeader;

    /** Writes the global header to {@code out}; the writer owns (and closes) the stream. */
    public PcapWriter(OutputStream out, PcapHeader header) {
        this.out = new BufferedOutputStream(out, 1 << 16);
        this.header = header;
        this.recordHeader = ByteBuffer.allocate(ClassicPcapFormat.RECORD_HEADER).order(header.order());
        ByteBuffer h = ByteBuffer.allocate(ClassicPcapFormat.GLOBAL_HEADER).order(header.order());
        h.putInt(header.nanosecond() ? ClassicPcapFormat.MAGIC_NANO : ClassicPcapFormat.MAGIC_MICRO)
            .putShort((short) 2).putShort((short) 4) // version 2.4
            .putInt(0)                                // thiszone: timestamps are UTC
            .putInt(0)                                // sigfigs: always 0
            .putInt(header.snapLength())
            .putInt(header.linkType());
        write(h.array(), 0, h.capacity());
    }

    /** Creates (or replaces) {@code file} and writes the global header. */
    public static PcapWriter create(Path file, PcapHeader header) {
        try {
            return new PcapWriter(Files.newOutputStream(file), header);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Ethernet, little-endian, microseconds, 262144-byte snapshot: what {@code tcpdump -w} writes. */
    public static PcapWriter ethernet(OutputStream out) {
        return new PcapWriter(out, PcapHeader.ethernet());
    }

    public PcapHeader header() {
        return header;
    }

    /**
     * Appends one record. Microsecond files keep the timestamp truncated to the microsecond.
     *
     * @param timestampNanos capture time, nanoseconds since the epoch; before 2106 (32-bit seconds)
     * @param length         captured bytes to write, at most {@link PcapHeader#recordLimit()}
     * @param originalLength length on the wire, at least {@code length}
     * @throws IllegalArgumentException for a record no reader would accept
     */
    public void write(long timestampNanos, byte[] data, int offset, int length, int originalLength) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (length > header.recordLimit()) {
            throw new IllegalArgumentException(length + " captured bytes exceed the snapshot length "
                + header.recordLimit());
        }
        if (originalLength < length) {
            throw new IllegalArgumentException("original length " + originalLength + " is less than the "
                + length + " captured bytes");
        }
        long seconds = timestampNanos / NANOS_PER_SECOND;
        if (timestampNanos < 0 || seconds > 0xffffffffL) {
            throw new IllegalArgumentException("timestamp " + timestampNanos + " ns does not fit pcap's unsigned "
                + "32-bit seconds (1970..2106)");
        }
        long fraction = timestampNanos % NANOS_PER_SECOND;
        recordHeader.clear();
        recordHeader.putInt((int) seconds)
            .putInt((int) (header.nanosecond() ? fraction : fraction / 1000))
            .putInt(length)
            .putInt(originalLength);
        write(recordHeader.array(), 0, recordHeader.capacity());
        write(data, offset, length);
    }

    /** Appends {@code record}. */
    public void write(PcapRecord record) {
        write(record.timestampNanos(), record.data(), 0, record.data().length, record.originalLength());
    }

    private void write(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
