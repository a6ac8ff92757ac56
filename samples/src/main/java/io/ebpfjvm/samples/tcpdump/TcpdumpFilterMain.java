package io.ebpfjvm.samples.tcpdump;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.pcap.PacketBatch;
import io.ebpfjvm.core.pcap.PcapWriter;
import io.ebpfjvm.samples.Engine;
import io.ebpfjvm.samples.firewall.Traffic;
import io.ebpfjvm.samples.firewall.TrafficGenerator;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tcpdump-filter sample's command line:
 * {@code java -cp samples/target/firewall.jar io.ebpfjvm.samples.tcpdump.TcpdumpFilterMain -r FILE.pcap EXPR...}.
 * Prints how many frames the expression's translated program matches and, when tcpdump is
 * installed, how many tcpdump itself selects. Exit codes: 0 counts equal (or no tcpdump to
 * ask), 1 they differ, 2 bad usage or input.
 */
public final class TcpdumpFilterMain {
    static final String USAGE = """
        usage: TcpdumpFilterMain [-r FILE.pcap] [--dd FILE] [--engine interp|jit] [--generate N] [EXPR...]
          -r FILE       the capture (classic pcap); without it, N generated frames are written to a temporary pcap
          --dd FILE     the filter as 'tcpdump -dd EXPR' output (else EXPR is compiled with tcpdump)
          --engine E    the engine running the filter (default interp)
          --generate N  frames to generate when no capture is given (default 100000)
        """;

    private TcpdumpFilterMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the sample; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path capture = null;
        Path dd = null;
        Engine engine = Engine.INTERPRETER;
        int generate = 100_000;
        List<String> words = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "-h", "--help" -> {
                        out.print(USAGE);
                        return 0;
                    }
                    case "-r" -> capture = Path.of(value(args, ++i));
                    case "--dd" -> dd = Path.of(value(args, ++i));
                    case "--engine" -> {
                        engine = Engine.byShortName(value(args, ++i));
                        if (engine == null || !engine.available()) {
                            throw new IllegalArgumentException("--engine " + args[i] + ": expected one of this build's engines: interp");
                        }
                    }
                    case "--generate" -> {
                        String v = value(args, ++i);
                        if (!v.matches("\\d{1,8}") || Integer.parseInt(v) < 1) {
                            throw new IllegalArgumentException("--generate '" + v + "': expected 1-99999999");
                        }
                        generate = Integer.parseInt(v);
                    }
                    default -> words.add(args[i]);
                }
            }
            if (dd == null && words.isEmpty()) {
                throw new IllegalArgumentException("no filter: give a tcpdump expression or --dd FILE");
            }
        } catch (IllegalArgumentException e) {
            err.println("tcpdump-filter: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        Path temporary = null;
        try {
            if (capture == null) {
                temporary = Files.createTempFile("ebpf-jvm-traffic", ".pcap");
                writeGenerated(temporary, generate);
                capture = temporary;
                out.printf(Locale.ROOT, "capture: %,d generated frames in %s%n", generate, temporary);
            }
            return filter(capture, dd, String.join(" ", words), engine, out);
        } catch (EbpfException e) {
            err.println("tcpdump-filter: " + e.getMessage());
            return 2;
        } catch (IOException | UncheckedIOException e) {
            Throwable cause = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
            err.println("tcpdump-filter: cannot read " + cause.getMessage() + " (" + cause.getClass().getSimpleName() + ")");
            return 2;
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** Writes {@code count} frames of the firewall sample's generated traffic as an Ethernet pcap. */
    public static void writeGenerated(Path file, int count) throws IOException {
        Traffic traffic = TrafficGenerator.generate(2026, count);
        try (OutputStream os = Files.newOutputStream(file); PcapWriter w = PcapWriter.ethernet(os)) {
            for (int i = 0; i < traffic.count(); i++) {
                w.write(1_700_000_000_000_000_000L + i * 10_000L, traffic.data(), traffic.offset(i), traffic.length(i),
                    traffic.length(i));
            }
        }
    }

    private static int filter(Path capture, Path dd, String expression, Engine engine, PrintStream out) throws IOException {
        String text = dd != null ? Files.readString(dd, StandardCharsets.UTF_8)
            : TcpdumpFilter.compileWithTcpdump(expression, capture);
        TcpdumpFilter filter;
        try {
            filter = TcpdumpFilter.fromDdText(text, engine);
        } catch (EbpfException e) {
            throw dd != null ? new EbpfException(dd + ": " + e.getMessage()) : e;
        }
        PacketBatch batch = PacketBatch.load(capture);
        String name = dd != null ? dd.toString() : "'" + expression + "'";
        out.printf(Locale.ROOT, "filter: %s: %d classic instructions, %d eBPF instructions%n", name,
            filter.classic().size(), filter.program().size());
        long matches = filter.count(batch);
        // The rate comes from a second pass, once the JVM has compiled the engine's hot code.
        long start = System.nanoTime();
        filter.count(batch);
        long nanos = Math.max(1, System.nanoTime() - start);
        out.printf(Locale.ROOT, "%s: %,d frames, %,d match (%s, %.2f Mpps)%n", capture, batch.count(), matches,
            engine.shortName(), batch.count() * 1e3 / nanos);
        if (dd != null && expression.isEmpty()) {
            return 0;
        }
        if (TcpdumpFilter.tcpdump() == null) {
            out.println("tcpdump: not installed, no comparison");
            return 0;
        }
        long theirs = TcpdumpFilter.countWithTcpdump(expression, capture);
        boolean same = theirs == matches;
        out.printf(Locale.ROOT, "tcpdump -r %s '%s': %,d frames: %s%n", capture, expression, theirs,
            same ? "the same count" : "DIFFERENT");
        return same ? 0 : 1;
    }
}
