package io.ebpfjvm.core.pcap;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes a classic pcap file in the byte order and timestamp resolution asked for. */
public final class PcapWriter implements Closeable {
    private final OutputStream out;
    private final PcapHeader header;
    private final ByteBuffer recordHeader;

    public PcapWriter(OutputStream out, PcapHeader header) {
        this.out = new BufferedOutputStream(out, 1 << 16);
        this.header = header;
        this.recordHeader = ByteBuffer.allocate(16).order(header.order());
        ByteBuffer h = ByteBuffer.allocate(24).order(header.order());
        h.putInt(header.nanosecond() ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4)
            .putInt(0).putInt(0).putInt(header.snapLength()).putInt(header.linkType());
        write(h.array(), 0, 24);
    }

    /** Ethernet, little-endian, microseconds, snapshot length 262144: what tcpdump writes by default. */
    public static PcapWriter ethernet(OutputStream out) {
        return new PcapWriter(out, new PcapHeader(ByteOrder.LITTLE_ENDIAN, false, 262144, PcapHeader.LINKTYPE_ETHERNET));
    }

    public void write(long timestampNanos, byte[] data, int offset, int length, int originalLength) {
        long seconds = Math.floorDiv(timestampNanos, 1_000_000_000L);
        long fraction = Math.floorMod(timestampNanos, 1_000_000_000L);
        recordHeader.clear();
        recordHeader.putInt((int) seconds).putInt((int) (header.nanosecond() ? fraction : fraction / 1000))
            .putInt(length).putInt(Math.max(length, originalLength));
        write(recordHeader.array(), 0, 16);
        write(data, offset, length);
    }

    public void write(PcapRecord r) {
        write(r.timestampNanos(), r.data(), 0, r.data().length, r.originalLength());
    }

    private void write(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
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
