package io.ebpfjvm.core.pcap;

import io.ebpfjvm.core.error.PcapFormatException;
import io.ebpfjvm.core.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PcapTest {

    static List<PcapRecord> sampleRecords(int n, long seed) {
        Random r = new Random(seed);
        List<PcapRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] frame = new byte[14 + r.nextInt(200)];
            r.nextBytes(frame);
            frame[12] = 0x08;
            frame[13] = 0x00;
            out.add(new PcapRecord(1_700_000_000_000_000_000L + i * 1_234_567L, frame.length + (i % 3 == 0 ? 10 : 0), frame));
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

    @ParameterizedTest
    @CsvSource({"LITTLE_ENDIAN,false", "LITTLE_ENDIAN,true", "BIG_ENDIAN,false", "BIG_ENDIAN,true"})
    void roundTripInEveryVariant(String order, boolean nano) {
        ByteOrder o = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        PcapHeader header = new PcapHeader(o, nano, 65535, PcapHeader.LINKTYPE_ETHERNET);
        List<PcapRecord> records = sampleRecords(50, 1);
        byte[] file = write(header, records);
        try (PcapReader reader = new PcapReader(new ByteArrayInputStream(file), "mem")) {
            assertEquals(header, reader.header());
            for (PcapRecord expected : records) {
                PcapRecord got = reader.next();
                assertArrayEquals(expected.data(), got.data());
                assertEquals(expected.originalLength(), got.originalLength());
                long resolution = nano ? 1 : 1000;
                assertEquals(expected.timestampNanos() / resolution, got.timestampNanos() / resolution);
            }
            assertNull(reader.next());
        }
    }

    @Test
    void batchKeepsPacketsInOneArray(@TempDir Path tmp) throws Exception {
        List<PcapRecord> records = sampleRecords(30, 2);
        Path file = tmp.resolve("x.pcap");
        Files.write(file, write(new PcapHeader(ByteOrder.LITTLE_ENDIAN, false, 65535, 1), records));
        PacketBatch batch = PacketBatch.load(file);
        assertEquals(30, batch.count());
        for (int i = 0; i < 30; i++) {
            byte[] expected = records.get(i).data();
            assertEquals(expected.length, batch.length(i));
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(batch.data(), batch.offset(i), batch.offset(i) + batch.length(i)));
        }
    }

    @Test
    void everyTruncationIsANamedError() {
        byte[] file = write(new PcapHeader(ByteOrder.LITTLE_ENDIAN, false, 65535, 1), sampleRecords(3, 3));
        int complete = 0;
        for (int n = 0; n < file.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(file, n);
            try (PcapReader r = new PcapReader(new ByteArrayInputStream(cut), "cut.pcap")) {
                while (r.next() != null) {
                    // read all
                }
                complete++;
            } catch (PcapFormatException e) {
                assertTrue(e.getMessage().startsWith("cut.pcap: "), e.getMessage());
                assertFalse(e.getMessage().contains("\n"));
            }
        }
        assertEquals(3, complete, "only cuts at record boundaries (24 + whole records) read cleanly");
    }

    @Test
    void absurdLengthIsRefusedBeforeAllocating() {
        byte[] file = write(new PcapHeader(ByteOrder.LITTLE_ENDIAN, false, 65535, 1), sampleRecords(1, 4));
        file[24 + 8] = (byte) 0xff;
        file[24 + 9] = (byte) 0xff;
        file[24 + 10] = (byte) 0xff;
        file[24 + 11] = (byte) 0x7f;
        PcapReader r = new PcapReader(new ByteArrayInputStream(file), "big.pcap");
        PcapFormatException e = assertThrows(PcapFormatException.class, r::next);
        assertEquals("big.pcap: record 0 at byte 24 claims 2147483647 captured bytes, expected at most 65535", e.getMessage());
    }

    @Test
    void pcapngGetsAHint() {
        byte[] ng = {0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0x1c};
        PcapFormatException e = assertThrows(PcapFormatException.class, () -> new PcapReader(new ByteArrayInputStream(ng), "x.pcapng"));
        assertTrue(e.getMessage().contains("pcapng is not supported"), e.getMessage());
    }

    @Test
    void tcpdumpReadsWhatWeWrite(@TempDir Path tmp) throws Exception {
        assumeTrue(Tools.find("tcpdump") != null, "tcpdump not installed");
        for (boolean nano : new boolean[] {false, true}) {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                Path file = tmp.resolve("t" + nano + order + ".pcap");
                Files.write(file, write(new PcapHeader(order, nano, 65535, 1), sampleRecords(25, 5)));
                String out = Tools.run(List.of("tcpdump", "-nn", "-r", file.toString()));
                assertEquals(25, out.lines().filter(l -> !l.startsWith("reading from")).count(), out);
                // And we read what tcpdump writes back.
                Path copy = tmp.resolve("copy" + nano + order + ".pcap");
                Tools.run(List.of("tcpdump", "-r", file.toString(), "-w", copy.toString()));
                assertEquals(25, PacketBatch.load(copy).count());
            }
        }
    }
}
