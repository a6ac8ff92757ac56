package io.ebpfjvm.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds {@code ../shared} (conformance suite, verifier corpus) beside the checkout. */
public final class SharedData {
    private SharedData() {
    }

    public static Path dir() {
        String configured = System.getProperty("ebpf.shared.dir");
        if (configured != null && Files.isDirectory(Path.of(configured))) {
            return Path.of(configured);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared");
            if (Files.isDirectory(candidate.resolve("conformance"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find the shared/ folder (set -Debpf.shared.dir)");
    }

    public static Path conformance() {
        return dir().resolve("conformance");
    }
}
