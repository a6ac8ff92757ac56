package io.ebpfjvm.bench.kernel;

import io.ebpfjvm.bench.Classifier;
import io.ebpfjvm.bench.Engine;
import io.ebpfjvm.bench.Flow;
import io.ebpfjvm.bench.PacketMix;
import io.ebpfjvm.bench.Traffic;
import io.ebpfjvm.bench.Workload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the benchmark objects in the Linux kernel with {@code bpftool prog run ... repeat N} on
 * the same frames, with the same map contents, and writes ns per packet next to ours as JSON.
 * Needs root, a bpffs and bpftool; prints why and writes nothing otherwise. The kernel's return
 * value for every frame is also compared with our interpreter's.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.ebpfjvm.bench.kernel.KernelCompare OUT.json [FRAMES] [REPEAT]}
 */
public final class KernelCompare {
    private static final Pattern RESULT = Pattern.compile("Return value: (\\d+), duration \\(average\\): (\\d+)ns");
    private static final Path BPFFS = Path.of("/sys/fs/bpf");

    private KernelCompare() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: KernelCompare OUT.json [FRAMES] [REPEAT]");
            System.exit(2);
        }
        int frames = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int repeat = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        String missing = unavailable();
        if (missing != null) {
            System.err.println("kernel comparison skipped: " + missing);
            System.exit(3);
        }
        List<String> rows = new ArrayList<>();
        Path work = Files.createTempDirectory("ebpfjvm-kernel");
        Path pins = BPFFS.resolve("ebpfjvm-bench-" + ProcessHandle.current().pid());
        try {
            for (Workload workload : Workload.values()) {
                if (workload.classic()) {
                    continue; // the kernel takes classic BPF only through setsockopt, not bpftool
                }
                for (PacketMix mix : PacketMix.values()) {
                    rows.add(measure(workload, mix, frames, repeat, work, pins));
                    System.err.println("kernel: " + rows.get(rows.size() - 1));
                }
            }
        } finally {
            run(List.of("rm", "-rf", pins.toString(), work.toString()));
        }
        Files.writeString(Path.of(args[0]), "[\n  " + String.join(",\n  ", rows) + "\n]\n");
    }

    /** Why the kernel can't be used here, or null. */
    static String unavailable() throws InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not root";
        }
        if (!Files.isDirectory(BPFFS)) {
            return "no bpffs at " + BPFFS;
        }
        try {
            if (run(List.of("bpftool", "version")).exit != 0) {
                return "bpftool does not run";
            }
        } catch (IOException e) {
            return "bpftool not installed";
        }
        return null;
    }

    private static String measure(Workload workload, PacketMix mix, int frames, int repeat, Path work, Path pins)
            throws IOException, InterruptedException {
        Traffic traffic = Traffic.generate(mix, 42);
        Path object = work.resolve(workload.resource());
        Files.write(object, workload.bytes());
        Path prog = pins.resolve(workload.id() + "-" + mix.id());
        Path maps = pins.resolve(workload.id() + "-" + mix.id() + "-maps");
        Files.createDirectories(maps);
        check(run(List.of("bpftool", "prog", "load", object.toString(), prog.toString(), "pinmaps", maps.toString())), "load " + workload.resource());

        List<String> batch = new ArrayList<>();
        HexFormat hex = HexFormat.ofDelimiter(" ");
        if (workload == Workload.ACL) {
            Workload.aclRules(traffic).forEach((Flow flow, Integer verdict) -> batch.add("map update pinned " + maps.resolve("rules")
                + " key hex " + hex.formatHex(flow.ebpfKey()) + " value hex " + hex.formatHex(le32(verdict))));
        } else if (workload == Workload.LPM) {
            Workload.lpmPrefixes(traffic).forEach((addr, length) -> batch.add("map update pinned " + maps.resolve("blocklist")
                + " key hex " + hex.formatHex(Workload.lpmKey(addr, length)) + " value hex 00 00 00 00 00 00 00 00"));
        }
        Classifier ours = Engine.INTERP.prepare(workload, traffic);
        int n = Math.min(frames, traffic.frames().length);
        long[] expected = new long[n];
        for (int i = 0; i < n; i++) {
            byte[] frame = traffic.frames()[i];
            Path in = work.resolve("frame-" + i);
            Files.write(in, frame);
            expected[i] = ours.classify(frame, 0, frame.length);
            batch.add("prog run pinned " + prog + " data_in " + in + " repeat " + repeat);
        }
        Path script = work.resolve("batch");
        Files.write(script, batch, StandardCharsets.US_ASCII);
        Result result = run(List.of("bpftool", "batch", "file", script.toString()));
        check(result, "batch for " + workload.id());
        Matcher m = RESULT.matcher(result.out);
        long totalNs = 0;
        int seen = 0;
        int agree = 0;
        while (m.find()) {
            if (Long.parseLong(m.group(1)) == expected[seen]) {
                agree++;
            }
            totalNs += Long.parseLong(m.group(2));
            seen++;
        }
        if (seen != n) {
            throw new IOException("bpftool printed " + seen + " results for " + n + " frames");
        }
        run(List.of("rm", "-rf", prog.toString(), maps.toString()));
        return String.format(Locale.ROOT, "{\"program\": \"%s\", \"mix\": \"%s\", \"nsPerPacket\": %.1f, \"frames\": %d, \"repeat\": %d, \"agree\": %d}",
            workload.id(), mix.id(), (double) totalNs / n, n, repeat, agree);
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    private record Result(int exit, String out) {
    }

    private static void check(Result r, String what) throws IOException {
        if (r.exit != 0) {
            throw new IOException("bpftool " + what + " failed: " + r.out.lines().reduce((a, b) -> b).orElse(""));
        }
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " timed out");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
