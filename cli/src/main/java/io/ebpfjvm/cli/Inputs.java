package io.ebpfjvm.cli;

import io.ebpfjvm.core.error.EbpfException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading command inputs: files or stdin ({@code -}), raw bytes or hex text. */
final class Inputs {
    private Inputs() {
    }

    /** Upper bound on what a command reads, so hostile input cannot exhaust memory. */
    static final int MAX_INPUT_BYTES = 256 << 20;

    static byte[] readBytes(String path, InputStream stdin) {
        try {
            if ("-".equals(path)) {
                byte[] data = stdin.readNBytes(MAX_INPUT_BYTES + 1);
                if (data.length > MAX_INPUT_BYTES) {
                    throw new EbpfException("standard input: larger than " + MAX_INPUT_BYTES + " bytes");
                }
                return data;
            }
            Path p = Path.of(path);
            if (Files.isDirectory(p)) {
                throw new EbpfException(path + ": is a directory, expected a file");
            }
            if (Files.size(p) > MAX_INPUT_BYTES) {
                throw new EbpfException(path + ": larger than " + MAX_INPUT_BYTES + " bytes");
            }
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String readText(String path, InputStream stdin) {
        return new String(readBytes(path, stdin), StandardCharsets.UTF_8);
    }

    /**
     * Parses hex digits, ignoring white space and an optional {@code 0x} prefix per token.
     *
     * @param where what to name in an error message
     */
    static byte[] parseHex(String text, String where) {
        StringBuilder digits = new StringBuilder(text.length());
        for (String token : text.trim().split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            if (token.startsWith("0x") || token.startsWith("0X")) {
                token = token.substring(2);
            }
            digits.append(token);
        }
        if (digits.length() % 2 != 0) {
            throw new EbpfException(where + ": odd number of hex digits (" + digits.length() + "), expected whole bytes");
        }
        byte[] out = new byte[digits.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(digits.charAt(2 * i), 16);
            int lo = Character.digit(digits.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new EbpfException(where + ": '" + digits.charAt(hi < 0 ? 2 * i : 2 * i + 1)
                    + "' is not a hex digit (at byte " + i + ")");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /** True when the bytes are printable hex text (so a `.hex` dump can stand in for a binary). */
    static boolean looksLikeHexText(byte[] data) {
        if (data.length == 0) {
            return false;
        }
        for (byte b : data) {
            char c = (char) (b & 0xff);
            if (!(Character.digit(c, 16) >= 0 || Character.isWhitespace(c) || c == 'x' || c == 'X')) {
                return false;
            }
        }
        return true;
    }
}
