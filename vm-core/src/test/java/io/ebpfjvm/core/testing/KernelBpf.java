package io.ebpfjvm.core.testing;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.InstructionEncoder;
import io.ebpfjvm.core.loader.MapSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The running kernel as an oracle for raw programs (no ELF needed): loads each program with its
 * maps through the bpf(2) syscall (a small Python ctypes script, {@code /kernel/bpf_run.py}),
 * reports the verifier's verdict and last log line, and for accepted programs the result of one
 * {@code BPF_PROG_TEST_RUN} on a packet with the maps' contents afterwards. Needs root, x86-64
 * Linux and python3; {@link #unavailable()} says why not otherwise, for test assumptions.
 */
public final class KernelBpf {
    private KernelBpf() {
    }

    /** A program to load (and run, when {@code packet} is non-null). */
    public record Request(int programType, List<Instruction> slots, List<MapSpec> maps, byte[] packet) {
    }

    /** What the kernel said. {@code maps}: per map, its entries as "keyhex:valuehex", in the kernel's order. */
    public record Verdict(boolean accepted, int errno, long retval, byte[] packet, List<List<String>> maps, String lastLogLine) {
    }

    /** Why the oracle cannot run here, or null when it can. */
    public static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not root";
        }
        if (!"amd64".equals(System.getProperty("os.arch")) || !System.getProperty("os.name").startsWith("Linux")) {
            return "not x86-64 Linux";
        }
        try {
            Process p = new ProcessBuilder("python3", "-c", "import ctypes").redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "python3 with ctypes not available";
            }
        } catch (IOException | InterruptedException e) {
            return "python3 not available";
        }
        return null;
    }

    /** Sends every request to one oracle process; one verdict per request, in order. */
    public static List<Verdict> run(List<Request> requests) throws IOException, InterruptedException {
        Path script = Files.createTempFile("bpf_run", ".py");
        try (InputStream in = KernelBpf.class.getResourceAsStream("/kernel/bpf_run.py")) {
            Files.write(script, in.readAllBytes());
        }
        HexFormat hex = HexFormat.of();
        Process p = new ProcessBuilder("python3", script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Verdict> out = new ArrayList<>();
        try (Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.US_ASCII);
             BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
            // Write all requests from another thread so a full pipe never blocks both sides.
            Thread writer = new Thread(() -> {
                try {
                    for (Request q : requests) {
                        w.write(line(q, hex));
                    }
                    w.close();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            for (int i = 0; i < requests.size(); i++) {
                String line = r.readLine();
                if (line == null) {
                    throw new IOException("kernel oracle ended after " + i + " of " + requests.size() + " requests");
                }
                out.add(parse(line, hex));
            }
            writer.join();
        } finally {
            p.destroy();
            Files.deleteIfExists(script);
        }
        return out;
    }

    private static String line(Request q, HexFormat hex) {
        byte[] code = InstructionEncoder.encode(q.slots());
        StringBuilder maps = new StringBuilder();
        for (MapSpec m : q.maps()) {
            if (maps.length() > 0) {
                maps.append(';');
            }
            maps.append(m.type()).append(':').append(m.keySize()).append(':').append(m.valueSize()).append(':')
                .append(m.maxEntries()).append(':').append(m.flags());
        }
        return q.programType() + "\t" + hex.formatHex(code) + "\t" + (maps.length() == 0 ? "-" : maps) + "\t"
            + (q.packet() == null ? "-" : hex.formatHex(q.packet())) + "\n";
    }

    private static Verdict parse(String line, HexFormat hex) {
        String[] f = line.split("\t", -1);
        List<List<String>> maps = new ArrayList<>();
        if (!f[4].equals("-")) {
            for (String m : f[4].split(";", -1)) {
                maps.add(m.isEmpty() ? List.of() : List.of(m.split(",")));
            }
        }
        return new Verdict(f[0].equals("ACCEPT"), Integer.parseInt(f[1]), f[2].equals("-") ? -1 : Long.parseLong(f[2]),
            f[3].equals("-") ? null : hex.parseHex(f[3]), maps, f.length > 5 ? f[5] : "");
    }
}
