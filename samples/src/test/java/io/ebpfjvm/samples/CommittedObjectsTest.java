package io.ebpfjvm.samples;

import io.ebpfjvm.core.testing.Tools;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed objects are what build.sh makes from the committed sources: rebuilt with
 * clang-19 (the same flags) they are byte for byte the same. Skips without clang-19.
 */
class CommittedObjectsTest {

    @ParameterizedTest
    @CsvSource({"firewall.c, firewall/firewall.o", "port_filter.c, port_filter.o"})
    void objectMatchesItsSource(String source, String object, @TempDir Path tmp) throws Exception {
        assumeTrue(Tools.find("clang-19") != null, "clang-19 not installed");
        Path sources = Path.of("src/main/bpf").toAbsolutePath();
        assumeTrue(Files.isRegularFile(sources.resolve(source)), "sources not at " + sources);
        String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : System.getProperty("os.arch");
        Path built = tmp.resolve("rebuilt.o");
        Process p = new ProcessBuilder(List.of("clang-19", "-O2", "-g", "-target", "bpf", "-fdebug-compilation-dir=.",
            "-I/usr/include/" + arch + "-linux-gnu", "-c", source, "-o", built.toString()))
            .directory(sources.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor() == 0, "clang-19 cannot build here (headers missing?): " + out);
        byte[] committed = Files.readAllBytes(Path.of("src/main/resources/io/ebpfjvm/samples").resolve(object));
        assertArrayEquals(committed, Files.readAllBytes(built), object + " is stale: run samples/src/main/bpf/build.sh");
    }
}
