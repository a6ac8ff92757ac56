package io.ebpfjvm.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finding and running the external tools some tests use as oracles (clang-19, llvm-objdump-19). */
public final class Tools {
    private Tools() {
    }

    /** The tool's path if it is on PATH. */
    public static Path find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (java.nio.file.Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Runs a command, returns its stdout; fails on a non-zero exit or after a minute. */
    public static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(command + " exited " + p.exitValue() + ": " + text);
        }
        return text;
    }
}
