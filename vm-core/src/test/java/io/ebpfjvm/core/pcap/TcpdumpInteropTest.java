package io.ebpfjvm.core.pcap;

import io.ebpfjvm.core.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Captures exchanged with tcpdump. The committed files under {@code resources/pcap} were
 * written by our writer and by {@code tcpdump -w} (see {@code regenerate.sh} there), so these
 * tests run without tcpdump; where it is installed, fresh files go through it too.
 */
class TcpdumpInteropTest {
    static final List<PcapRecord> SAMPLE = SampleCaptures.records(20, 1);

    static byte[] resource(String name) throws Exception {
        try (InputStream in = TcpdumpInteropTest.class.getResourceAsStream("/pcap/" + name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    @Test
    void ourCommittedFilesAreWhatTheWriterWritesToday() throws Exception {
        assertArrayEquals(resource("sample-le-micro.pcap"),
            SampleCaptures.write(SampleCaptures.header(ByteOrder.LITTLE_ENDIAN, false, 1), SAMPLE));
        assertArrayEquals(resource("sample-be-nano.pcap"),
            SampleCaptures.write(SampleCaptures.header(ByteOrder.BIG_ENDIAN, true, 1), SAMPLE));
    }

    @Test
    void filesWrittenByTcpdumpReadAsTheirSource() throws Exception {
        for (String name : List.of("tcpdump-micro.pcap", "tcpdump-nano.pcap")) {
            boolean nano = name.contains("nano");
            try (PcapReader r = new PcapReader(new java.io.ByteArrayInputStream(resource(name)), name)) {
                // tcpdump writes in the machine's byte order (little-endian here) whatever it read.
                assertEquals(new PcapHeader(ByteOrder.LITTLE_ENDIAN, nano, 262144, 1), r.header());
                PcapTest.assertSameRecords(SAMPLE, PcapTest.readAll(r), nano);
            }
        }
        // Reading a little-endian microsecond file and writing it again changes nothing.
        assertArrayEquals(resource("sample-le-micro.pcap"), resource("tcpdump-micro.pcap"));
    }

    static List<Object[]> variants() {
        List<Object[]> out = new ArrayList<>();
        PcapTest.variants().forEach(a -> out.add(a.get()));
        return out;
    }

    /** tcpdump reads what we write, reports our link type, and writes it back identically. */
    @ParameterizedTest
    @MethodSource("variants")
    void tcpdumpReadsWhatWeWrite(ByteOrder order, boolean nano, int linkType, @TempDir Path tmp) throws Exception {
        assumeTrue(Tools.find("tcpdump") != null, "tcpdump not installed");
        List<PcapRecord> records = SampleCaptures.records(25, 5);
        byte[] ours = SampleCaptures.write(SampleCaptures.header(order, nano, linkType), records);
        Path file = tmp.resolve("ours.pcap");
        Files.write(file, ours);
        String listing = Tools.run(List.of("tcpdump", "-nn", "-r", file.toString()));
        String name = switch (linkType) {
            case PcapHeader.LINKTYPE_ETHERNET -> "EN10MB";
            case PcapHeader.LINKTYPE_RAW -> "RAW";
            default -> "LINUX_SLL";
        };
        assertTrue(listing.contains("link-type " + name + " "), listing.lines().findFirst().orElse(""));
        Path copy = tmp.resolve("copy.pcap");
        List<String> cmd = new ArrayList<>(List.of("tcpdump", "-r", file.toString(), "-w", copy.toString()));
        if (nano) {
            cmd.add(1, "--time-stamp-precision=nano");
        }
        Tools.run(cmd);
        try (PcapReader r = PcapReader.open(copy)) {
            assertEquals(new PcapHeader(ByteOrder.LITTLE_ENDIAN, nano, PcapHeader.MAX_SNAPLEN, linkType), r.header());
            PcapTest.assertSameRecords(records, PcapTest.readAll(r), nano);
        }
        if (order == ByteOrder.LITTLE_ENDIAN) {
            assertArrayEquals(ours, Files.readAllBytes(copy), "tcpdump rewrote our file byte for byte");
        }
    }
}
