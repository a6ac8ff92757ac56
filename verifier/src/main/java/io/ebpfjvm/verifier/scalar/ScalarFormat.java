package io.ebpfjvm.verifier.scalar;

import static io.ebpfjvm.verifier.scalar.RegBounds.LOW32;

/**
 * A scalar in the kernel verifier log's words ({@code print_reg_state} and
 * {@code print_scalar_ranges}): a constant prints as a number; otherwise every bound that is not
 * at its default prints, in the order smin, smax, umin, umax, smin32, smax32, umin32, umax32,
 * with later bounds of the same value and sign folded into the first
 * ({@code smax=umax=smax32=umax32=255}), then {@code var_off} unless it is fully unknown.
 * Numbers within the 16-bit range print in decimal, others in hex.
 */
final class ScalarFormat {
    private ScalarFormat() {
    }

    private static final class Field {
        final String name;
        final long value;
        boolean omit;

        Field(String name, long value, boolean omit) {
            this.name = name;
            this.value = value;
            this.omit = omit;
        }

        boolean signed() {
            return name.charAt(0) == 's';
        }

        boolean negative() {
            return signed() && value < 0;
        }
    }

    static String format(Scalar s) {
        if (s.isConstant()) {
            return signedNumber(s.tnum().value());
        }
        return "scalar(" + ranges(s) + ")";
    }

    /** The comma-separated fields inside {@code scalar(...)}; empty when nothing is known. */
    static String ranges(Scalar s) {
        Field[] fields = {
            new Field("smin", s.smin(), s.smin() == Long.MIN_VALUE),
            new Field("smax", s.smax(), s.smax() == Long.MAX_VALUE),
            new Field("umin", s.umin(), s.umin() == 0),
            new Field("umax", s.umax(), s.umax() == -1L),
            // 32-bit signed bounds match their 64-bit twins in decimal; in hex they print as u32.
            new Field("smin32", signed32(s.s32min()), s.s32min() == Integer.MIN_VALUE),
            new Field("smax32", signed32(s.s32max()), s.s32max() == Integer.MAX_VALUE),
            new Field("umin32", s.u32min() & LOW32, s.u32min() == 0),
            new Field("umax32", s.u32max() & LOW32, s.u32max() == -1),
        };
        StringBuilder out = new StringBuilder();
        String sep = "";
        for (int i = 0; i < fields.length; i++) {
            Field f = fields[i];
            if (f.omit) {
                continue;
            }
            out.append(sep).append(f.name).append('=');
            sep = ",";
            // Fold in later bounds of the same kind position (min with min, max with max).
            for (int j = i + 2; j < fields.length; j += 2) {
                Field g = fields[j];
                if (g.omit || g.value != f.value || g.negative() != f.negative()) {
                    continue;
                }
                g.omit = true;
                out.append(g.name).append('=');
            }
            out.append(f.signed() ? signedNumber(f.value) : unsignedNumber(f.value));
        }
        if (!s.tnum().isUnknown()) {
            out.append(sep).append("var_off=").append(s.tnum());
        }
        return out.toString();
    }

    private static long signed32(int v) {
        return isSignedDecimal(v) ? v : v & LOW32;
    }

    private static boolean isSignedDecimal(long v) {
        return v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
    }

    static String signedNumber(long v) {
        return isSignedDecimal(v) ? Long.toString(v) : "0x" + Long.toHexString(v);
    }

    static String unsignedNumber(long v) {
        return Long.compareUnsigned(v, 0xffff) <= 0 ? Long.toString(v) : "0x" + Long.toHexString(v);
    }
}
