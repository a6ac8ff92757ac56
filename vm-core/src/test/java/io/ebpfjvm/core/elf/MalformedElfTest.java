package io.ebpfjvm.core.elf;

import io.ebpfjvm.core.error.ElfFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Broken objects end in one {@link ElfFormatException} naming the place, never another
 * exception: every truncation and many random byte changes of each committed object, plus
 * hand-made breakages of each field the reader checks.
 */
class MalformedElfTest {

    static List<Path> objects() throws Exception {
        return ElfRoundTripTest.committedObjects();
    }

    private static byte[] sample() throws Exception {
        return Files.readAllBytes(ElfRoundTripTest.resourceDir().resolve("xdp_acl.o"));
    }

    /** Parses and reads everything a caller may read; an ElfFormatException is fine, anything else fails. */
    private static void parseOrReject(byte[] data) {
        try {
            ElfFile elf = ElfFile.parse(data);
            for (ElfSection s : elf.sections()) {
                elf.contents(s);
                elf.functions(s);
            }
            elf.programSections();
        } catch (ElfFormatException e) {
            assertFalse(e.getMessage().contains("\n"), "one-line message");
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void parsesTheGoodObject() throws Exception {
        ElfFile elf = ElfFile.parse(sample());
        ElfSection xdp = elf.section("xdp").orElseThrow();
        assertEquals(List.of(xdp), elf.programSections());
        assertEquals("xdp_acl", elf.functions(xdp).get(0).name());
        assertArrayEquals(elf.contents(xdp), elf.sectionBytes("xdp").orElseThrow());
        assertEquals(0, elf.contents(xdp).length % 8);
        assertTrue(elf.sectionBytes("no such section").isEmpty());
        assertTrue(elf.symbols().stream().anyMatch(s -> s.name().equals("rules") && s.isInSection()));
    }

    @Test
    void isImmuneToLaterChangesOfTheInput() throws Exception {
        byte[] data = sample();
        ElfFile elf = ElfFile.parse(data);
        byte[] before = elf.sectionBytes("xdp").orElseThrow();
        Arrays.fill(data, (byte) 0);
        assertArrayEquals(before, elf.sectionBytes("xdp").orElseThrow());
        byte[] copy = elf.sectionBytes("xdp").orElseThrow();
        copy[0] ^= 1;
        assertArrayEquals(before, elf.sectionBytes("xdp").orElseThrow());
    }

    @ParameterizedTest
    @MethodSource("objects")
    void everyTruncationIsRejectedCleanly(Path object) throws Exception {
        byte[] good = Files.readAllBytes(object);
        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            parseOrReject(cut);
        }
    }

    @ParameterizedTest
    @MethodSource("objects")
    void randomByteChangesNeverEscapeAsOtherExceptions(Path object) throws Exception {
        byte[] good = Files.readAllBytes(object);
        Random r = new Random(9669 + object.getFileName().hashCode());
        int sectionTable = (int) ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(40);
        for (int i = 0; i < 5_000; i++) {
            byte[] bad = good.clone();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                // Aim most changes at the header and the section table, where structure lives.
                int at = switch (r.nextInt(3)) {
                    case 0 -> r.nextInt(64);
                    case 1 -> sectionTable + r.nextInt(good.length - sectionTable);
                    default -> r.nextInt(bad.length);
                };
                bad[at] = (byte) (r.nextBoolean() ? r.nextInt(256) : bad[at] ^ (1 << r.nextInt(8)));
            }
            parseOrReject(bad);
        }
    }

