package io.ebpfjvm.core.map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ebpfjvm.core.map.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Compares error codes and contents with the running kernel's maps, driven through
 * {@code bpftool} on a pinned map in bpffs. Skipped unless bpftool works here (root, bpffs
 * mounted at /sys/fs/bpf).
 */
class KernelDifferentialMapTest {
    private static final Path BPFFS = Path.of("/sys/fs/bpf");
    private static final AtomicInteger PINS = new AtomicInteger();
    private static final Map<String, Integer> ERRNOS = Map.of(
        "Operation not permitted", Errno.EPERM, "No such file or directory", Errno.ENOENT,
        "Argument list too long", Errno.E2BIG, "Cannot allocate memory", Errno.ENOMEM,
        "File exists", Errno.EEXIST, "Invalid argument", Errno.EINVAL,
        "No space left on device", Errno.ENOSPC, "Unknown error 524", Errno.ENOTSUPP);
    private static final Pattern FAILURE = Pattern.compile("(?:failed|next key): ([^\"\\n]+)");
    private static final Pattern BYTES = Pattern.compile("\"(key|value)\":\\[([^\\]]*)\\]");
    private static String bpftool;

    private record Result(int exit, String output) {
    }

    @BeforeAll
    static void findBpftool() {
        for (String candidate : new String[] {"/usr/sbin/bpftool", "/usr/bin/bpftool", "/sbin/bpftool", "/usr/local/sbin/bpftool"}) {
            if (Files.isExecutable(Path.of(candidate)) && Files.isDirectory(BPFFS)) {
                Path pin = pin();
                try {
                    if (run(candidate, "map", "create", pin.toString(), "type", "array", "key", "4", "value", "4",
                        "entries", "1", "name", "ebpfjvm_probe").exit() == 0) {
                        bpftool = candidate;
                    }
                } finally {
                    unpin(pin);
                }
                return;
            }
        }
    }

    private static void assumeKernel() {
        Assumptions.assumeTrue(bpftool != null, "bpftool cannot create maps here (needs root and bpffs)");
    }

    private static Path pin() {
        return BPFFS.resolve("ebpfjvm_" + ProcessHandle.current().pid() + "_" + PINS.incrementAndGet());
    }

    private static void unpin(Path pin) {
        try {
            Files.deleteIfExists(pin);
        } catch (IOException e) {
            // best effort: a stale pin only holds a tiny map
        }
    }

    private static Result run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timeout: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Result bpftool(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(bpftool);
        command.addAll(args);
        return run(command.toArray(new String[0]));
    }

    /** 0 for success, else the errno the message names. */
    private static int errno(Result r) {
        if (r.exit() == 0) {
            return 0;
        }
        Matcher m = FAILURE.matcher(r.output());
        assertTrue(m.find(), "unexpected bpftool output: " + r.output());
        Integer errno = ERRNOS.get(m.group(1).trim());
        assertNotNull(errno, "unknown error text: " + r.output());
        return errno;
    }

    private static List<String> hex(byte[] bytes) {
        List<String> out = new ArrayList<>();
        out.add("hex");
        for (byte b : bytes) {
            out.add(String.format("%02x", b & 0xff));
        }
        return out;
    }

    private static int kernelCreate(Path pin, MapType type, int key, int value, int max, int flags) {
        return errno(bpftool(List.of("map", "create", pin.toString(), "type", type.name().toLowerCase(Locale.ROOT),
            "key", Integer.toString(key), "value", Integer.toString(value), "entries", Integer.toUnsignedString(max),
            "name", "ebpfjvm", "flags", "0x" + Integer.toHexString(flags))));
    }

    private static int ourCreate(MapType type, int key, int value, int max, int flags) {
        try {
            def(type, key, value, max, flags);
            return 0;
        } catch (MapCreateException e) {
            return e.errno();
        }
    }

