package io.ebpfjvm.core.pcap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic packets for the pcap tests, and the generator of the committed captures under
 * {@code src/test/resources/pcap} (run {@link #main} then {@code regenerate.sh} there).
 */
final class SampleCaptures {
    private SampleCaptures() {
    }

    /** 2023-11-14T22:13:20Z, plus a sub-microsecond part so nanosecond files are tested as such. */
    static final long START = 1_700_000_000_123_456_789L;

    /**
     * {@code n} Ethernet frames: IPv4/UDP, IPv4/TCP, ARP, IPv6, some truncated to a snapshot
     * (original length above the captured length), a runt and an empty capture among them.
     */
    static List<PcapRecord> records(int n, long seed) {
        Random r = new Random(seed);
        List<PcapRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] frame = new byte[i == 7 ? 0 : i == 8 ? 10 : 42 + r.nextInt(300)];
            r.nextBytes(frame);
            if (frame.length >= 14) {
                frame[0] = 0x02; // unicast destination
                int[] types = {0x0800, 0x0806, 0x86dd};
                int type = types[i % 3];
                frame[12] = (byte) (type >> 8);
                frame[13] = (byte) type;
            }
            int original = frame.length + (i % 4 == 1 ? 100 + r.nextInt(1000) : 0);
            out.add(new PcapRecord(START + i * 1_000_001_001L + r.nextInt(1000), original, frame));
        }
        return out;
    }

    static byte[] write(PcapHeader header, List<PcapRecord> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(bytes, header)) {
            records.forEach(w::write);
        }
        return bytes.toByteArray();
    }

    static PcapHeader header(ByteOrder order, boolean nano, int linkType) {
        return new PcapHeader(order, nano, PcapHeader.MAX_SNAPLEN, linkType);
    }

    /** The timestamp a file of the given resolution keeps. */
    static long truncate(long nanos, boolean nano) {
        return nano ? nanos : nanos - nanos % 1000;
    }

    /** Writes the committed captures built by our writer into {@code args[0]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        List<PcapRecord> records = records(20, 1);
        Files.write(dir.resolve("sample-le-micro.pcap"),
            write(header(ByteOrder.LITTLE_ENDIAN, false, PcapHeader.LINKTYPE_ETHERNET), records));
        Files.write(dir.resolve("sample-be-nano.pcap"),
            write(header(ByteOrder.BIG_ENDIAN, true, PcapHeader.LINKTYPE_ETHERNET), records));
    }
}
