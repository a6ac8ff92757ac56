package io.ebpfjvm.cli;

import io.ebpfjvm.core.testing.ConformanceCase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The packaged jar through the repository's {@code ./ebpf} launcher, one process per call,
 * the way the bpf_conformance runner and a user drive it.
 */
class LauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("ebpf.root.dir", "..")).toAbsolutePath().normalize();

    record Result(int exit, String out, String err) {
    }

    static Result ebpf(byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("ebpf").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().write(stdin);
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ebpf did not finish");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** MEM as the suite's runner passes it: each byte as two hex digits and two spaces. */
    static String runnerMemory(byte[] mem) {
        StringBuilder s = new StringBuilder();
        for (byte b : mem) {
            s.append(String.format("%02x  ", b & 0xff));
        }
        return s.toString();
    }

    @Test
    void everyConformanceCaseThroughThePluginProtocol() throws Exception {
        everyCaseThrough("interp");
    }

    @Test
    void everyConformanceCaseThroughTheJit() throws Exception {
        everyCaseThrough("jit");
    }

    private void everyCaseThrough(String engine) throws Exception {
        List<ConformanceCase> cases = ConformanceCase.loadAssembledTsv();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<String>> verdicts = new ArrayList<>();
        for (ConformanceCase c : cases) {
            verdicts.add(pool.submit(() -> {
                byte[] stdin = (HexFormat.of().formatHex(c.raw()) + "\n").getBytes(StandardCharsets.US_ASCII);
                Result r = c.memory() == null
                    ? ebpf(stdin, "conformance-plugin", "--engine", engine)
                    : ebpf(stdin, "conformance-plugin", runnerMemory(c.memory()), "--engine", engine);
                if (r.exit() != 0) {
                    return c.name() + ": exit " + r.exit() + " " + r.err().trim();
                }
                long got = Long.parseUnsignedLong(r.out().trim().replaceFirst("^0x", ""), 16);
                return got == c.expected() ? null : c.name() + ": got 0x" + Long.toHexString(got)
                    + ", expected 0x" + Long.toHexString(c.expected());
            }));
        }
        List<String> failures = new ArrayList<>();
        for (Future<String> f : verdicts) {
            String v = f.get(5, TimeUnit.MINUTES);
            if (v != null) {
                failures.add(v);
            }
        }
        pool.shutdown();
        System.out.println("conformance through ./ebpf conformance-plugin --engine " + engine + ": " + (cases.size() - failures.size())
            + "/" + cases.size() + " passed");
        assertEquals(List.of(), failures);
        assertEquals(313, cases.size());
    }

    @Test
    void disasmOfEveryCommittedObjectSectionAssemblesBack() throws Exception {
        Path dir = ROOT.resolve("vm-core/src/test/resources/bpf");
        List<Path> objects;
        try (var s = Files.list(dir)) {
            objects = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
        int sections = 0;
        for (Path o : objects) {
            io.ebpfjvm.core.elf.ElfFile elf = io.ebpfjvm.core.elf.ElfFile.parse(Files.readAllBytes(o));
            for (var section : elf.programSections()) {
                Result listing = ebpf(new byte[0], "disasm", o.toString(), "--section", section.name());
                assertEquals(0, listing.exit(), listing.err());
                // A section need not be a whole program (its calls may reach .text): --partial.
                Result hex = ebpf(listing.out().getBytes(StandardCharsets.UTF_8), "asm", "--partial", "-");
                assertEquals(0, hex.exit(), hex.err());
                assertEquals(HexFormat.of().formatHex(elf.contents(section)), hex.out().trim(), o + " " + section.name());
                sections++;
            }
        }
        assertTrue(sections >= 10, "sections: " + sections);
    }

    @Test
    void demoRunsFromTheLauncher() throws Exception {
        Result r = ebpf(new byte[0], "demo", "--packets", "50000");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("agrees with the policy written in Java: yes"), r.out());
        assertEquals("", r.err());
    }
}
