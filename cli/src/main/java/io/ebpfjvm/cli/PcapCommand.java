package io.ebpfjvm.cli;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.exec.RunResult;
import io.ebpfjvm.core.pcap.PacketBatch;
import io.ebpfjvm.core.pcap.PcapHeader;
import io.ebpfjvm.core.pcap.PcapWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code ebpf pcap}: every packet of a capture through one program; verdict histogram and rate. */
@Command(name = "pcap", mixinStandardHelpOptions = true,
    description = {"Run a program (or a --cbpf filter) over every packet of a pcap file.",
        "Prints the verdict histogram and packets per second; --out writes the packets that passed,",
        "as the program left them (rewritten, or resized by bpf_xdp_adjust_head/tail)."})
final class PcapCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "OBJ|FILE.pcap", description = "The ELF object, or with --cbpf the capture.")
    String first;

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE.pcap", description = "The capture (classic pcap).")
    String capture;

    @Option(names = "--out", paramLabel = "PASSED.pcap", description = "Write the packets the program passed.")
    Path out;

    @Mixin
    ProgramOptions options;

    @Override
    public Integer call() {
        String object = capture == null ? null : first;
        String file = capture == null ? first : capture;
        ProgramOptions.Prepared p = options.prepare(object);
        if (p.type().contextOnly()) {
            throw new EbpfException("a " + ProgramOptions.typeName(p.type()) + " program runs on a context, not on packets;"
                + " use run --ctx FILE");
        }
        PacketBatch batch = PacketBatch.load(Path.of(file));
        byte[] data = batch.data().clone();
        Map<Long, Long> histogram = new TreeMap<>();
        boolean[] passed = new boolean[batch.count()];
        // What passed, as the program left it (stores, adjust_head/tail): what --out writes.
        byte[][] passedBytes = out == null ? null : new byte[batch.count()][];
        RunResult result = new RunResult();
        for (int i = 0; i < batch.count(); i++) {
            long r0 = p.executable().run(data, batch.offset(i), batch.length(i), null, result);
            histogram.merge(r0, 1L, Long::sum);
            passed[i] = passes(p.type(), r0);
            if (passed[i] && passedBytes != null) {
                passedBytes[i] = result.packet();
            }
        }
        // The rate comes from further passes over the capture once the JVM has warmed up
        // (they also update the program's maps, which nothing reads afterwards).
        long timedPackets = 0;
        long elapsed = 0;
        long deadline = System.nanoTime() + 1_500_000_000L;
        for (int pass = 0; pass < 50 && (pass < 3 || System.nanoTime() < deadline); pass++) {
            System.arraycopy(batch.data(), 0, data, 0, data.length);
            long start = System.nanoTime();
            for (int i = 0; i < batch.count(); i++) {
                p.executable().run(data, batch.offset(i), batch.length(i));
            }
            if (pass >= 2) {
                elapsed += System.nanoTime() - start;
                timedPackets += batch.count();
            }
        }
        elapsed = Math.max(1, elapsed);
        System.out.println(file + ": " + batch.count() + " packets through " + p.name());
        for (Map.Entry<Long, Long> e : histogram.entrySet()) {
            System.out.printf("  %-14s %,12d%n", verdictName(p.type(), e.getKey()), e.getValue());
        }
        long passedCount = 0;
        for (boolean b : passed) {
            passedCount += b ? 1 : 0;
        }
        System.out.printf("  passed %,d of %,d%n", passedCount, batch.count());
        System.out.printf("  %.2f Mpps (%d ns/packet over %,d warm packets, one thread, interpreter)%n",
            timedPackets * 1e3 / elapsed, elapsed / Math.max(1, timedPackets), timedPackets);
        if (out != null) {
            try (OutputStream os = Files.newOutputStream(out);
                 PcapWriter w = new PcapWriter(os, new PcapHeader(java.nio.ByteOrder.LITTLE_ENDIAN, false, 262144,
                     batch.header().linkType()))) {
                for (int i = 0; i < batch.count(); i++) {
                    if (passed[i]) {
                        w.write(0, passedBytes[i], 0, passedBytes[i].length, passedBytes[i].length);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ExitCodes.OK;
    }

    /** Which return values let a packet through, per program type. */
    static boolean passes(ProgramType type, long r0) {
        return switch (type) {
            case XDP -> r0 == 2;
            case SCHED_CLS -> r0 == 0 || r0 == -1 || r0 == 0xffffffffL;
            case CGROUP_SKB -> r0 == 1;
            default -> r0 != 0;
        };
    }

    static String verdictName(ProgramType type, long r0) {
        if (type == ProgramType.XDP) {
            String[] names = {"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"};
            if (r0 >= 0 && r0 < names.length) {
                return names[(int) r0];
            }
        }
        return "return " + r0;
    }
}
