package io.ebpfjvm.core.pcap;

import io.ebpfjvm.core.error.PcapFormatException;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Every packet of a capture in one flat {@code byte[]}, with offset, length, original length
 * and timestamp tables: what a classification loop wants, with no object per packet.
 *
 * <pre>{@code
 * PacketBatch batch = PacketBatch.load(path);
 * byte[] data = batch.data();
 * for (int i = 0; i < batch.count(); i++) {
 *     verdicts[i] = program.run(data, batch.offset(i), batch.length(i));
 * }
 * }</pre>
 *
 * Records are copied straight from the file into the flat array; memory grows with the bytes
 * really read. One batch holds at most 2 GiB of packet bytes (the limit of a Java array):
 * stream bigger captures with {@link PcapReader}. Immutable apart from the arrays it hands out.
 */
public final class PacketBatch {
    /** Largest array the JVM reliably allocates. */
    private static final int MAX_BYTES = Integer.MAX_VALUE - 8;
    /** Bytes allocated up front when a file's size is known; beyond that the array grows. */
    private static final int MAX_INITIAL = 1 << 30;

    private final byte[] data;
    private final int[] offsets;
    private final int[] lengths;
    private final int[] originalLengths;
    private final long[] timestamps;
    private final PcapHeader header;

    private PacketBatch(byte[] data, int[] offsets, int[] lengths, int[] originalLengths, long[] timestamps,
                        PcapHeader header) {
        this.data = data;
        this.offsets = offsets;
        this.lengths = lengths;
        this.originalLengths = originalLengths;
        this.timestamps = timestamps;
        this.header = header;
    }

    /** Reads a whole capture file (pcap or pcapng). */
    public static PacketBatch load(Path file) {
        try (PcapReader reader = PcapReader.open(file)) {
            return read(reader);
        }
    }

    /** Reads the records {@code reader} has not returned yet; does not close it. */
    public static PacketBatch read(PcapReader reader) {
        return new Builder(reader).build();
    }

    /** Number of packets. */
    public int count() {
        return offsets.length;
    }

    /** The array all packets live in (exactly their bytes, back to back). */
    public byte[] data() {
        return data;
    }

    /** Where packet {@code i} starts in {@link #data()}. */
    public int offset(int i) {
        return offsets[i];
    }

    /** Captured length of packet {@code i}. */
    public int length(int i) {
        return lengths[i];
    }

    /** Length of packet {@code i} on the wire (at least {@link #length(int)}). */
    public int originalLength(int i) {
        return originalLengths[i];
    }

    /** Capture time of packet {@code i}, nanoseconds since the epoch. */
    public long timestampNanos(int i) {
        return timestamps[i];
    }

    /** Packet {@code i} as a record of its own (copies its bytes). */
    public PcapRecord record(int i) {
        return new PcapRecord(timestamps[i], originalLengths[i],
            Arrays.copyOfRange(data, offsets[i], offsets[i] + lengths[i]));
    }

    /** The capture's header (its link type says how to read the packets). */
    public PcapHeader header() {
        return header;
    }

    /** Growing tables, filled record by record. */
    private static final class Builder {
        private final PcapReader reader;
        private byte[] data;
        private int used;
        private int count;
        private int[] offsets = new int[256];
        private int[] lengths = new int[256];
        private int[] originalLengths = new int[256];
        private long[] timestamps = new long[256];

        Builder(PcapReader reader) {
            this.reader = reader;
            long known = reader.remainingBytes();
            // A file's size bounds its packet bytes; a stream's is unknown, so start small.
            data = new byte[(int) (known >= 0 ? Math.min(known, MAX_INITIAL) : PcapInput.CHUNK)];
        }

        PacketBatch build() {
            while (reader.advance()) {
                add();
            }
            return new PacketBatch(used == data.length ? data : Arrays.copyOf(data, used),
                Arrays.copyOf(offsets, count), Arrays.copyOf(lengths, count),
                Arrays.copyOf(originalLengths, count), Arrays.copyOf(timestamps, count), reader.header());
        }

        private void add() {
            int length = reader.capturedLength();
            if ((long) used + length > MAX_BYTES) {
                throw new PcapFormatException(reader.name() + ": record " + reader.recordIndex() + " at byte " + reader.recordOffset()
                    + ": the packets before it fill the 2 GiB one PacketBatch holds; stream the file with PcapReader");
            }
            if (count == offsets.length) {
                int n = (int) Math.min(MAX_BYTES, count * 2L);
                offsets = Arrays.copyOf(offsets, n);
                lengths = Arrays.copyOf(lengths, n);
                originalLengths = Arrays.copyOf(originalLengths, n);
                timestamps = Arrays.copyOf(timestamps, n);
            }
            offsets[count] = used;
            lengths[count] = length;
            originalLengths[count] = reader.originalLength();
            timestamps[count] = reader.timestampNanos();
            // Grow in pieces as bytes arrive, so a record that claims more than the stream holds
            // fails before its full length is ever allocated.
            for (int left = length; left > 0; ) {
                int step = Math.min(left, PcapInput.CHUNK);
                if (used + step > data.length) {
                    data = Arrays.copyOf(data, (int) Math.min(MAX_BYTES, Math.max(used + (long) step, data.length * 2L)));
                }
                reader.readData(data, used, step);
                used += step;
                left -= step;
            }
            count++;
        }
    }
}
