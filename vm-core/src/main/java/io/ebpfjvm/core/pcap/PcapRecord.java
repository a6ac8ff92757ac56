package io.ebpfjvm.core.pcap;

import java.util.Objects;

/**
 * One captured packet. The array is the reader's to give away: it is never reused.
 *
 * @param timestampNanos capture time, nanoseconds since the epoch (UTC)
 * @param originalLength length of the packet on the wire
 * @param data           the captured bytes ({@code data.length <= originalLength})
 */
public record PcapRecord(long timestampNanos, int originalLength, byte[] data) {
    public PcapRecord {
        Objects.requireNonNull(data, "data");
        if (originalLength < data.length) {
            throw new IllegalArgumentException("original length " + originalLength + " is less than the "
                + data.length + " captured bytes");
        }
    }

    /** The captured length ({@code data.length}). */
    public int capturedLength() {
        return data.length;
    }
}
