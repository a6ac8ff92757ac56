package io.ebpfjvm.core.pcap;

import io.ebpfjvm.core.error.PcapFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes the record headers of one capture format. {@link #advance()} stops with the input
 * positioned at the current record's captured bytes; {@link PcapReader} reads those, and the
 * next {@code advance()} skips whatever the format keeps after them.
 */
abstract class RecordFormat {
    final PcapInput in;
    PcapHeader header;

    // The record the last advance() found.
    long timestampNanos;
    int capturedLength;
    int originalLength;
    /** Index of the current record (-1 before the first), for messages. */
    int index = -1;
    /** Byte offset where the current record (or block being decoded) starts, for messages. */
    long recordOffset;

    RecordFormat(PcapInput in) {
        this.in = in;
    }

    /** Moves to the next record's data; false at a clean end of the file. */
    abstract boolean advance();

    /** True for pcapng, false for classic pcap. */
    abstract boolean isPcapng();

    /** An error about the record being decoded: names the file, record index and offset. */
    PcapFormatException error(String what) {
        return new PcapFormatException(in.name() + ": record " + (index + 1) + " at byte " + recordOffset + ": " + what);
    }

    /**
     * Checks the lengths a record header declares, before anything is allocated for it.
     *
     * @param snapLength the snapshot length the header declares (unsigned)
     */
    void checkLengths(long captured, long original, long snapLength) {
        int limit = snapLength > 0 && snapLength <= PcapHeader.MAX_SNAPLEN ? (int) snapLength : PcapHeader.MAX_SNAPLEN;
        if (captured > limit) {
            throw error("claims " + captured + " captured bytes, expected at most " + limit
                + (limit == snapLength ? " (the snapshot length)" : " (the largest snapshot length)"));
        }
        if (original < captured) {
            throw error("original length " + original + " is less than the captured length " + captured
                + ", expected at least as much");
        }
        if (original > Integer.MAX_VALUE) {
            throw error("original length " + original + ", expected below 2^31");
        }
        long left = in.remaining();
        if (left >= 0 && captured > left) {
            throw error("truncated: claims " + captured + " captured bytes, only " + left + " remain");
        }
    }

    /** Reads {@code length} bytes of header into a buffer in the current byte order; null at a clean end. */
    ByteBuffer readHeader(byte[] scratch, int length, String what, ByteOrder order) {
        int n = in.read(scratch, 0, length);
        if (n == 0) {
            return null;
        }
        if (n < length) {
            throw error(what + " truncated: " + n + " of " + length + " bytes present");
        }
        return ByteBuffer.wrap(scratch, 0, length).order(order);
    }
}