    @Test
    void createErrorsMatch() {
        assumeKernel();
        int[][] cases = {
            // type index into MapType.values(), key, value, max_entries, flags
            {1, 4, 8, 4, 0}, {1, 8, 8, 4, 0}, {1, 4, 0, 4, 0}, {1, 4, 8, 0, 0}, {1, 4, 8, 4, 0x400}, {1, 4, 8, 4, 0x180},
            {1, 4, 8, 4, 0x18}, {1, 4, 8, 4, 0x40}, {1, 4, 8, 4, 0x800}, {1, 4, 8, 4, 0x1000}, {1, 4, 8, 4, 0x200},
            {1, 4, 8, 4, 1}, {1, 4, 8, 4, 2}, {1, 4, 8, 4, 0x20},
            {4, 4, 8, 4, 0}, {4, 4, 8, 4, 0x400}, {4, 4, 32768, 2, 0}, {4, 4, 32769, 2, 0}, {4, 5, 8, 4, 0},
            {2, 4, 4, 4, 0}, {2, 4, 8, 4, 0}, {2, 4, 4, 4, 0x80}, {2, 4, 4, 4, 0x100}, {2, 4, 4, 4, 0x400}, {2, 2, 4, 4, 0},
            {0, 4, 8, 4, 0}, {0, 0, 8, 4, 0}, {0, 4, 0, 4, 0}, {0, 4, 8, 0, 0}, {0, 600, 8, 4, 0}, {0, 4, 8, 4, 1},
            {0, 4, 8, 4, 2}, {0, 4, 8, 4, 0x40}, {0, 4, 8, 4, 0x400}, {0, 4, 8, 4, 0x180}, {0, 4, 8, 4, 0x100000},
            {3, 4, 32768, 2, 0}, {3, 4, 32769, 2, 0}, {3, 4, 8, 4, 2},
            {5, 4, 8, 4, 0}, {5, 4, 8, 4, 1}, {5, 4, 8, 4, 2}, {5, 4, 8, 4, 0x40}, {5, 4, 8, 0, 0},
            {6, 8, 8, 4, 1}, {6, 8, 8, 4, 0}, {6, 4, 8, 4, 1}, {6, 5, 8, 4, 1}, {6, 260, 8, 4, 1}, {6, 261, 8, 4, 1},
            {6, 8, 0, 4, 1}, {6, 8, 8, 4, 0x401}, {6, 8, 8, 4, 0x41}, {6, 8, 8, 0, 1}, {6, 8, 8, 4, 0x81},
            {7, 0, 0, 4096, 0}, {7, 0, 0, 6000, 0}, {7, 0, 0, 2048, 0}, {7, 4, 0, 4096, 0}, {7, 0, 4, 4096, 0},
            {7, 0, 0, 8192, 1}, {7, 0, 0, 0, 0}, {7, 0, 0, 1 << 20, 0},
        };
        for (int[] c : cases) {
            MapType type = MapType.values()[c[0]];
            Path pin = pin();
            try {
                int kernel = kernelCreate(pin, type, c[1], c[2], c[3], c[4]);
                assertEquals(Errno.name(kernel), Errno.name(ourCreate(type, c[1], c[2], c[3], c[4])),
                    "kernel " + System.getProperty("os.version") + ": " + type + " key " + c[1] + " value " + c[2] + " max_entries " + c[3] + " flags 0x" + Integer.toHexString(c[4]));
            } finally {
                unpin(pin);
            }
        }
    }

