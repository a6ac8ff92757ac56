package io.ebpfjvm.core.pcap;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Many packets in one flat array with offset/length tables: what a classification loop wants,
 * with no object per packet.
 */
public final class PacketBatch {
    private final byte[] data;
    private final int[] offsets;
    private final int[] lengths;
    private final PcapHeader header;

    private PacketBatch(byte[] data, int[] offsets, int[] lengths, PcapHeader header) {
        this.data = data;
        this.offsets = offsets;
        this.lengths = lengths;
        this.header = header;
    }

    /** Reads a whole pcap file. */
    public static PacketBatch load(Path file) {
        try (PcapReader reader = PcapReader.open(file)) {
            return read(reader);
        }
    }

    public static PacketBatch read(PcapReader reader) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int[] offsets = new int[64];
        int[] lengths = new int[64];
        int count = 0;
        for (PcapRecord r = reader.next(); r != null; r = reader.next()) {
            if (count == offsets.length) {
                offsets = Arrays.copyOf(offsets, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
            }
            offsets[count] = bytes.size();
            lengths[count] = r.data().length;
            bytes.write(r.data(), 0, r.data().length);
            count++;
        }
        return new PacketBatch(bytes.toByteArray(), Arrays.copyOf(offsets, count), Arrays.copyOf(lengths, count),
            reader.header());
    }

    public int count() {
        return offsets.length;
    }

    /** The array all packets live in. */
    public byte[] data() {
        return data;
    }

    public int offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    public PcapHeader header() {
        return header;
    }
}
