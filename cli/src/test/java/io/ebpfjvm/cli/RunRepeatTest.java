package io.ebpfjvm.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression (found by the held-out kernel test on a per-CPU token budget): {@code ebpf run
 * --repeat N} ran the program N + 2 times (a first run and a warm-up run before the timed
 * ones), so a program whose verdict depends on what earlier runs left in its maps answered
 * differently from {@code bpftool prog run ... repeat N}.
 */
class RunRepeatTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;
    @TempDir
    Path tmp;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    @Test
    void repeatRunsTheProgramExactlyNTimes() throws Exception {
        Path obj = tmp.resolve("run_count.o");
        try (InputStream in = getClass().getResourceAsStream("/bpf/run_count.o")) {
            Files.write(obj, in.readAllBytes());
        }
        Path pkt = tmp.resolve("pkt.bin");
        Files.write(pkt, new byte[14]);
        // run_count drops from its third run on: XDP_PASS (2) after 1 or 2 runs, XDP_DROP (1) after 3.
        for (int n = 1; n <= 4; n++) {
            out.reset();
            assertEquals(0, Main.execute("run", obj.toString(), "--packet", pkt.toString(), "--repeat", String.valueOf(n)));
            String expected = "Return value: " + (n >= 3 ? 1 : 2) + ", ";
            assertTrue(out.toString().startsWith(expected), "--repeat " + n + ": " + out);
        }
    }
}
