package io.ebpfjvm.core.cbpf;

import io.ebpfjvm.core.error.CbpfFormatException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the two text forms tcpdump prints a compiled filter in: {@code tcpdump -dd} (one
 * {@code { 0x28, 0, 0, 0x0000000c },} per line, as C initialisers) and {@code tcpdump -ddd}
 * (a count line, then {@code code jt jf k} in decimal per line). Blank lines and {@code #} or
 * {@code //} comments are ignored.
 */
final class ClassicText {
    private ClassicText() {
    }

    private static final String NUMBER = "(0[xX][0-9a-fA-F]+|-?\\d+)";
    private static final Pattern DD_LINE = Pattern.compile(
        "\\{\\s*" + NUMBER + "\\s*,\\s*" + NUMBER + "\\s*,\\s*" + NUMBER + "\\s*,\\s*" + NUMBER + "\\s*}\\s*,?");
    private static final Pattern DDD_LINE = Pattern.compile(NUMBER + "\\s+" + NUMBER + "\\s+" + NUMBER + "\\s+" + NUMBER);
    private static final Pattern COUNT_LINE = Pattern.compile("\\d+");

    static List<ClassicInstruction> parse(String text) {
        List<ClassicInstruction> out = new ArrayList<>();
        int declared = -1;
        int lineNo = 0;
        for (String raw : text.split("\r?\n", -1)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("//")) {
                continue;
            }
            Matcher m = DD_LINE.matcher(line);
            if (!m.matches()) {
                m = DDD_LINE.matcher(line);
                if (!m.matches()) {
                    if (out.isEmpty() && declared < 0 && COUNT_LINE.matcher(line).matches()) {
                        declared = (int) number(line, 0, Integer.MAX_VALUE, "instruction count", lineNo);
                        continue;
                    }
                    throw new CbpfFormatException("classic BPF text line " + lineNo + ": expected '{ code, jt, jf, k },' "
                        + "as tcpdump -dd prints or 'code jt jf k' as tcpdump -ddd prints, got '" + abbreviate(line) + "'");
                }
            }
            out.add(new ClassicInstruction((int) number(m.group(1), 0, 0xffff, "code", lineNo),
                (int) number(m.group(2), 0, 0xff, "jt", lineNo), (int) number(m.group(3), 0, 0xff, "jf", lineNo),
                (int) number(m.group(4), Integer.MIN_VALUE, 0xffffffffL, "k", lineNo)));
        }
        if (declared >= 0 && declared != out.size()) {
            throw new CbpfFormatException("classic BPF text: the count line says " + declared + " instructions, "
                + out.size() + " follow");
        }
        return out;
    }

    /** A number of the text in {@code min..max}, or an error naming the line and field. */
    private static long number(String s, long min, long max, String what, int line) {
        long v;
        try {
            v = Long.decode(s);
        } catch (NumberFormatException e) {
            v = Long.MAX_VALUE; // more digits than a long holds: out of range below
        }
        if (v < min || v > max) {
            throw new CbpfFormatException("classic BPF text line " + line + ": " + what + " " + s + " out of range "
                + min + ".." + max);
        }
        return v;
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 57) + "...";
    }
}
