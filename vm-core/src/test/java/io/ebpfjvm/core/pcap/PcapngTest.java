package io.ebpfjvm.core.pcap;

import io.ebpfjvm.core.error.PcapFormatException;
import io.ebpfjvm.core.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** pcapng reading: blocks, sections, timestamp resolutions, errors; tcpdump's conversion as the oracle. */
class PcapngTest {
    static final long SECOND = 1_000_000_000L;

    static List<PcapRecord> read(byte[] file) {
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(file), "t.pcapng")) {
            assertTrue(r.isPcapng());
            return PcapTest.readAll(r);
        }
    }

    static PcapHeader header(byte[] file) {
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(file), "t.pcapng")) {
            return r.header();
        }
    }

    /** Records as EPBs on one interface with the given resolution, timestamps in its units. */
    static byte[] file(ByteOrder order, int tsresol, List<PcapRecord> records, long ticksPerSecond) {
        PcapngTestWriter w = new PcapngTestWriter(order).iface(1, 262144, tsresol, 0);
        for (PcapRecord r : records) {
            long ticks = r.timestampNanos() / SECOND * ticksPerSecond
                + r.timestampNanos() % SECOND * ticksPerSecond / SECOND;
            w.epb(0, ticks, r.data(), r.originalLength());
        }
        return w.bytes();
    }

    @Test
    void enhancedPacketsInBothByteOrdersAndResolutions() {
        List<PcapRecord> records = SampleCaptures.records(25, 9);
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            byte[] micro = file(order, -1, records, 1_000_000);
            assertEquals(new PcapHeader(order, false, 262144, 1), header(micro));
            PcapTest.assertSameRecords(records, read(micro), false);
            byte[] nano = file(order, 9, records, SECOND);
            assertTrue(header(nano).nanosecond());
            PcapTest.assertSameRecords(records, read(nano), true);
        }
    }

    @Test
    void binaryAndCoarseResolutionsAndTheOffsetOption() {
        byte[] data = {1, 2, 3};
        byte[] file = new PcapngTestWriter(ByteOrder.LITTLE_ENDIAN)
            .iface(1, 0, 0x80 | 20, 0)           // 2^-20 s
            .iface(1, 0, 3, 100)                 // milliseconds, +100 s
            .iface(1, 0, 0x80, 0)                // 2^0: whole seconds
            .epb(0, 3L << 20 | 1L << 19, data, 3) // 3.5 s
            .epb(1, 1500, data, 3)               // 1.5 s + 100 s
            .epb(2, 7, data, 3)
            .bytes();
        List<PcapRecord> got = read(file);
        assertEquals(3 * SECOND + SECOND / 2, got.get(0).timestampNanos());
        assertEquals(101 * SECOND + SECOND / 2, got.get(1).timestampNanos());
        assertEquals(7 * SECOND, got.get(2).timestampNanos());
        assertTrue(header(file).nanosecond(), "2^-20 s is finer than a microsecond");
    }

    @Test
    void sectionsSimpleAndObsoletePacketsAndSkippedBlocks() {
        byte[] a = {10, 11, 12, 13, 14};
        byte[] b = new byte[100];
        Arrays.fill(b, (byte) 7);
        byte[] file = new PcapngTestWriter(ByteOrder.BIG_ENDIAN)
            .other(4, 40)                        // name resolution before the interface
            .iface(1, 64, -1, 0)
            .epb(0, 5_000_000, a, 60)
            .other(5, 24)                        // interface statistics
            .spb(Arrays.copyOf(b, 64), 100)      // cut to the 64-byte snapshot
            .section(ByteOrder.LITTLE_ENDIAN)    // new section, other byte order, interfaces restart
            .iface(1, 0, 9, 0)
            .pb(0, 42, a, 5)
            .other(0x40000bad, 0)                // a custom block with an empty body
            .bytes();
        List<PcapRecord> got = read(file);
        assertEquals(3, got.size());
        assertArrayEquals(a, got.get(0).data());
        assertEquals(60, got.get(0).originalLength());
        assertEquals(5 * SECOND, got.get(0).timestampNanos());
        assertArrayEquals(Arrays.copyOf(b, 64), got.get(1).data());
        assertEquals(100, got.get(1).originalLength());
        assertEquals(0, got.get(1).timestampNanos(), "simple packet blocks have no timestamp");
        assertEquals(42, got.get(2).timestampNanos());
        PacketBatch batch;
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(file), "x")) {
            batch = PacketBatch.read(r);
        }
        assertEquals(3, batch.count());
        assertEquals(5 + 64 + 5, batch.data().length);
    }

    @Test
    void aCaptureWithoutInterfacesIsEmpty() {
        byte[] file = new PcapngTestWriter(ByteOrder.LITTLE_ENDIAN).other(4, 8).bytes();
        assertEquals(List.of(), read(file));
    }

    @Test
    void anEmptyFirstSectionIsSkipped() {
        byte[] d = {9, 8, 7};
        byte[] file = new PcapngTestWriter(ByteOrder.LITTLE_ENDIAN).other(4, 8)
            .section(ByteOrder.BIG_ENDIAN).iface(PcapHeader.LINKTYPE_RAW, 0, -1, 0).epb(0, 1, d, 3).bytes();
        assertEquals(new PcapHeader(ByteOrder.BIG_ENDIAN, false, 0, PcapHeader.LINKTYPE_RAW), header(file));
        assertArrayEquals(d, read(file).get(0).data());
    }

    @Test
    void aBlockOfTypeAllOnesIsSkippedNotTakenForTheEnd() {
        byte[] d = {1};
        byte[] file = new PcapngTestWriter(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1, 0).other(-1, 4).epb(0, 1, d, 1).bytes();
        assertEquals(1, read(file).size());
    }

    @Test
    void errorsNameTheBlockOrRecord() {
        byte[] d = {1, 2, 3, 4};
        int shb = new PcapngTestWriter(ByteOrder.LITTLE_ENDIAN).bytes().length;
        int epb0 = new PcapngTestWriter(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1, 0).bytes().length;
        int epb1 = new PcapngTestWriter(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1, 0).iface(101, 0, -1, 0)
            .epb(0, 0, d, 4).bytes().length;
        assertError(new PcapngTestWriter(ByteOrder.LITTLE_ENDIAN).epb(0, 0, d, 4).bytes(),
            "block at byte " + shb + " (before record 0): packet block before any interface description");
        assertError(new PcapngTestWriter(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1, 0).epb(1, 0, d, 4).bytes(),
            "record 0 at byte " + epb0 + ": interface 1, expected one of the 1 described before it");
        assertError(new PcapngTestWriter(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1, 0).iface(101, 0, -1, 0)
                .epb(0, 0, d, 4).epb(1, 0, d, 4).bytes(),
            "record 1 at byte " + epb1 + ": interface 1 has link type 101, but the capture's first has 1: mixed link types");
        assertError(new PcapngTestWriter(ByteOrder.LITTLE_ENDIAN).iface(1, 2, -1, 0).epb(0, 0, d, 4).bytes(),
            "record 0 at byte " + epb0 + ": claims 4 captured bytes, expected at most 2 (the snapshot length)");
        assertError(new PcapngTestWriter(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1, 0).epb(0, 0, d, 3).bytes(),
            "record 0 at byte " + epb0 + ": original length 3 is less than the captured length 4");
        assertError(new PcapngTestWriter(ByteOrder.LITTLE_ENDIAN).iface(1, 0, 0, 0).epb(0, -1L >>> 1, d, 4).bytes(),
            "record 0 at byte " + (epb0 + 8) + ": timestamp 9223372036854775807 is beyond the year 2262");

        byte[] good = new PcapngTestWriter(ByteOrder.LITTLE_ENDIAN).iface(1, 0, -1, 0).epb(0, 0, d, 4).bytes();
        byte[] bom = good.clone();
        bom[8] = 0x4e;
        assertError(bom, "block at byte 0 (before record 0): byte-order magic 4e3c2b1a, expected 1a2b3c4d");
        byte[] trailing = good.clone();
        trailing[good.length - 4]++;
        assertError(trailing, "block at byte " + epb0 + " (before record 1): trailing block length");
        byte[] odd = good.clone();
        ByteBuffer.wrap(odd).order(ByteOrder.LITTLE_ENDIAN).putInt(epb0 + 4, 47);
        assertError(odd, "block at byte " + epb0 + " (before record 0): block length 47, expected a multiple of 4, at least 12");
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(epb0 + 20, 1000); // captured length
        assertError(huge, "record 0 at byte " + epb0 + ": captured length 1000 does not fit its block of");
        byte[] version = good.clone();
        version[12] = 2;
        assertError(version, "block at byte 0 (before record 0): section version 2.0, expected 1.x");
    }

    private static void assertError(byte[] file, String expected) {
        PcapFormatException e = assertThrows(PcapFormatException.class, () -> read(file));
        assertTrue(e.getMessage().startsWith("t.pcapng: " + expected), e.getMessage());
    }

    @Test
    void everyTruncationIsANamedErrorOrACleanEnd(@TempDir Path tmp) throws Exception {
        List<PcapRecord> records = SampleCaptures.records(10, 4).subList(6, 10);
        PcapngTestWriter w = new PcapngTestWriter(ByteOrder.BIG_ENDIAN).iface(1, 0, 9, 0);
        // Cuts at block boundaries read cleanly: after the section and interface blocks, with no records.
        List<Integer> ends = new ArrayList<>(List.of(new PcapngTestWriter(ByteOrder.BIG_ENDIAN).bytes().length,
            w.bytes().length));
        for (PcapRecord r : records) {
            w.epb(0, r.timestampNanos(), r.data(), r.originalLength());
            ends.add(w.bytes().length);
        }
        byte[] file = w.bytes();
        Path cut = tmp.resolve("cut.pcapng");
        for (int n = 0; n < file.length; n++) {
            byte[] bytes = Arrays.copyOf(file, n);
            Files.write(cut, bytes);
            int boundary = ends.indexOf(n);
            int complete = boundary < 0 ? -1 : Math.max(0, boundary - 1); // -1: not a boundary
            for (boolean viaPath : new boolean[] {false, true}) {
                try {
                    int count;
                    if (viaPath) {
                        count = PacketBatch.load(cut).count();
                    } else {
                        try (PcapReader r = new PcapReader(new PcapTest.TrickleStream(bytes), "cut.pcapng")) {
                            count = PcapTest.readAll(r).size();
                        }
                    }
                    assertTrue(complete >= 0, "cut at " + n + " read " + count + " records cleanly");
                    assertEquals(complete, count, "cut at " + n);
                } catch (PcapFormatException e) {
                    assertTrue(complete < 0, "cut at " + n + " is a block boundary, yet: " + e.getMessage());
                    assertFalse(e.getMessage().contains("\n"));
                    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
                }
            }
        }
    }

    /** tcpdump converts our pcapng to pcap; both must read as the same packets. */
    @Test
    void tcpdumpConvertsToTheSamePackets(@TempDir Path tmp) throws Exception {
        assumeTrue(Tools.find("tcpdump") != null, "tcpdump not installed");
        List<PcapRecord> records = SampleCaptures.records(30, 12);
        for (boolean nano : new boolean[] {false, true}) {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                Path ng = tmp.resolve("in.pcapng");
                Files.write(ng, file(order, nano ? 9 : -1, records, nano ? SECOND : 1_000_000));
                Path pcap = tmp.resolve("out.pcap");
                List<String> cmd = new ArrayList<>(List.of("tcpdump", "-r", ng.toString(), "-w", pcap.toString()));
                if (nano) {
                    cmd.add(1, "--time-stamp-precision=nano");
                }
                Tools.run(cmd);
                List<PcapRecord> ours;
                try (PcapReader r = PcapReader.open(ng)) {
                    ours = PcapTest.readAll(r);
                }
                try (PcapReader r = PcapReader.open(pcap)) {
                    assertFalse(r.isPcapng());
                    assertEquals(nano, r.header().nanosecond());
                    PcapTest.assertSameRecords(ours, PcapTest.readAll(r), nano);
                }
                PcapTest.assertSameRecords(records, ours, nano);
            }
        }
    }
}
