package io.ebpfjvm.core.pcap;

import io.ebpfjvm.core.error.PcapFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The classic libpcap format: a 24-byte global header, then per packet a 16-byte header
 * (seconds, micro- or nanoseconds, captured length, original length) and the captured bytes.
 */
final class ClassicPcapFormat extends RecordFormat {
    static final int MAGIC_MICRO = 0xa1b2c3d4;
    static final int MAGIC_NANO = 0xa1b23c4d;
    static final int GLOBAL_HEADER = 24;
    static final int RECORD_HEADER = 16;

    private final byte[] scratch = new byte[GLOBAL_HEADER];
    private final long fractionsPerSecond;

    /** Reads the global header; {@code magic} holds the file's first four bytes, already consumed. */
    ClassicPcapFormat(PcapInput in, byte[] magic) {
        super(in);
        System.arraycopy(magic, 0, scratch, 0, 4);
        int n = 4 + in.read(scratch, 4, GLOBAL_HEADER - 4);
        if (n < GLOBAL_HEADER) {
            throw new PcapFormatException(in.name() + ": global header truncated at byte " + n + ", expected "
                + GLOBAL_HEADER + " bytes");
        }
        ByteOrder order = null;
        boolean nano = false;
        for (ByteOrder candidate : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            int m = ByteBuffer.wrap(scratch).order(candidate).getInt(0);
            if (m == MAGIC_MICRO || m == MAGIC_NANO) {
                order = candidate;
                nano = m == MAGIC_NANO;
            }
        }
        if (order == null) {
            throw new PcapFormatException(String.format("%s: bad magic %02x%02x%02x%02x at byte 0, expected a pcap file "
                + "(a1b2c3d4 or a1b23c4d in either byte order) or pcapng (0a0d0d0a)",
                in.name(), scratch[0], scratch[1], scratch[2], scratch[3]));
        }
        ByteBuffer b = ByteBuffer.wrap(scratch).order(order);
        int major = b.getShort(4) & 0xffff;
        int minor = b.getShort(6) & 0xffff;
        if (major != 2) {
            throw new PcapFormatException(in.name() + ": version " + major + "." + minor + " at byte 4, expected 2.x");
        }
        // The link type field's upper 16 bits carry FCS annotations (libpcap's LT_FCS_*), not the type.
        header = new PcapHeader(order, nano, b.getInt(16), b.getInt(20) & 0xffff);
        fractionsPerSecond = nano ? 1_000_000_000L : 1_000_000L;
    }

    @Override
    boolean isPcapng() {
        return false;
    }

    @Override
    boolean advance() {
        recordOffset = in.offset();
        ByteBuffer b = readHeader(scratch, RECORD_HEADER, "record header", header.order());
        if (b == null) {
            return false;
        }
        long seconds = b.getInt(0) & 0xffffffffL;
        long fraction = b.getInt(4) & 0xffffffffL;
        long captured = b.getInt(8) & 0xffffffffL;
        long original = b.getInt(12) & 0xffffffffL;
        if (fraction >= fractionsPerSecond) {
            throw error("timestamp fraction " + fraction + ", expected below " + fractionsPerSecond
                + (header.nanosecond() ? " (nanoseconds)" : " (microseconds)"));
        }
        checkLengths(captured, original, header.snapLength() & 0xffffffffL);
        index++;
        timestampNanos = seconds * 1_000_000_000L + fraction * (1_000_000_000L / fractionsPerSecond);
        capturedLength = (int) captured;
        originalLength = (int) original;
        return true;
    }
}
