package io.ebpfjvm.cli;

import io.ebpfjvm.core.pcap.PcapWriter;
import io.ebpfjvm.core.testing.fuzz.Mutations.AclMutation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code run} and {@code pcap} never run a program the verifier rejects: {@code xdp_acl.o} with
 * one safety check undone exits 1 with the verifier's one-line reason, in either engine, and
 * prints no result. With {@code --no-verify} the same bytes do run (and fault where the check
 * was missing), so it is the verifier that stopped them.
 */
class RejectedProgramsCliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;
    @TempDir
    Path tmp;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    private Path mutant(AclMutation m) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/bpf/xdp_acl.o")) {
            Path p = tmp.resolve(m.name().toLowerCase() + ".o");
            Files.write(p, m.apply(in.readAllBytes()));
            return p;
        }
    }

    /** An IPv4 frame cut after the Ethernet header: only the checks undone here keep its reads in bounds. */
    private Path runt() throws Exception {
        byte[] p = new byte[20];
        p[12] = 0x08;
        Path f = tmp.resolve("runt.bin");
        Files.write(f, p);
        return f;
    }

    private void assertRejected(AclMutation m, int exit) {
        assertEquals(1, exit, err.toString());
        String e = err.toString();
        assertTrue(e.contains("insn " + m.rejectedAt + ": ") && e.contains(m.message), e);
        assertEquals(1, e.lines().count(), "one line: " + e);
        assertEquals("", out.toString(), "nothing ran");
        out.reset();
        err.reset();
    }

    @Test
    void runRefusesRejectedPrograms() throws Exception {
        Path packet = runt();
        for (AclMutation m : AclMutation.values()) {
            Path obj = mutant(m);
            assertRejected(m, Main.execute("run", obj.toString(), "--packet", packet.toString()));
            assertRejected(m, Main.execute("run", obj.toString(), "--packet", packet.toString(), "--engine", "interp"));
        }
        // Unverified, the flipped bounds check reads past the runt frame: caught only at run time.
        Path flipped = mutant(AclMutation.FLIPPED_BOUNDS_CHECK);
        assertEquals(1, Main.execute("run", flipped.toString(), "--packet", packet.toString(), "--no-verify"));
        assertTrue(err.toString().contains("insn 16"), err.toString());
    }

    @Test
    void pcapRefusesRejectedPrograms() throws Exception {
        Path capture = tmp.resolve("runts.pcap");
        try (OutputStream os = Files.newOutputStream(capture); PcapWriter w = PcapWriter.ethernet(os)) {
            byte[] frame = Files.readAllBytes(runt());
            w.write(0, frame, 0, frame.length, frame.length);
        }
        for (AclMutation m : AclMutation.values()) {
            assertRejected(m, Main.execute("pcap", mutant(m).toString(), capture.toString()));
        }
    }
}
