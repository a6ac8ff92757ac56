package io.ebpfjvm.samples.firewall;

import io.ebpfjvm.core.testing.Tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Linux kernel through bpftool, for one object: loads it (programs and maps pinned under
 * bpffs), updates maps, reads them back (per-CPU values as every CPU's copy) and runs a
 * program on a packet with {@code bpftool prog run}. {@link #open} skips the calling test
 * cleanly without root, bpftool or a BPF-capable kernel.
 */
final class KernelOracle implements AutoCloseable {
    private static final Pattern RETURN = Pattern.compile("Return value: (\\d+)");
    private static final Pattern HEX_VALUE = Pattern.compile("\"value\":\\[(\"0x[^\\]]*)]");
    private final Path pin;
    private final Path maps;
    private final Path directory;

    private KernelOracle(Path pin, Path maps, Path directory) {
        this.pin = pin;
        this.maps = maps;
        this.directory = directory;
    }

    private static String bpftool() {
        Path p = Tools.find("bpftool");
        return p != null ? p.toString() : "/usr/sbin/bpftool";
    }

    /** Loads {@code elf} (written as {@code fileName}) into the kernel. */
    static KernelOracle open(byte[] elf, String fileName) throws Exception {
        assumeTrue(Tools.find("bpftool") != null || Files.isExecutable(Path.of("/usr/sbin/bpftool")), "bpftool not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        Path fs = Path.of("/sys/fs/bpf");
        boolean mounted = Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.contains(" /sys/fs/bpf bpf "));
        if (!mounted) {
            try {
                Tools.run(List.of("mount", "-t", "bpf", "bpf", fs.toString()));
            } catch (IOException e) {
                assumeTrue(false, "cannot mount bpffs: " + e.getMessage());
            }
        }
        Path directory = Files.createTempDirectory("ebpf-jvm-samples");
        Path object = directory.resolve(fileName);
        Files.write(object, elf);
        String base = "ebpf-jvm-samples-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        KernelOracle oracle = new KernelOracle(fs.resolve(base), fs.resolve(base + "-maps"), directory);
        try {
            Tools.run(List.of(bpftool(), "prog", "loadall", object.toString(), oracle.pin.toString(), "pinmaps",
                oracle.maps.toString()));
        } catch (IOException e) {
            oracle.close();
            if (e.getMessage().contains("BEGIN PROG LOAD LOG")) {
                throw new AssertionError("the kernel's verifier rejected " + fileName + ": " + e.getMessage());
            }
            assumeTrue(false, "the kernel refused " + fileName + " (no BPF here?): " + e.getMessage());
        }
        return oracle;
    }

    /** The pinned name of a map: its name, or for global data the libbpf name ending in {@code _bss} etc. */
    private Path map(String name) throws IOException {
        Path exact = maps.resolve(name);
        if (Files.exists(exact)) {
            return exact;
        }
        String suffix = name.replace('.', '_');
        try (Stream<Path> all = Files.list(maps)) {
            return all.filter(p -> p.getFileName().toString().endsWith(suffix)).findFirst()
                .orElseThrow(() -> new IOException("no pinned map " + name + " in " + maps));
        }
    }

    private static List<String> hex(byte[] b) {
        List<String> out = new ArrayList<>();
        for (byte x : b) {
            out.add(String.format("%02x", x & 0xff));
        }
        return out;
    }

    void update(String map, byte[] key, byte[] value) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bpftool(), "map", "update", "pinned", map(map).toString(), "key", "hex"));
        cmd.addAll(hex(key));
        cmd.add("value");
        cmd.add("hex");
        cmd.addAll(hex(value));
        Tools.run(cmd);
    }

    /** The value under {@code key}: for per-CPU maps, one array per CPU. */
    List<byte[]> lookup(String map, byte[] key) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bpftool(), "-j", "map", "lookup", "pinned", map(map).toString(), "key", "hex"));
        cmd.addAll(hex(key));
        String out = Tools.run(cmd);
        List<byte[]> values = new ArrayList<>();
        Matcher m = HEX_VALUE.matcher(out);
        while (m.find()) {
            String[] words = m.group(1).replace("\"", "").split(",");
            byte[] v = new byte[words.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (byte) Integer.parseInt(words[i].trim().replaceFirst("^0x", ""), 16);
            }
            values.add(v);
        }
        if (values.isEmpty()) {
            throw new IOException("no value in: " + out);
        }
        return values;
    }

    /** {@code bpftool prog run} of {@code program} on {@code packet} (at least 14 bytes for XDP); returns r0. */
    long run(String program, byte[] packet) throws Exception {
        Path in = directory.resolve("packet.in");
        Files.write(in, packet);
        String text = Tools.run(List.of(bpftool(), "prog", "run", "pinned", pin.resolve(program).toString(),
            "data_in", in.toString(), "repeat", "1"));
        Matcher m = RETURN.matcher(text);
        if (!m.find()) {
            throw new IOException("no return value in: " + text);
        }
        return Long.parseLong(m.group(1));
    }

    @Override
    public void close() throws Exception {
        Tools.run(List.of("rm", "-rf", pin.toString(), maps.toString(), directory.toString()));
    }
}