    @Test
    void namesWhatIsWrongInTheHeader() throws Exception {
        assertEquals("ELF header: file is 10 bytes, expected at least 64", reject(new byte[10]));
        assertEquals("ELF header: bad magic, expected 7f 45 4c 46", reject(edit(b -> b.put(1, (byte) 'X'))));
        assertEquals("ELF header: class 1, expected 2 (64-bit)", reject(edit(b -> b.put(4, (byte) 1))));
        assertEquals("ELF header: data encoding 2, expected 1 (little-endian)", reject(edit(b -> b.put(5, (byte) 2))));
        assertEquals("ELF header: machine 62, expected 247 (BPF)", reject(edit(b -> b.putShort(18, (short) 62))));
        assertEquals("ELF header: section header size 40, expected 64", reject(edit(b -> b.putShort(58, (short) 40))));
        assertEquals("ELF header: no section headers (e_shnum 0), expected a section table",
            reject(edit(b -> b.putShort(60, (short) 0))));
        assertTrue(reject(edit(b -> b.putShort(60, (short) 0xffff)))
            .matches("section header table: bytes \\[\\d+, \\+4194240\\) lie outside the \\d+-byte file"));
        assertTrue(reject(edit(b -> b.putLong(40, -64))).startsWith("section header table: bytes [18446744073709551552, +"));
        assertTrue(reject(edit(b -> b.putShort(62, (short) 999))).matches("ELF header: section name table index 999 beyond \\d+ sections"));
    }

    @Test
    void namesWhatIsWrongInASection() throws Exception {
        int xdp = ElfFile.parse(sample()).section("xdp").orElseThrow().index();
        int symtab = ElfFile.parse(sample()).sections().stream().filter(s -> s.type() == ElfSection.SHT_SYMTAB)
            .findFirst().orElseThrow().index();
        assertTrue(reject(edit(b -> b.putLong(header(b, xdp) + 32, 1L << 40)))
            .matches("section " + xdp + ": bytes \\[\\d+, \\+1099511627776\\) lie outside the \\d+-byte file"));
        assertEquals("section " + xdp + " (xdp): code size 13 is not a multiple of 8 (the instruction size)",
            reject(edit(b -> b.putLong(header(b, xdp) + 32, 13))));
        assertEquals("section " + xdp + " (xdp): link 4000 beyond " + sections() + " sections",
            reject(edit(b -> b.putInt(header(b, xdp) + 40, 4000))));
        assertTrue(reject(edit(b -> b.putInt(header(b, xdp), 1 << 30)))
            .matches("section " + xdp + " name: string offset 1073741824 beyond the \\d+-byte string table"));
        assertTrue(reject(edit(b -> b.putLong(header(b, symtab) + 56, 16)))
            .matches("section " + symtab + " \\(.symtab\\): entry size 16 and size \\d+, expected entries of 24 bytes"));
        assertTrue(reject(edit(b -> b.putInt(header(b, symtab) + 40, xdp)))
            .matches("section " + symtab + " \\(.symtab\\): linked section " + xdp + " \\(xdp\\) is not a string table"));
    }

    @Test
    void namesWhatIsWrongInASymbol() throws Exception {
        ElfFile elf = ElfFile.parse(sample());
        ElfSection symtab = elf.sections().stream().filter(s -> s.type() == ElfSection.SHT_SYMTAB).findFirst().orElseThrow();
        int first = (int) symtab.offset() + 24;
        assertEquals("symbol 1: section index 300 beyond " + sections() + " sections",
            reject(edit(b -> b.putShort(first + 6, (short) 300))));
        assertEquals("symbol 1: extended section index (SHN_XINDEX), never used by BPF objects",
            reject(edit(b -> b.putShort(first + 6, (short) 0xffff))));
        assertTrue(reject(edit(b -> b.putInt(first, Integer.MAX_VALUE)))
            .matches("symbol 1 name: string offset 2147483647 beyond the \\d+-byte string table"));
    }

    private static int sections() throws Exception {
        return ElfFile.parse(sample()).sections().size();
    }

    private static int header(ByteBuffer b, int index) {
        return (int) b.getLong(40) + index * 64;
    }

    private static byte[] edit(Consumer<ByteBuffer> change) throws Exception {
        byte[] data = sample();
        change.accept(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN));
        return data;
    }

    private static String reject(byte[] data) {
        return assertThrows(ElfFormatException.class, () -> ElfFile.parse(data)).getMessage();
    }
}
