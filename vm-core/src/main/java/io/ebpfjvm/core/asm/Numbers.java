package io.ebpfjvm.core.asm;

/** Number parsing shared by both assembler syntaxes: decimal or hex, optional sign. */
final class Numbers {
    private Numbers() {
    }

    /**
     * Parses a decimal or {@code 0x} hex number with an optional sign, as a 64-bit pattern:
     * unsigned spellings up to 2^64-1 and signed ones down to -2^63. Returns null if
     * {@code text} is no such number.
     */
    static Long parse(String text) {
        String t = text.trim();
        boolean negative = false;
        if (t.startsWith("+") || t.startsWith("-")) {
            negative = t.charAt(0) == '-';
            t = t.substring(1).trim();
        }
        if (t.isEmpty()) {
            return null;
        }
        try {
            long v;
            if (t.startsWith("0x") || t.startsWith("0X")) {
                v = Long.parseUnsignedLong(t.substring(2), 16);
            } else if (Character.isDigit(t.charAt(0))) {
                v = Long.parseUnsignedLong(t);
            } else {
                return null;
            }
            if (negative && v < 0 && v != Long.MIN_VALUE) {
                return null; // below -2^63: no 64-bit value
            }
            return negative ? -v : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A 32-bit immediate: accepts -2^31 .. 2^32-1 (hex above 2^31 wraps, as assemblers do). */
    static int imm32(String text, Line line) {
        Long v = parse(text);
        if (v == null) {
            throw line.error("expected a number, got '" + text.trim() + "'");
        }
        if (v < Integer.MIN_VALUE || v > 0xffffffffL) {
            throw line.error("immediate " + text.trim() + " does not fit in 32 bits");
        }
        return (int) (long) v;
    }

    /** A signed 16-bit offset. */
    static short off16(String text, Line line) {
        Long v = parse(text);
        if (v == null) {
            throw line.error("expected an offset, got '" + text.trim() + "'");
        }
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
            throw line.error("offset " + text.trim() + " does not fit in 16 bits");
        }
        return (short) (long) v;
    }

    /** A 64-bit constant: any signed or unsigned 64-bit spelling. */
    static long imm64(String text, Line line) {
        Long v = parse(text);
        if (v == null) {
            throw line.error("expected a 64-bit number, got '" + text.trim() + "'");
        }
        return v;
    }

    /** Hex in llvm-objdump's style: {@code 0x1f}, {@code -0x8}. */
    static String hex(long v) {
        if (v == Long.MIN_VALUE) {
            return "-0x8000000000000000";
        }
        return v < 0 ? "-0x" + Long.toHexString(-v) : "0x" + Long.toHexString(v);
    }
}
