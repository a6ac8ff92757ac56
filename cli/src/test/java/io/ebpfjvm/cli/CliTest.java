package io.ebpfjvm.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The command line in-process: output, exit codes, one-line errors. */
class CliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;
    private InputStream oldIn;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        oldIn = System.in;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
        System.setIn(oldIn);
    }

    private int run(String stdin, String... args) {
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        return Main.execute(args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private void assertOneLineError(String expectedStart) {
        String e = stderr();
        assertTrue(e.startsWith(expectedStart), e);
        assertEquals(1, e.lines().count(), "one line: " + e);
        assertFalse(e.contains("\tat "), "no stack trace");
    }

    @Test
    void asmPrintsHex() {
        assertEquals(0, run("mov32 %r0, 3\nexit\n", "asm", "-"));
        assertEquals("b4000000030000009500000000000000", stdout().trim());
    }

    @Test
    void asmWritesBinaryThatDisasmReadsBack(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("p.s");
        Files.writeString(src, "ldxh %r0, [%r1+12]\nbe16 %r0\njeq %r0, 0x800, ip\nmov %r0, 1\nexit\nip:\nmov %r0, 2\nexit\n");
        Path bin = tmp.resolve("p.bin");
        assertEquals(0, run("", "asm", src.toString(), "-o", bin.toString()));
        assertEquals(56, Files.size(bin));
        assertEquals(0, run("", "disasm", bin.toString()));
        String listing = stdout();
        assertTrue(listing.contains("r0 = *(u16 *)(r1 + 0xc)"), listing);
        assertTrue(listing.contains("if r0 == 0x800 goto +0x2"), listing);
        Path again = tmp.resolve("again.bin");
        Files.writeString(tmp.resolve("l.s"), listing);
        assertEquals(0, run("", "asm", tmp.resolve("l.s").toString(), "-o", again.toString()));
        assertArrayEquals(Files.readAllBytes(bin), Files.readAllBytes(again));
    }

    @Test
    void conformancePluginPrintsR0() {
        // r0 = first byte of memory + length
        assertEquals(0, run("71100000000000000f200000000000009500000000000000\n", "conformance-plugin", "07  00  00  "));
        assertEquals("0xa", stdout().trim());
    }

    @Test
    void conformancePluginWithoutMemory() {
        assertEquals(0, run("b7000000ffffffff9500000000000000", "conformance-plugin"));
        assertEquals("0xffffffffffffffff", stdout().trim());
    }

    @Test
    void runtimeFaultExitsOne() {
        assertEquals(1, run("61100000000000009500000000000000", "conformance-plugin"));
        assertOneLineError("ebpf conformance-plugin: insn 0: invalid read of 4 bytes");
    }

    @Test
    void invalidProgramExitsTwo() {
        assertEquals(2, run("ff00000000000000", "conformance-plugin"));
        assertOneLineError("ebpf conformance-plugin: <stdin>: insn 0: unknown opcode 0xff");
    }

    @Test
    void bothEnginesAnswerThePluginProtocol() {
        // r0 = 7; r0 /= 2 (unsigned); exit
        assertEquals(0, run("b70000000700000037000000020000009500000000000000", "conformance-plugin", "--engine", "jit"));
        assertEquals(0, run("b70000000700000037000000020000009500000000000000", "conformance-plugin", "--engine", "interp"));
        assertEquals("0x3\n0x3", stdout().trim().replace("\r", ""));
    }

    @Test
    void jitFaultsNameTheInstruction() {
        assertEquals(1, run("61100000000000009500000000000000", "conformance-plugin", "--engine", "jit"));
        assertOneLineError("ebpf conformance-plugin: insn 0: invalid read of 4 bytes");
    }

    @Test
    void dumpJitWritesTheClassFile(@TempDir Path tmp) throws Exception {
        assertEquals(0, run("b7000000070000009500000000000000", "dump-jit", "-", "--class-dir", tmp.toString()));
        byte[] written = Files.readAllBytes(tmp.resolve("program.class"));
        assertEquals(0xcafebabe, java.nio.ByteBuffer.wrap(written).getInt());
    }

    @Test
    void dumpJitLabelsInstructions() {
        assertEquals(0, run("b7000000070000009500000000000000", "dump-jit", "-"));
        String out = stdout();
        assertTrue(out.contains("LINENUMBER 0"), out);
        assertTrue(out.contains("LINENUMBER 1"), out);
        assertTrue(out.contains("private static f0(Lio/ebpfjvm/jit/JitState;"), out);
    }

    @Test
    void assemblerErrorsNameTheLine() {
        assertEquals(2, run("mov %r0, 1\nfrob %r1\n", "asm", "-"));
        assertOneLineError("ebpf asm: <stdin>: line 2: unknown mnemonic 'frob'");
    }

    @Test
    void missingFile() {
        assertEquals(2, run("", "disasm", "/no/such/file.o"));
        assertOneLineError("ebpf disasm: cannot read /no/such/file.o: no such file");
    }

    @Test
    void truncatedElf(@TempDir Path tmp) throws Exception {
        byte[] good;
        try (InputStream in = CliTest.class.getResourceAsStream("/bpf/xdp_acl.o")) {
            good = in.readAllBytes();
        }
        Path bad = tmp.resolve("bad.o");
        Files.write(bad, java.util.Arrays.copyOf(good, 700));
        assertEquals(2, run("", "disasm", bad.toString()));
        assertOneLineError("ebpf disasm: " + bad + ": section");
    }

    @Test
    void unknownSubcommandAndOption() {
        assertEquals(2, run("", "frobnicate"));
        assertOneLineError("ebpf: Unmatched argument");
        err.reset();
        assertEquals(2, run("", "disasm", "--bogus", "x"));
        assertOneLineError("ebpf: Unknown option: '--bogus'");
    }

    @Test
    void helpAndVersion() {
        assertEquals(0, run("", "--help"));
        assertTrue(stdout().contains("conformance-plugin"));
        out.reset();
        assertEquals(0, run("", "--version"));
        assertTrue(stdout().startsWith("ebpf-jvm "), stdout());
    }

    @Test
    void demoAgreesWithTheJavaPolicy() {
        assertEquals(0, run("", "demo", "--packets", "20000"));
        assertTrue(stdout().contains("agrees with the policy written in Java: yes"), stdout());
    }

    @Test
    void demoPolicyIsNotTrivial() {
        DemoTraffic traffic = DemoTraffic.generate(20000, 9669);
        long[] counts = new long[3];
        for (int i = 0; i < traffic.count(); i++) {
            counts[DemoPolicy.classify(traffic.bytes, traffic.offsets[i], traffic.lengths[i])]++;
        }
        // Both verdicts occur in quantity, so agreement means something.
        assertTrue(counts[DemoPolicy.DROP] > 1000 && counts[DemoPolicy.PASS] > 10000,
            "DROP " + counts[DemoPolicy.DROP] + " PASS " + counts[DemoPolicy.PASS]);
    }
}
