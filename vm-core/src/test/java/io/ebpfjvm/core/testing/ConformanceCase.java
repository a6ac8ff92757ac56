package io.ebpfjvm.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One bpf_conformance case, parsed by our own reader of the suite's {@code .data} format
 * (sections {@code -- asm}, {@code -- raw}, {@code -- mem}, {@code -- result}, {@code -- error};
 * others ignored) or taken from {@code assembled.tsv}.
 *
 * @param name     file name without {@code .data}
 * @param asm      the assembler text, or null
 * @param raw      the program bytes of a {@code -- raw} section (or of assembled.tsv), or null
 * @param memory   input memory, or null when the case has none
 * @param expected expected r0
 * @param error    expected error text, or null
 */
public record ConformanceCase(String name, String asm, byte[] raw, byte[] memory, long expected, String error) {

    @Override
    public String toString() {
        return name;
    }

    /** Every {@code tests/*.data} case, sorted by name. */
    public static List<ConformanceCase> loadAll() {
        try (Stream<Path> files = Files.list(SharedData.conformance().resolve("tests"))) {
            return files.filter(p -> p.toString().endsWith(".data")).sorted().map(ConformanceCase::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every line of {@code assembled.tsv}. */
    public static List<ConformanceCase> loadAssembledTsv() {
        try {
            List<String> lines = Files.readAllLines(SharedData.conformance().resolve("assembled.tsv"));
            List<ConformanceCase> cases = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                byte[] mem = f[2].isEmpty() ? null : HexFormat.of().parseHex(f[2]);
                cases.add(new ConformanceCase(f[0], null, HexFormat.of().parseHex(f[1]), mem, parseResult(f[3]), null));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ConformanceCase parse(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.data$", "");
        Map<String, StringBuilder> sections = new LinkedHashMap<>();
        StringBuilder current = null;
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("-- ")) {
                    current = new StringBuilder();
                    sections.put(line.substring(3).trim(), current);
                } else if (current != null) {
                    current.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String asm = text(sections, "asm");
        byte[] raw = null;
        String rawText = text(sections, "raw");
        if (rawText != null && !rawText.isBlank()) {
            raw = rawWords(rawText);
        }
        String memText = text(sections, "mem");
        byte[] mem = memText == null || memText.isBlank() ? null : HexFormat.of().parseHex(memText.replaceAll("\\s+", ""));
        String result = text(sections, "result");
        String error = text(sections, "error");
        return new ConformanceCase(name, asm, raw, mem, result == null ? 0 : parseResult(result.trim()),
            error == null ? null : error.trim());
    }

    private static String text(Map<String, StringBuilder> sections, String key) {
        StringBuilder b = sections.get(key);
        return b == null ? null : b.toString();
    }

    /** {@code -- raw}: one 64-bit instruction word per line, written as a number (opcode in the low byte). */
    private static byte[] rawWords(String text) {
        List<Long> words = new ArrayList<>();
        for (String line : text.split("\n")) {
            String t = line.replaceFirst("#.*", "").trim();
            if (!t.isEmpty()) {
                words.add(Long.parseUnsignedLong(t.replaceFirst("^0[xX]", ""), 16));
            }
        }
        byte[] out = new byte[words.size() * 8];
        for (int i = 0; i < words.size(); i++) {
            long w = words.get(i);
            for (int b = 0; b < 8; b++) {
                out[i * 8 + b] = (byte) (w >>> (8 * b));
            }
        }
        return out;
    }

    private static long parseResult(String s) {
        s = s.trim();
        if (s.startsWith("0x") || s.startsWith("0X")) {
            return Long.parseUnsignedLong(s.substring(2), 16);
        }
        return s.startsWith("-") ? Long.parseLong(s) : Long.parseUnsignedLong(s);
    }
}
