package io.ebpfjvm.interp.object;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.testing.Tools;
import io.ebpfjvm.interp.Interpreter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Linux kernel as oracle: the same clang-built object loaded with bpftool, the same map
 * contents, the same packets through {@code bpftool prog run}; every return value must match
 * ours. Needs root, bpftool and a kernel that accepts BPF; skips cleanly elsewhere.
 */
class KernelDifferentialTest {
    private static final Pattern RETURN = Pattern.compile("Return value: (\\d+)");
    private static Path pin;
    private static Path objectFile;

    @BeforeAll
    static void loadIntoKernel() throws Exception {
        assumeTrue(Tools.find("bpftool") != null || Files.isExecutable(Path.of("/usr/sbin/bpftool")), "bpftool not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        Path fs = Path.of("/sys/fs/bpf");
        if (!Files.isDirectory(fs) || !mounted()) {
            try {
                Tools.run(List.of("mount", "-t", "bpf", "bpf", fs.toString()));
            } catch (IOException e) {
                assumeTrue(false, "cannot mount bpffs: " + e.getMessage());
            }
        }
        objectFile = Files.createTempFile("xdp_acl", ".o");
        try (InputStream in = KernelDifferentialTest.class.getResourceAsStream("/bpf/xdp_acl.o")) {
            Files.write(objectFile, in.readAllBytes());
        }
        pin = fs.resolve("ebpf-jvm-test-" + ProcessHandle.current().pid());
        try {
            Tools.run(List.of(bpftool(), "prog", "loadall", objectFile.toString(), pin.toString(), "pinmaps", pin + "-maps"));
        } catch (IOException e) {
            cleanUp();
            assumeTrue(false, "the kernel refused the object (no BPF here?): " + e.getMessage());
        }
    }

    private static boolean mounted() throws IOException {
        return Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.contains(" /sys/fs/bpf bpf "));
    }

    private static String bpftool() {
        Path p = Tools.find("bpftool");
        return p != null ? p.toString() : "/usr/sbin/bpftool";
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (pin != null) {
            Tools.run(List.of("rm", "-rf", pin.toString(), pin + "-maps"));
        }
        if (objectFile != null) {
            Files.deleteIfExists(objectFile);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x ", x & 0xff));
        }
        return s.toString().trim();
    }

    private static long kernelRun(byte[] packet) throws Exception {
        Path file = Files.createTempFile("pkt", ".bin");
        try {
            Files.write(file, packet);
            String out = Tools.run(List.of(bpftool(), "prog", "run", "pinned", pin.resolve("xdp_acl").toString(),
                "data_in", file.toString(), "repeat", "1"));
            Matcher m = RETURN.matcher(out);
            assertTrue(m.find(), out);
            return Long.parseLong(m.group(1));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void xdpAclMatchesTheKernelPacketByPacket() throws Exception {
        BpfObject object = ObjectRunTest.load("xdp_acl.o");
        MapSet maps = MapSet.create(object);
        ExecutableProgram ours = Interpreter.compile(object.select(null, "xdp"), null, maps,
            KernelHelpers.registry(s -> { }), ExecutionOptions.defaults());
        Random r = new Random(42);
        List<byte[]> rules = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int proto = r.nextBoolean() ? 6 : 17;
            byte[] key = ObjectRunTest.flowKey(proto, 0x0a000000 | r.nextInt(4), 0x0a000100 | r.nextInt(4), 1000 + r.nextInt(3), 53);
            int verdict = r.nextInt(4);
            byte[] value = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(verdict).array();
            maps.byName("rules").orElseThrow().put(key, value);
            List<String> cmd = new ArrayList<>(List.of(bpftool(), "map", "update", "pinned", pin + "-maps/rules", "key", "hex"));
            cmd.addAll(List.of(hex(key).split(" ")));
            cmd.add("value");
            cmd.add("hex");
            cmd.addAll(List.of(hex(value).split(" ")));
            Tools.run(cmd);
            rules.add(key);
        }
        int compared = 0;
        int matchedRule = 0;
        for (int i = 0; i < 60; i++) {
            int proto = r.nextBoolean() ? 6 : 17;
            byte[] packet = ObjectRunTest.ipv4(proto, 0x0a000000 | r.nextInt(4), 0x0a000100 | r.nextInt(4), 1000 + r.nextInt(3), 53);
            if (i % 10 == 0) {
                packet = java.util.Arrays.copyOf(packet, 14 + r.nextInt(30));
            }
            long kernel = kernelRun(packet);
            long ebpfJvm = ours.run(packet.clone());
            assertEquals(kernel, ebpfJvm, "packet " + HexFormat.of().formatHex(packet));
            compared++;
            if (ebpfJvm != 2) {
                matchedRule++;
            }
        }
        System.out.println("kernel differential (xdp_acl.o): " + compared + " packets compared, all equal; "
            + matchedRule + " took a non-pass verdict");
        assertTrue(matchedRule > 0);
    }
}