    /** Runs the same random operations on a kernel map and ours; errnos, lookups and the final dump must agree. */
    private static void sameOperations(MapType type, int keySize, int valueSize, int max, int flags, long seed,
                                       java.util.function.Function<Random, byte[]> keys, boolean sameOrder) {
        assumeKernel();
        Path pin = pin();
        try {
            assertEquals(0, kernelCreate(pin, type, keySize, valueSize, max, flags));
            BpfMap ours = map(type, keySize, valueSize, max, flags);
            Random r = new Random(seed);
            List<String> where = List.of("pinned", pin.toString());
            for (int i = 0; i < 150; i++) {
                byte[] key = keys.apply(r);
                List<String> args = new ArrayList<>();
                String step = "kernel " + System.getProperty("os.version") + ", " + type + " op " + i
                    + " key " + HexFormat.of().formatHex(key);
                switch (r.nextInt(6)) {
                    case 0, 1, 2 -> {
                        byte[] value = new byte[valueSize];
                        r.nextBytes(value);
                        int f = r.nextInt(3);
                        args.addAll(List.of("map", "update"));
                        args.addAll(where);
                        args.add("key");
                        args.addAll(hex(key));
                        args.add("value");
                        args.addAll(hex(value));
                        args.add(new String[] {"any", "noexist", "exist"}[f]);
                        assertEquals(Errno.name(errno(bpftool(args))), Errno.name(ours.update(key, value, f)), step + " update " + f);
                    }
                    case 3 -> {
                        args.addAll(List.of("map", "delete"));
                        args.addAll(where);
                        args.add("key");
                        args.addAll(hex(key));
                        int kernel = errno(bpftool(args));
                        long mine = ours.erase(key, 0);
                        assertEquals(Errno.name(kernel), Errno.name(mine), step + " delete");
                    }
                    default -> {
                        args.addAll(List.of("-j", "map", "lookup"));
                        args.addAll(where);
                        args.add("key");
                        args.addAll(hex(key));
                        Result k = bpftool(args);
                        byte[] mine = ours.lookup(key);
                        List<byte[]> kernelValue = field(k.output(), "value");
                        assertEquals(kernelValue.isEmpty(), mine == null, step + " lookup: " + k.output());
                        if (mine != null) {
                            assertArrayEquals(kernelValue.get(0), mine, step + " lookup");
                        }
                    }
                }
            }
            List<String> dump = new ArrayList<>(List.of("-j", "map", "dump"));
            dump.addAll(where);
            Result k = bpftool(dump);
            List<byte[]> kernelKeys = field(k.output(), "key");
            List<byte[]> kernelValues = field(k.output(), "value");
            List<String> kernelEntries = new ArrayList<>();
            for (int i = 0; i < kernelKeys.size(); i++) {
                kernelEntries.add(HexFormat.of().formatHex(kernelKeys.get(i)) + "=" + HexFormat.of().formatHex(kernelValues.get(i)));
            }
            List<String> ourEntries = new ArrayList<>();
            ours.forEach((key, value) -> ourEntries.add(HexFormat.of().formatHex(key) + "=" + HexFormat.of().formatHex(value)));
            if (!sameOrder) {
                kernelEntries.sort(null);
                ourEntries.sort(null);
            }
            assertEquals(kernelEntries, ourEntries, "final contents" + (sameOrder ? " in iteration order" : ""));
        } finally {
            unpin(pin);
        }
    }

    private static List<byte[]> field(String json, String name) {
        List<byte[]> out = new ArrayList<>();
        Matcher m = BYTES.matcher(json);
        while (m.find()) {
            if (!m.group(1).equals(name)) {
                continue;
            }
            String[] parts = m.group(2).replace("\"", "").split(",");
            byte[] b = new byte[parts[0].isBlank() ? 0 : parts.length];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) Integer.decode(parts[i].trim()).intValue();
            }
            out.add(b);
        }
        return out;
    }

    @Test
    void arrayOperationsMatch() {
        sameOperations(MapType.ARRAY, 4, 8, 4, 0, 11, r -> u32(r.nextInt(6) == 0 ? 4 + r.nextInt(3) : r.nextInt(4)), true);
    }

    @Test
    void hashOperationsMatch() {
        sameOperations(MapType.HASH, 4, 4, 5, 0, 12, r -> u32(r.nextInt(9)), false);
    }

    @Test
    void lpmOperationsMatchIncludingIterationOrder() {
        sameOperations(MapType.LPM_TRIE, 8, 4, 6, MapFlags.NO_PREALLOC, 13,
            r -> lpm(r.nextInt(12) == 0 ? 33 : new int[] {0, 8, 9, 16, 24, 32}[r.nextInt(6)],
                10, r.nextInt(2), r.nextInt(2) * 128, r.nextInt(3)), true);
    }
}
