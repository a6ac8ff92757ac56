package io.ebpfjvm.interp.object;

import io.ebpfjvm.core.testing.Tools;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Linux kernel through bpftool: loads a test object (all programs pinned, maps pinned),
 * updates maps, wires program arrays and runs a program on a packet with
 * {@code bpftool prog run}. {@link #open} skips the calling test cleanly when there is no
 * root, no bpftool or no BPF-capable kernel.
 */
public final class KernelOracle implements AutoCloseable {
    private static final Pattern RETURN = Pattern.compile("Return value: (\\d+)");
    private final Path pin;
    private final Path object;

    public record Result(long returnValue, byte[] packetOut) {
    }

    private KernelOracle(Path pin, Path object) {
        this.pin = pin;
        this.object = object;
    }

    static String bpftool() {
        Path p = Tools.find("bpftool");
        return p != null ? p.toString() : "/usr/sbin/bpftool";
    }

    static KernelOracle open(String resource) throws Exception {
        try (InputStream in = KernelOracle.class.getResourceAsStream("/bpf/" + resource)) {
            return open(in.readAllBytes(), resource);
        }
    }

    /** Loads an object given as bytes; {@code resource} names it in pins and messages. */
    public static KernelOracle open(byte[] elf, String resource) throws Exception {
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
        Path object = Files.createTempFile(resource.replace(".o", ""), ".o");
        Files.write(object, elf);
        Path pin = fs.resolve("ebpf-jvm-" + resource.replace(".o", "") + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        KernelOracle oracle = new KernelOracle(pin, object);
        try {
            Tools.run(List.of(bpftool(), "prog", "loadall", object.toString(), pin.toString(), "pinmaps", pin + "-maps"));
        } catch (IOException e) {
            oracle.close();
            // A verifier log means BPF works here and our test object is wrong: fail, do not skip.
            if (e.getMessage().contains("BEGIN PROG LOAD LOG")) {
                throw new AssertionError("the kernel's verifier rejected " + resource + ": " + e.getMessage());
            }
            assumeTrue(false, "the kernel refused " + resource + " (no BPF here?): " + e.getMessage());
        }
        return oracle;
    }

    private static List<String> hexWords(byte[] b) {
        List<String> out = new ArrayList<>();
        for (byte x : b) {
            out.add(String.format("%02x", x & 0xff));
        }
        return out;
    }

    /**
     * The pinned path of a map: its name, or for global data ({@code .bss}, {@code .data}, ...)
     * the libbpf name ending in {@code _bss}, {@code _data}, ...
     */
    private String mapPath(String name) throws IOException {
        Path maps = Path.of(pin + "-maps");
        if (Files.exists(maps.resolve(name))) {
            return maps.resolve(name).toString();
        }
        String suffix = name.replace('.', '_');
        try (java.util.stream.Stream<Path> all = Files.list(maps)) {
            return all.filter(p -> p.getFileName().toString().endsWith(suffix)).findFirst()
                .orElseThrow(() -> new IOException("no pinned map " + name + " in " + maps)).toString();
        }
    }

    public void updateMap(String map, byte[] key, byte[] value) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bpftool(), "map", "update", "pinned", mapPath(map), "key", "hex"));
        cmd.addAll(hexWords(key));
        cmd.add("value");
        cmd.add("hex");
        cmd.addAll(hexWords(value));
        Tools.run(cmd);
    }

    /** Reads a map value as hex bytes printed by bpftool (for a per-CPU map, CPU 0's). */
    public byte[] lookup(String map, byte[] key) throws Exception {
        return lookupPerCpu(map, key).get(0);
    }

    /** The value under {@code key}: one array, or for per-CPU maps one per CPU. */
    public List<byte[]> lookupPerCpu(String map, byte[] key) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bpftool(), "-j", "map", "lookup", "pinned", mapPath(map), "key", "hex"));
        cmd.addAll(hexWords(key));
        String out = Tools.run(cmd);
        // JSON output: "value":["0x11","0x00",...] once, or once per CPU under "values"; the
        // BTF-formatted copy that may follow holds no "0x" words.
        Matcher m = Pattern.compile("\"value\":\\[(\"0x[^\\]]*)]").matcher(out);
        List<byte[]> values = new ArrayList<>();
        while (m.find()) {
            values.add(bytes(m.group(1)));
        }
        if (values.isEmpty()) {
            throw new IOException("no value in: " + out);
        }
        return values;
    }

    /** Every entry of a map as bpftool dumps it: key and value bytes (per-CPU maps: every CPU's value, concatenated). */
    List<byte[][]> dump(String map) throws Exception {
        String out = Tools.run(List.of(bpftool(), "-j", "map", "dump", "pinned", mapPath(map)));
        List<byte[][]> entries = new ArrayList<>();
        // Entries: {"key":[...],"value":[...]} or {"key":[...],"values":[{"cpu":0,"value":[...]},...]}.
        Matcher entry = Pattern.compile("\\{\"key\":\\[([^\\]]*)],\"values?\":(\\[\\{.*?}]|\\[[^\\]]*])").matcher(out);
        while (entry.find()) {
            byte[] key = bytes(entry.group(1));
            Matcher v = Pattern.compile("\"value\":\\[([^\\]]*)]").matcher(entry.group(2));
            java.io.ByteArrayOutputStream value = new java.io.ByteArrayOutputStream();
            if (entry.group(2).startsWith("[{")) {
                while (v.find()) {
                    value.writeBytes(bytes(v.group(1)));
                }
            } else {
                value.writeBytes(bytes(entry.group(2).substring(1, entry.group(2).length() - 1)));
            }
            entries.add(new byte[][] {key, value.toByteArray()});
        }
        return entries;
    }

    private static byte[] bytes(String words) {
        if (words.isBlank()) {
            return new byte[0];
        }
        String[] w = words.replace("\"", "").split(",");
        byte[] b = new byte[w.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(w[i].trim().replaceFirst("^0x", ""), 16);
        }
        return b;
    }

    /** {@code bpftool prog dump xlated ... linum}: the kernel's view of a program, with its functions and line info. */
    String xlatedWithLines(String program) throws Exception {
        return Tools.run(List.of(bpftool(), "prog", "dump", "xlated", "pinned", pin.resolve(program).toString(), "linum"));
    }

    public void setProgram(String progArray, int index, String program) throws Exception {
        Tools.run(List.of(bpftool(), "map", "update", "pinned", pin + "-maps/" + progArray, "key", "hex",
            String.format("%02x", index), "00", "00", "00", "value", "pinned", pin.resolve(program).toString()));
    }

    public Result run(String program, byte[] packet) throws Exception {
        Path in = Files.createTempFile("pkt", ".in");
        Path out = Files.createTempFile("pkt", ".out");
        try {
            Files.write(in, packet);
            String text = Tools.run(List.of(bpftool(), "prog", "run", "pinned", pin.resolve(program).toString(),
                "data_in", in.toString(), "data_out", out.toString(), "repeat", "1"));
            Matcher m = RETURN.matcher(text);
            if (!m.find()) {
                throw new IOException("no return value in: " + text);
            }
            return new Result(Long.parseLong(m.group(1)), Files.readAllBytes(out));
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        }
    }

    @Override
    public void close() throws Exception {
        Tools.run(List.of("rm", "-rf", pin.toString(), pin + "-maps"));
        Files.deleteIfExists(object);
    }
}
