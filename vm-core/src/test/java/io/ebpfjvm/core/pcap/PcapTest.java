package io.ebpfjvm.core.pcap;

import io.ebpfjvm.core.error.PcapFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import static io.ebpfjvm.core.pcap.SampleCaptures.header;
import static io.ebpfjvm.core.pcap.SampleCaptures.records;
import static io.ebpfjvm.core.pcap.SampleCaptures.truncate;
import static io.ebpfjvm.core.pcap.SampleCaptures.write;
import static org.junit.jupiter.api.Assertions.*;

class PcapTest {
    static Stream<Arguments> variants() {
        List<Arguments> out = new ArrayList<>();
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            for (boolean nano : new boolean[] {false, true}) {
                for (int linkType : new int[] {PcapHeader.LINKTYPE_ETHERNET, PcapHeader.LINKTYPE_RAW,
                    PcapHeader.LINKTYPE_LINUX_SLL}) {
                    out.add(Arguments.of(order, nano, linkType));
                }
            }
        }
        return out.stream();
    }

    static PcapReader reader(byte[] file, String name) {
        return new PcapReader(new ByteArrayInputStream(file), name);
    }

    static void assertSameRecords(List<PcapRecord> expected, List<PcapRecord> got, boolean nano) {
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < expected.size(); i++) {
            PcapRecord e = expected.get(i);
            PcapRecord g = got.get(i);
            assertArrayEquals(e.data(), g.data(), "record " + i);
            assertEquals(e.originalLength(), g.originalLength(), "record " + i);
            assertEquals(truncate(e.timestampNanos(), nano), g.timestampNanos(), "record " + i);
        }
    }

    static List<PcapRecord> readAll(PcapReader reader) {
        List<PcapRecord> out = new ArrayList<>();
        for (PcapRecord r : reader) {
            out.add(r);
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("variants")
    void roundTripInEveryVariant(ByteOrder order, boolean nano, int linkType) {
        PcapHeader header = header(order, nano, linkType);
        List<PcapRecord> records = records(40, linkType);
        byte[] file = write(header, records);
        try (PcapReader reader = reader(file, "mem")) {
            assertEquals(header, reader.header());
            assertFalse(reader.isPcapng());
            assertSameRecords(records, readAll(reader), nano);
        }
    }

    @Test
    void headerFieldsAreWhereLibpcapPutsThem() {
        byte[] file = write(new PcapHeader(ByteOrder.BIG_ENDIAN, true, 1500, PcapHeader.LINKTYPE_RAW), List.of());
        ByteBuffer b = ByteBuffer.wrap(file);
        assertEquals(24, file.length);
        assertEquals(0xa1b23c4d, b.getInt(0));
        assertEquals(2, b.getShort(4));
        assertEquals(4, b.getShort(6));
        assertEquals(1500, b.getInt(16));
        assertEquals(101, b.getInt(20));
    }

    @Test
    void fcsBitsAboveTheLinkTypeAreIgnored() {
        byte[] file = write(header(ByteOrder.LITTLE_ENDIAN, false, 1), records(2, 3));
        file[23] = 0x14; // LT_FCS_LENGTH_PRESENT with a 4-byte FCS, as libpcap annotates it
        try (PcapReader r = reader(file, "fcs.pcap")) {
            assertEquals(PcapHeader.LINKTYPE_ETHERNET, r.header().linkType());
            assertEquals(2, readAll(r).size());
        }
    }

    @Test
    void nextAndIteratorAgreeAndIterationIsOnce() {
        byte[] file = write(header(ByteOrder.LITTLE_ENDIAN, true, 1), records(10, 4));
        List<PcapRecord> byNext = new ArrayList<>();
        try (PcapReader r = reader(file, "a")) {
            for (PcapRecord rec = r.next(); rec != null; rec = r.next()) {
                byNext.add(rec);
            }
            assertNull(r.next(), "stays at the end");
        }
        try (PcapReader r = reader(file, "b")) {
            assertSameRecords(byNext, readAll(r), true);
            assertThrows(IllegalStateException.class, r::iterator);
        }
        try (PcapReader r = reader(file, "c")) {
            Iterator<PcapRecord> it = r.iterator();
            for (int i = 0; i < 10; i++) {
                assertTrue(it.hasNext());
                assertTrue(it.hasNext(), "hasNext twice does not skip");
                it.next();
            }
            assertFalse(it.hasNext());
            assertThrows(java.util.NoSuchElementException.class, it::next);
        }
    }

    @Test
    void batchKeepsPacketsInOneArray(@TempDir Path tmp) throws Exception {
        List<PcapRecord> records = records(30, 2);
        byte[] file = write(header(ByteOrder.BIG_ENDIAN, true, PcapHeader.LINKTYPE_LINUX_SLL), records);
        Path path = tmp.resolve("x.pcap");
        Files.write(path, file);
        PacketBatch fromFile = PacketBatch.load(path);
        PacketBatch fromStream;
        try (PcapReader r = reader(file, "s")) {
            fromStream = PacketBatch.read(r);
        }
        for (PacketBatch batch : List.of(fromFile, fromStream)) {
            assertEquals(PcapHeader.LINKTYPE_LINUX_SLL, batch.header().linkType());
            assertEquals(30, batch.count());
            int total = records.stream().mapToInt(r -> r.data().length).sum();
            assertEquals(total, batch.data().length, "exactly the packets' bytes, back to back");
            for (int i = 0; i < 30; i++) {
                PcapRecord e = records.get(i);
                assertEquals(e.data().length, batch.length(i));
                assertEquals(e.originalLength(), batch.originalLength(i));
                assertEquals(e.timestampNanos(), batch.timestampNanos(i));
                assertArrayEquals(e.data(), Arrays.copyOfRange(batch.data(), batch.offset(i), batch.offset(i) + batch.length(i)));
                assertArrayEquals(e.data(), batch.record(i).data());
            }
        }
    }

    @Test
    void batchOfBigPacketsGrowsPastTheFirstChunk() {
        List<PcapRecord> records = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            byte[] data = new byte[60_000 + i];
            Arrays.fill(data, (byte) i);
            records.add(new PcapRecord(i, data.length, data));
        }
        byte[] file = write(header(ByteOrder.LITTLE_ENDIAN, false, 1), records);
        try (PcapReader r = new PcapReader(new ByteArrayInputStream(file), "big")) {
            PacketBatch batch = PacketBatch.read(r);
            assertEquals(12, batch.count());
            for (int i = 0; i < 12; i++) {
                assertArrayEquals(records.get(i).data(), batch.record(i).data());
            }
        }
    }

    @Test
    void emptyCaptureHasAHeaderAndNoPackets() {
        byte[] file = write(header(ByteOrder.LITTLE_ENDIAN, false, 1), List.of());
        try (PcapReader r = reader(file, "empty")) {
            assertNull(r.next());
            assertEquals(0, PacketBatch.read(r).count());
        }
    }

    /** A cut at any byte either ends cleanly between records or names the record and offset. */
    @Test
    void everyTruncationIsANamedError(@TempDir Path tmp) throws Exception {
        List<PcapRecord> records = records(9, 3).subList(5, 9); // includes the empty and the 10-byte frame
        byte[] file = write(header(ByteOrder.LITTLE_ENDIAN, false, 1), records);
        List<Integer> boundaries = new ArrayList<>(List.of(24));
        for (PcapRecord r : records) {
            boundaries.add(boundaries.get(boundaries.size() - 1) + 16 + r.data().length);
        }
        Path cut = tmp.resolve("cut.pcap");
        for (int n = 0; n < file.length; n++) {
            byte[] bytes = Arrays.copyOf(file, n);
            Files.write(cut, bytes);
            int complete = boundaries.indexOf(n);
            for (int how = 0; how < 3; how++) {
                String name = how == 1 ? cut.toString() : "cut.pcap";
                try {
                    int count;
                    if (how == 0) {
                        try (PcapReader r = reader(bytes, name)) {
                            count = readAll(r).size();
                        }
                    } else if (how == 1) {
                        count = PacketBatch.load(cut).count();
                    } else {
                        try (PcapReader r = new PcapReader(new TrickleStream(bytes), name)) {
                            count = PacketBatch.read(r).count();
                        }
                    }
                    assertEquals(complete, count, "cut at " + n + " reads cleanly only at a record boundary");
                } catch (PcapFormatException e) {
                    String m = e.getMessage();
                    assertTrue(complete < 0, "cut at " + n + " is a boundary, yet: " + m);
                    assertTrue(m.startsWith(name + ": "), m);
                    assertFalse(m.contains("\n"), m);
                    if (n < 24) {
                        assertEquals(name + ": global header truncated at byte " + n
                            + ", expected 24 bytes", m);
                    } else {
                        int index = 0;
                        while (boundaries.get(index + 1) <= n) {
                            index++;
                        }
                        String where = "record " + index + " at byte " + boundaries.get(index) + ": ";
                        assertTrue(m.startsWith(name + ": " + where) && m.contains("truncated"), where + " in: " + m);
                    }
                }
            }
        }
    }

    @Test
    void absurdLengthIsRefusedBeforeAllocating() {
        byte[] file = write(header(ByteOrder.LITTLE_ENDIAN, false, 1), records(1, 4));
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 8, Integer.MAX_VALUE);
        try (PcapReader r = reader(file, "big.pcap")) {
            PcapFormatException e = assertThrows(PcapFormatException.class, r::next);
            assertEquals("big.pcap: record 0 at byte 24: claims 2147483647 captured bytes, expected at most 262144 "
                + "(the snapshot length)", e.getMessage());
        }
    }

    @Test
    void aLyingLengthAllocatesOnlyWhatIsThere() {
        // 200 KB claimed (under the snapshot length), 50 bytes present: the reader must not allocate 200 KB.
        byte[] file = Arrays.copyOf(write(header(ByteOrder.LITTLE_ENDIAN, false, 1), List.of()), 24 + 16 + 50);
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 8, 200_000).putInt(24 + 12, 200_000);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (int attempt = 0; attempt < 3; attempt++) { // the first run may load classes
            try (PcapReader r = new PcapReader(new TrickleStream(file), "lie.pcap")) {
                long before = mx.getThreadAllocatedBytes(tid);
                PcapFormatException e = assertThrows(PcapFormatException.class, r::next);
                long allocated = mx.getThreadAllocatedBytes(tid) - before;
                assertEquals("lie.pcap: record 0 at byte 24: truncated: 50 of 200000 captured bytes present", e.getMessage());
                if (attempt == 2) {
                    assertTrue(allocated < 64_000, allocated + " bytes allocated");
                }
            }
        }
    }

    @Test
    void lengthsBeyondTheFileAreCaughtBeforeReadingWhenTheSizeIsKnown(@TempDir Path tmp) throws Exception {
        byte[] file = Arrays.copyOf(write(header(ByteOrder.LITTLE_ENDIAN, false, 1), List.of()), 24 + 16 + 50);
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 8, 200_000).putInt(24 + 12, 200_000);
        Path p = tmp.resolve("lie.pcap");
        Files.write(p, file);
        PcapFormatException e = assertThrows(PcapFormatException.class, () -> PacketBatch.load(p));
        assertEquals(p + ": record 0 at byte 24: truncated: claims 200000 captured bytes, only 50 remain", e.getMessage());
    }

    @Test
    void capturedLengthAboveTheSnapshotLength() {
        PcapHeader h = new PcapHeader(ByteOrder.BIG_ENDIAN, false, 96, 1);
        byte[] file = write(h, List.of(new PcapRecord(0, 96, new byte[96])));
        ByteBuffer.wrap(file).putInt(24 + 8, 97);
        try (PcapReader r = reader(file, "snap.pcap")) {
            assertEquals("snap.pcap: record 0 at byte 24: claims 97 captured bytes, expected at most 96 (the snapshot length)",
                assertThrows(PcapFormatException.class, r::next).getMessage());
        }
    }

    @Test
    void zeroSnapshotLengthMeansTheLargestOne() {
        PcapHeader h = new PcapHeader(ByteOrder.LITTLE_ENDIAN, false, 0, 1);
        assertEquals(PcapHeader.MAX_SNAPLEN, h.recordLimit());
        byte[] file = write(h, List.of(new PcapRecord(0, 70_000, new byte[70_000])));
        try (PcapReader r = reader(file, "zero.pcap")) {
            assertEquals(70_000, r.next().data().length);
        }
    }

    @Test
    void garbageFieldsAreNamed() {
        byte[] good = write(header(ByteOrder.LITTLE_ENDIAN, false, 1), records(3, 5));
        int second = 24 + 16 + records(3, 5).get(0).data().length;
        assertGarbage(good, second + 4, 1_000_000, "record 1 at byte " + second
            + ": timestamp fraction 1000000, expected below 1000000 (microseconds)");
        assertGarbage(good, second + 12, 3, "record 1 at byte " + second
            + ": original length 3 is less than the captured length");
        assertGarbage(good, 0, 0x0a0b0c0d, "bad magic 0d0c0b0a at byte 0, expected a pcap file");
        assertGarbage(good, 4, 0x00040001, "version 1.4 at byte 4, expected 2.x");
        assertGarbage(good, second + 12, -1, "record 1 at byte " + second
            + ": original length 4294967295, expected below 2^31");
        byte[] nano = write(header(ByteOrder.LITTLE_ENDIAN, true, 1), records(3, 5));
        assertGarbage(nano, 24 + 4, 1_000_000_000, "record 0 at byte 24: timestamp fraction 1000000000, "
            + "expected below 1000000000 (nanoseconds)");
    }

    private static void assertGarbage(byte[] file, int at, int value, String expected) {
        byte[] bad = file.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        PcapFormatException e = assertThrows(PcapFormatException.class, () -> {
            try (PcapReader r = reader(bad, "bad.pcap")) {
                readAll(r);
            }
        });
        assertTrue(e.getMessage().startsWith("bad.pcap: " + expected), e.getMessage());
    }

    @Test
    void emptyAndShortInputs() {
        for (int n : new int[] {0, 3}) {
            PcapFormatException e = assertThrows(PcapFormatException.class, () -> reader(new byte[n], "short"));
            assertEquals("short: global header truncated at byte " + n + ", expected 24 bytes", e.getMessage());
        }
    }

    @Test
    void writerRefusesRecordsNoReaderWouldAccept() {
        PcapWriter w = new PcapWriter(new ByteArrayOutputStream(), new PcapHeader(ByteOrder.LITTLE_ENDIAN, false, 64, 1));
        byte[] data = new byte[65];
        assertThrows(IllegalArgumentException.class, () -> w.write(0, data, 0, 65, 65), "beyond the snapshot");
        assertThrows(IllegalArgumentException.class, () -> w.write(0, data, 0, 10, 9), "original < captured");
        assertThrows(IllegalArgumentException.class, () -> w.write(-1, data, 0, 10, 10), "before 1970");
        assertThrows(IllegalArgumentException.class, () -> w.write(0x1_0000_0000L * 1_000_000_000L, data, 0, 10, 10));
        assertThrows(IndexOutOfBoundsException.class, () -> w.write(0, data, 60, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> new PcapRecord(0, 1, new byte[2]));
        w.write(0xffffffffL * 1_000_000_000L + 999_999_999L, data, 0, 64, 1000); // the last representable second
    }

    /** An InputStream that hands out one byte per read: readers must loop, not trust read(). */
    static final class TrickleStream extends InputStream {
        private final byte[] data;
        private int at;

        TrickleStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return at < data.length ? data[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int c = read();
            if (c < 0) {
                return -1;
            }
            b[off] = (byte) c;
            return 1;
        }
    }
}
