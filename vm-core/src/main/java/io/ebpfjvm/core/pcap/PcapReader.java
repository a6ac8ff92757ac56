package io.ebpfjvm.core.pcap;

import io.ebpfjvm.core.error.PcapFormatException;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams the records of a classic pcap file (either byte order, micro- or nanosecond
 * timestamps) without native code. Nothing is allocated beyond the record being read, and a
 * record's declared length is checked against the snapshot length and a hard 256 KiB cap
 * before any allocation, so hostile files cannot exhaust memory. pcapng files are recognised
 * and refused with a conversion hint.
 */
public final class PcapReader implements Closeable {
    /** No link type captures frames larger than this; anything bigger is corruption. */
    public static final int MAX_RECORD = 256 * 1024;
    private static final int MAGIC_MICRO = 0xa1b2c3d4;
    private static final int MAGIC_NANO = 0xa1b23c4d;
    private static final int MAGIC_PCAPNG = 0x0a0d0d0a;

    private final InputStream in;
    private final String name;
    private final PcapHeader header;
    private final byte[] recordHeader = new byte[16];
    private long offset;
    private int index;

    public PcapReader(InputStream in, String name) {
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16);
        this.name = name;
        this.header = readHeader();
    }

    public static PcapReader open(Path path) {
        try {
            return new PcapReader(Files.newInputStream(path), path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public PcapHeader header() {
        return header;
    }

    private PcapHeader readHeader() {
        byte[] h = new byte[24];
        int n = readFully(h, 24);
        if (n >= 4) {
            int magicBe = ByteBuffer.wrap(h).order(ByteOrder.BIG_ENDIAN).getInt(0);
            if (magicBe == MAGIC_PCAPNG) {
                throw new PcapFormatException(name + ": pcapng is not supported; convert it with "
                    + "'tcpdump -r " + name + " -w out.pcap' (classic pcap)");
            }
        }
        if (n < 24) {
            throw new PcapFormatException(name + ": global header truncated at byte " + n + ", expected 24 bytes");
        }
        ByteOrder order = null;
        boolean nano = false;
        for (ByteOrder candidate : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            int magic = ByteBuffer.wrap(h).order(candidate).getInt(0);
            if (magic == MAGIC_MICRO || magic == MAGIC_NANO) {
                order = candidate;
                nano = magic == MAGIC_NANO;
            }
        }
        if (order == null) {
            throw new PcapFormatException(String.format("%s: bad magic %02x%02x%02x%02x at byte 0, expected a pcap file "
                + "(a1b2c3d4 or a1b23c4d in either byte order)", name, h[0], h[1], h[2], h[3]));
        }
        ByteBuffer b = ByteBuffer.wrap(h).order(order);
        int snap = b.getInt(16);
        int link = b.getInt(20) & 0x0fffffff;
        offset = 24;
        return new PcapHeader(order, nano, snap, link);
    }

    /** The next record, or null at the end of the file. */
    public PcapRecord next() {
        int n = readFully(recordHeader, 16);
        if (n == 0) {
            return null;
        }
        if (n < 16) {
            throw new PcapFormatException(name + ": record " + index + " header truncated at byte " + (offset + n)
                + ", expected 16 bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(recordHeader).order(header.order());
        long seconds = b.getInt(0) & 0xffffffffL;
        long fraction = b.getInt(4) & 0xffffffffL;
        long captured = b.getInt(8) & 0xffffffffL;
        long original = b.getInt(12) & 0xffffffffL;
        long limit = header.snapLength() > 0 ? Math.min(MAX_RECORD, Math.max(header.snapLength() & 0xffffffffL, 65535)) : MAX_RECORD;
        if (captured > limit) {
            throw new PcapFormatException(name + ": record " + index + " at byte " + offset + " claims " + captured
                + " captured bytes, expected at most " + limit);
        }
        byte[] data = new byte[(int) captured];
        int got = readFully(data, data.length);
        if (got < data.length) {
            throw new PcapFormatException(name + ": record " + index + " at byte " + offset + " truncated: "
                + got + " of " + captured + " bytes present");
        }
        long nanos = seconds * 1_000_000_000L + (header.nanosecond() ? fraction : fraction * 1000);
        offset += 16 + captured;
        index++;
        return new PcapRecord(nanos, (int) Math.min(Integer.MAX_VALUE, Math.max(original, captured)), data);
    }

    private int readFully(byte[] into, int length) {
        try {
            return in.readNBytes(into, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
