package io.ebpfjvm.core.pcap;

import io.ebpfjvm.core.error.PcapFormatException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Corrupted captures (random bytes overwritten, random cuts) either read or fail with a
 * one-line {@link PcapFormatException}: no other exception, no runaway allocation, no hang.
 */
class CorruptionFuzzTest {
    static final int MUTANTS = 3000;

    @Test
    void corruptPcapFiles() {
        List<PcapRecord> records = SampleCaptures.records(12, 21);
        fuzz(SampleCaptures.write(SampleCaptures.header(ByteOrder.BIG_ENDIAN, true, 1), records), 1);
        fuzz(SampleCaptures.write(SampleCaptures.header(ByteOrder.LITTLE_ENDIAN, false, 113), records), 2);
    }

    @Test
    void corruptPcapngFiles() {
        PcapngTestWriter w = new PcapngTestWriter(ByteOrder.LITTLE_ENDIAN).iface(1, 0, 9, 0).other(4, 12);
        for (PcapRecord r : SampleCaptures.records(8, 22)) {
            w.epb(0, r.timestampNanos(), r.data(), r.originalLength());
        }
        w.spb(new byte[30], 30).section(ByteOrder.BIG_ENDIAN).iface(1, 100, 0x80 | 30, 5).pb(0, 99, new byte[7], 70);
        fuzz(w.bytes(), 3);
    }

    private static void fuzz(byte[] file, long seed) {
        Random r = new Random(seed);
        int failures = 0;
        for (int i = 0; i < MUTANTS; i++) {
            byte[] bad = file.clone();
            for (int n = 1 + r.nextInt(4); n > 0; n--) {
                bad[r.nextInt(bad.length)] = (byte) (r.nextInt(5) == 0 ? 0xff : r.nextInt(256));
            }
            if (r.nextInt(4) == 0) {
                bad = java.util.Arrays.copyOf(bad, r.nextInt(bad.length));
            }
            try (PcapReader reader = new PcapReader(new ByteArrayInputStream(bad), "fuzz")) {
                if (r.nextBoolean()) {
                    PacketBatch.read(reader);
                } else {
                    for (PcapRecord rec : reader) {
                        assertTrue(rec.data().length <= PcapHeader.MAX_SNAPLEN);
                    }
                }
            } catch (PcapFormatException e) {
                failures++;
                assertTrue(e.getMessage().startsWith("fuzz: ") && !e.getMessage().contains("\n"), e.getMessage());
            }
        }
        assertTrue(failures > MUTANTS / 10, failures + " of " + MUTANTS + " mutants refused: the fuzzing is too gentle");
    }
}
