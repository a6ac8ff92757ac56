package io.ebpfjvm.core.elf;

import io.ebpfjvm.core.error.ElfFormatException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Broken objects end in one ElfFormatException naming the place, never another exception. */
class MalformedElfTest {

    private static byte[] sample() throws Exception {
        return Files.readAllBytes(Path.of(MalformedElfTest.class.getResource("/bpf/xdp_acl.o").toURI()));
    }

    private static void parseOrReject(byte[] data) {
        try {
            ElfFile elf = ElfFile.parse(data);
            for (ElfSection s : elf.programSections()) {
                elf.contents(s);
                elf.functions(s);
            }
        } catch (ElfFormatException e) {
            assertFalse(e.getMessage().contains("\n"), "one-line message");
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void parsesTheGoodObject() throws Exception {
        ElfFile elf = ElfFile.parse(sample());
        assertTrue(elf.section("xdp").isPresent());
        assertEquals(1, elf.programSections().size());
        assertEquals("xdp_acl", elf.functions(elf.section("xdp").get()).get(0).name());
    }

    @Test
    void everyTruncationIsRejectedCleanly() throws Exception {
        byte[] good = sample();
        for (int n = 0; n < good.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(good, n);
            parseOrReject(cut);
        }
    }

    @Test
    void randomByteFlipsNeverEscapeAsOtherExceptions() throws Exception {
        byte[] good = sample();
        Random r = new Random(9669);
        for (int i = 0; i < 20_000; i++) {
            byte[] bad = good.clone();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                // Aim half the flips at the header and section table, where structure lives.
                int at = r.nextBoolean() ? r.nextInt(64) : r.nextInt(bad.length);
                bad[at] = (byte) r.nextInt(256);
            }
            parseOrReject(bad);
        }
    }

    @Test
    void namesWhatIsWrong() {
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfFile.parse(new byte[10]));
        assertEquals("ELF header: file is 10 bytes, expected at least 64", e.getMessage());
        byte[] notBpf = new byte[64];
        notBpf[0] = 0x7f;
        notBpf[1] = 'E';
        notBpf[2] = 'L';
        notBpf[3] = 'F';
        notBpf[4] = 2;
        notBpf[5] = 1;
        notBpf[18] = 62;
        assertEquals("ELF header: machine 62, expected 247 (BPF)",
            assertThrows(ElfFormatException.class, () -> ElfFile.parse(notBpf)).getMessage());
    }
}
