package io.ebpfjvm.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Base of the tests that drive {@link Main#execute} in-process: standard output and error are
 * captured per test (and restored after), and a temporary folder holds the objects they run.
 */
abstract class ConsoleCapture {
    protected final ByteArrayOutputStream out = new ByteArrayOutputStream();
    protected final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;
    @TempDir
    protected Path tmp;

    @BeforeEach
    void captureConsole() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreConsole() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    /** The real standard output, for a test's summary line. */
    protected PrintStream console() {
        return oldOut;
    }

    /** The committed test object {@code /bpf/name}, copied into {@link #tmp}. */
    protected Path object(String name) throws Exception {
        Path p = tmp.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/bpf/" + name)) {
            Files.write(p, in.readAllBytes());
        }
        return p;
    }
}
