package io.ebpfjvm.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Hostile files through the command line, in-process: mutated and truncated ELF objects (with
 * section-header fields aimed at), random bytes, mangled assembler text, mangled tcpdump
 * filters and damaged captures. Every input must end with exit 0, or with exit 1/2 and exactly
 * one line on stderr that is one of our own errors (no stack trace, no "internal error"), within
 * a time bound. Seeds are fixed so a failure reproduces; set {@code -Debpf.hostile.cases=N}
 * for a longer run.
 */
class HostileInputTest {
    private static final int CASES = Integer.getInteger("ebpf.hostile.cases", 400);
    private static final String[] OBJECTS = {"xdp_acl.o", "subprogs.o", "lpm_blocklist.o", "tail_chain.o", "tc_nat.o", "sock_filter.o"};

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;
    @TempDir
    Path tmp;
    private int accepted;
    private int rejected;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore(org.junit.jupiter.api.TestInfo test) {
        System.setOut(oldOut);
        System.setErr(oldErr);
        // Tests that check their inputs another way (not through check()) have nothing to count.
        if (accepted + rejected > 0) {
            oldOut.println(getClass().getSimpleName() + "." + test.getTestMethod().map(m -> m.getName()).orElse("?") + ": "
                + (accepted + rejected) + " hostile inputs, " + rejected + " rejected with one-line errors, "
                + accepted + " accepted");
        }
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = HostileInputTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("missing test resource " + path);
            }
            return in.readAllBytes();
        }
    }

    /** Runs the command line and checks the contract; returns the exit code. */
    private int check(String what, String... args) {
        out.reset();
        err.reset();
        int code = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Main.execute(args), what);
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines()
            .filter(l -> !l.startsWith("ebpf: note:") && !l.startsWith("trace: ")).toList();
        String context = what + " " + String.join(" ", args) + " -> exit " + code + ", stderr " + lines;
        assertTrue(code >= 0 && code <= 2, context);
        if (code == 0) {
            accepted++;
            return code;
        }
        rejected++;
        assertEquals(1, lines.size(), "one line: " + context);
        String line = lines.get(0);
        assertTrue(line.startsWith("ebpf"), context);
        assertFalse(line.contains("internal error"), context);
        assertFalse(line.contains("\tat ") || line.contains("Exception:"), context);
        return code;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void mutatedObjectsGiveOneLineErrors() throws Exception {
        SplittableRandom random = new SplittableRandom(20261125);
        Path packet = write("packet.bin", packet());
        for (int i = 0; i < CASES; i++) {
            String source = OBJECTS[random.nextInt(OBJECTS.length)];
            byte[] elf = resource("/bpf/" + source);
            String how;
            byte[] mutated;
            switch (random.nextInt(4)) {
                case 0 -> {
                    int cut = random.nextInt(elf.length + 1);
                    mutated = Arrays.copyOf(elf, cut);
                    how = "truncated to " + cut;
                }
                case 1 -> {
                    mutated = elf.clone();
                    int flips = 1 + random.nextInt(8);
                    for (int f = 0; f < flips; f++) {
                        mutated[random.nextInt(mutated.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                    how = flips + " bit flips";
                }
                case 2 -> {
                    mutated = elf.clone();
                    how = aimAtSectionHeaders(mutated, random);
                }
                default -> {
                    mutated = new byte[random.nextInt(4096)];
                    for (int b = 0; b < mutated.length; b++) {
                        mutated[b] = (byte) random.nextInt(256);
                    }
                    if (mutated.length >= 4 && random.nextBoolean()) {
                        mutated[0] = 0x7f;
                        mutated[1] = 'E';
                        mutated[2] = 'L';
                        mutated[3] = 'F';
                    }
                    how = "random bytes";
                }
            }
            Path file = write("case" + i + ".o", mutated);
            String what = "case " + i + " (" + source + ", " + how + ")";
            check(what, "disasm", file.toString());
            check(what, "maps", file.toString());
            if (i % 4 == 0) {
                check(what, "run", file.toString(), "--packet", packet.toString(), "--type", "xdp");
            }
        }
    }

    /** Overwrites one field of the ELF header or of one section header with a hostile value. */
    private static String aimAtSectionHeaders(byte[] elf, SplittableRandom random) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long[] hostile = {0, 1, 0xffff, 0x7fffffffL, 0xffffffffL, Long.MAX_VALUE, -1, elf.length, elf.length - 1, 1L << 40};
        long value = hostile[random.nextInt(hostile.length)];
        if (random.nextInt(3) == 0) {
            // e_shoff (8 bytes at 0x28), e_shentsize/e_shnum/e_shstrndx (2 bytes at 0x3a/0x3c/0x3e)
            int[] fields = {0x28, 0x3a, 0x3c, 0x3e};
            int at = fields[random.nextInt(fields.length)];
            if (at == 0x28) {
                b.putLong(at, value);
            } else {
                b.putShort(at, (short) value);
            }
            return "ELF header field 0x" + Integer.toHexString(at) + " = " + value;
        }
        long shoff = b.getLong(0x28);
        int shnum = b.getShort(0x3c) & 0xffff;
        int section = random.nextInt(Math.max(1, shnum));
        // sh_name 0, sh_type 4, sh_flags 8, sh_addr 16, sh_offset 24, sh_size 32, sh_link 40, sh_info 44, sh_addralign 48, sh_entsize 56
        int[] offsets = {0, 4, 24, 32, 40, 44, 48, 56};
        int field = offsets[random.nextInt(offsets.length)];
        int at = (int) shoff + section * 64 + field;
        if (at + 8 > elf.length) {
            return "no section headers to aim at";
        }
        if (field == 0 || field == 4 || field == 40 || field == 44) {
            b.putInt(at, (int) value);
        } else {
            b.putLong(at, value);
        }
        return "section " + section + " field +" + field + " = " + value;
    }

    private static byte[] packet() {
        byte[] p = new byte[64];
        p[12] = 0x08;
        p[14] = 0x45;
        p[23] = 17;
        return p;
    }

    @Test
    void mangledAssemblerTextGivesOneLineErrors() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        String[] tokens = {"r11", "r0 =", "goto +99999", "*(u64 *)(r10 - 513)", "lddw", "call -1", "0x", "(", ")", "ll",
            "if r1 > goto", "%r1", "ldxw %r0, [%r1+", "exit exit", "w0 = 0x100000000", ":", "label:", "ja label", "\t", "#"};
        String base = String.join("\n", "mov %r0, 1", "ldxw %r1, [%r1+4]", "add %r0, %r1", "jeq %r0, 5, +1", "mov %r0, 2",
            "r2 = 0x1122334455667788 ll", "r0 += r2", "exit");
        for (int i = 0; i < CASES; i++) {
            StringBuilder text = new StringBuilder(base);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(text.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> text.insert(at, tokens[random.nextInt(tokens.length)]);
                    case 1 -> text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(6)));
                    default -> text.insert(at, (char) random.nextInt(32, 127));
                }
            }
            Path file = write("case" + i + ".s", text.toString().getBytes(StandardCharsets.UTF_8));
            check("asm case " + i + ": " + text.toString().replace('\n', '|'), "asm", file.toString(), "-o", tmp.resolve("out.bin").toString());
        }
    }

    @Test
    void mangledFiltersAndCapturesGiveOneLineErrors() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        byte[] capture = resource("/pcap/tcpdump-micro.pcap");
        String filter = new String(resource("/cbpf/filter01.txt"), StandardCharsets.US_ASCII);
        Path goodCapture = write("good.pcap", capture);
        Path goodFilter = write("good.txt", filter.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < CASES; i++) {
            if (random.nextBoolean()) {
                StringBuilder text = new StringBuilder(filter);
                int edits = 1 + random.nextInt(3);
                for (int e = 0; e < edits; e++) {
                    int at = random.nextInt(text.length() + 1);
                    String[] junk = {"0x", "{", "}", ",", "99999999999", "-1", "0xffffffff", "\n", "{ 0x6, 0, 0, 0 }", "{ 0x15, 200, 200, 1 },"};
                    if (random.nextBoolean()) {
                        text.insert(at, junk[random.nextInt(junk.length)]);
                    } else {
                        text.delete(at, Math.min(text.length(), at + 1 + random.nextInt(8)));
                    }
                }
                Path f = write("case" + i + ".txt", text.toString().getBytes(StandardCharsets.US_ASCII));
                check("filter case " + i, "pcap", "--cbpf", f.toString(), goodCapture.toString());
            } else {
                byte[] damaged = random.nextBoolean() ? Arrays.copyOf(capture, random.nextInt(capture.length + 1)) : capture.clone();
                for (int f = random.nextInt(4); f > 0 && damaged.length > 0; f--) {
                    damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                }
                Path c = write("case" + i + ".pcap", damaged);
                check("capture case " + i, "pcap", "--cbpf", goodFilter.toString(), c.toString());
            }
        }
        if (accepted == 0 || rejected == 0) {
            fail("the mutations should produce both accepted and rejected inputs: " + accepted + "/" + rejected);
        }
    }

    @Test
    void hostileInputsAreCounted() {
        // Guards the counting the other tests report: a check that never runs would pass silently.
        check("version", "--version");
        assertEquals(1, accepted);
        check("unknown subcommand", "frobnicate");
        assertEquals(1, rejected);
    }

    /** Keeps the list of objects in step with the committed ones. */
    @Test
    void everyListedObjectExists() throws Exception {
        List<String> missing = new ArrayList<>();
        for (String o : OBJECTS) {
            if (HostileInputTest.class.getResource("/bpf/" + o) == null) {
                missing.add(o);
            }
        }
        assertTrue(missing.isEmpty(), "missing " + missing);
    }
}
