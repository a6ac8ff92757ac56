package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.error.AssemblerException;

import java.util.regex.Pattern;

/** Register operands of both syntaxes: {@code r1}, {@code w1} (LLVM) and {@code %r1} (uBPF). */
final class Registers {
    private Registers() {
    }

    private static final Pattern TOKEN = Pattern.compile("%r\\d+|[rw]\\d+");

    /** Whether {@code text} is written as a register (in range or not). */
    static boolean looksLikeRegister(String text) {
        return TOKEN.matcher(text.trim()).matches();
    }

    /** The register number of {@code r0..r10}, {@code w0..w10} or {@code %r0..%r10}. */
    static int parse(String text, Line line) {
        String t = text.trim();
        if (!looksLikeRegister(t) || t.length() > 4) {
            throw bad(t, line);
        }
        int n = Integer.parseInt(t.substring(t.startsWith("%") ? 2 : 1));
        if (n > 10) {
            throw bad(t, line);
        }
        return n;
    }

    /** A register whose width must be 32-bit ({@code wN}) or 64-bit ({@code rN}), LLVM style. */
    static int parse(String text, boolean w32, Line line) {
        int n = parse(text, line);
        if (text.trim().startsWith("w") != w32) {
            throw line.error("expected " + (w32 ? "w" : "r") + n + " here (" + (w32 ? "32" : "64")
                + "-bit operand), got '" + text.trim() + "'");
        }
        return n;
    }

    static boolean is32(String text) {
        return text.trim().startsWith("w");
    }

    private static AssemblerException bad(String text, Line line) {
        return line.error("expected a register like r1 or %r1, got '" + text + "'");
    }
}
