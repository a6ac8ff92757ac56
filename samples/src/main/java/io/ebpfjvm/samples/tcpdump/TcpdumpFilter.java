package io.ebpfjvm.samples.tcpdump;

import io.ebpfjvm.core.cbpf.ClassicProgram;
import io.ebpfjvm.core.cbpf.ClassicTranslator;
import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.pcap.PacketBatch;
import io.ebpfjvm.core.pcap.PcapReader;
import io.ebpfjvm.samples.Engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tcpdump filter expression as an eBPF program: tcpdump compiles the expression to classic
 * BPF ({@code tcpdump -dd}), {@link ClassicTranslator} turns that into eBPF the way the kernel
 * does, and an {@link Engine} runs it over every frame of a capture. A frame matches when the
 * filter returns non-zero, as with a socket filter.
 */
public final class TcpdumpFilter {
    private final ClassicProgram classic;
    private final Program program;
    private final ExecutableProgram executable;

    private TcpdumpFilter(ClassicProgram classic, Engine engine) {
        this.classic = classic;
        this.program = ClassicTranslator.translate(classic);
        this.executable = engine.compile(program, ProgramType.RAW_MEMORY, HelperRegistry.empty());
    }

    /** A filter from {@code tcpdump -dd} text (the {@code { 0x28, 0, 0, 0x0000000c },} lines). */
    public static TcpdumpFilter fromDdText(String text, Engine engine) {
        return new TcpdumpFilter(ClassicProgram.fromText(text), engine);
    }

    /** The {@code tcpdump} executable on PATH (or in /usr/sbin, /usr/bin), or null. */
    public static Path tcpdump() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)));
        dirs.add("/usr/sbin");
        dirs.add("/usr/bin");
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "tcpdump"))) {
                return Path.of(dir, "tcpdump");
            }
        }
        return null;
    }

    /**
     * Runs {@code tcpdump -dd} on {@code expression}, compiled for the link type of
     * {@code capture} (tcpdump reads it with {@code -r}); throws naming the problem when tcpdump
     * is missing or refuses the expression.
     */
    public static String compileWithTcpdump(String expression, Path capture) {
        Path tcpdump = tcpdump();
        if (tcpdump == null) {
            throw new EbpfException("tcpdump is not installed: give the filter as 'tcpdump -dd EXPR' output with --dd FILE");
        }
        return new String(runTcpdump(List.of(tcpdump.toString(), "-r", capture.toString(), "-dd", expression)),
            StandardCharsets.UTF_8);
    }

    /** How many frames of {@code capture} tcpdump itself selects with {@code expression} (counted from its {@code -w -} output). */
    public static long countWithTcpdump(String expression, Path capture) {
        Path tcpdump = tcpdump();
        if (tcpdump == null) {
            throw new EbpfException("tcpdump is not installed");
        }
        byte[] selected = runTcpdump(List.of(tcpdump.toString(), "-r", capture.toString(), "-w", "-", expression));
        long n = 0;
        try (PcapReader reader = new PcapReader(new ByteArrayInputStream(selected), "tcpdump output")) {
            while (reader.next() != null) {
                n++;
            }
        }
        return n;
    }

    private static byte[] runTcpdump(List<String> command) {
        try {
            Path errors = Files.createTempFile("tcpdump", ".err");
            try {
                Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
                p.getOutputStream().close();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new EbpfException("tcpdump did not finish within a minute: " + String.join(" ", command));
                }
                if (p.exitValue() != 0) {
                    // tcpdump first says which file it reads; the complaint follows.
                    String message = String.join(" ", Files.readAllLines(errors).stream()
                        .filter(l -> !l.startsWith("reading from file")).map(String::strip).toList());
                    throw new EbpfException("tcpdump refused: " + message);
                }
                return out;
            } finally {
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new EbpfException("cannot run tcpdump: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EbpfException("interrupted while running tcpdump");
        }
    }

    /** The classic program as given. */
    public ClassicProgram classic() {
        return classic;
    }

    /** The eBPF translation. */
    public Program program() {
        return program;
    }

    /** True when the filter accepts the frame. */
    public boolean matches(byte[] frame, int offset, int length) {
        return executable.run(frame, offset, length) != 0;
    }

    /** How many frames of {@code batch} the filter accepts. */
    public long count(PacketBatch batch) {
        long n = 0;
        byte[] data = batch.data();
        for (int i = 0; i < batch.count(); i++) {
            n += matches(data, batch.offset(i), batch.length(i)) ? 1 : 0;
        }
        return n;
    }
}
