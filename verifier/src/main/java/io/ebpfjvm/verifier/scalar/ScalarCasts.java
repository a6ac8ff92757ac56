package io.ebpfjvm.verifier.scalar;

import static io.ebpfjvm.verifier.scalar.RegBounds.LOW32;

/**
 * Width changes of a scalar: zero extension of a narrow load (the kernel's
 * {@code coerce_reg_to_size}), sign extension for {@code movsx}/{@code ldsx}
 * ({@code coerce_reg_to_size_sx}, {@code coerce_subreg_to_size_sx}) and byte swaps
 * ({@code scalar_byte_swap}).
 */
final class ScalarCasts {
    private ScalarCasts() {
    }

    static Scalar zeroExtend(Scalar s, int bytes) {
        if (bytes != 1 && bytes != 2 && bytes != 4 && bytes != 8) {
            throw new IllegalArgumentException("size must be 1, 2, 4 or 8 bytes: " + bytes);
        }
        if (bytes == 8) {
            return s;
        }
        RegBounds r = new RegBounds(s);
        coerceToSize(r, bytes);
        return r.freeze();
    }

    /** {@code coerce_reg_to_size}: keep the low {@code bytes} bytes. */
    static void coerceToSize(RegBounds r, int bytes) {
        r.varOff = r.varOff.cast(bytes);
        long mask = (1L << (bytes * 8)) - 1;
        // The unsigned range survives truncation only when its ends agree above the kept bits.
        if ((r.umin & ~mask) == (r.umax & ~mask)) {
            r.umin &= mask;
            r.umax &= mask;
        } else {
            r.umin = 0;
            r.umax = mask;
        }
        r.smin = r.umin;
        r.smax = r.umax;
        // Below 32 bits the subregister is truncated too; its old bounds no longer hold.
        if (bytes < 4) {
            r.mark32Unbounded();
        }
        r.sync();
    }

    /** {@code coerce_reg_to_size_sx}; like the kernel, no bounds sync follows it. */
    static Scalar signExtend64(Scalar s, int fromBits) {
        if (fromBits != 8 && fromBits != 16 && fromBits != 32) {
            throw new IllegalArgumentException("sign extension from 8, 16 or 32 bits, not " + fromBits);
        }
        RegBounds r = new RegBounds(s);
        if (r.varOff.isConst()) {
            r.markKnown(extend(r.varOff.value(), fromBits));
            return r.freeze();
        }
        // The signed range maps to a range when its ends agree above the extended bits and the
        // extended ends have the same sign (so no value in between changes sign).
        if ((r.smax >>> fromBits) == (r.smin >>> fromBits)) {
            long a = extend(r.smax, fromBits);
            long b = extend(r.smin, fromBits);
            long hi = Math.max(a, b);
            long lo = Math.min(a, b);
            if ((hi >= 0) == (lo >= 0)) {
                r.smin = lo;
                r.smax = hi;
                r.s32min = (int) lo;
                r.s32max = (int) hi;
                r.umin = lo;
                r.umax = hi;
                r.u32min = (int) lo;
                r.u32max = (int) hi;
                r.varOff = Tnum.range(lo, hi);
                return r.freeze();
            }
        }
        long min = -(1L << (fromBits - 1));
        long max = (1L << (fromBits - 1)) - 1;
        r.smin = min;
        r.smax = max;
        r.s32min = (int) min;
        r.s32max = (int) max;
        r.umin = 0;
        r.umax = -1L;
        r.u32min = 0;
        r.u32max = -1;
        r.varOff = Tnum.UNKNOWN;
        return r.freeze();
    }

    /** {@code coerce_subreg_to_size_sx}, then the zero extension and sync of every 32-bit move. */
    static Scalar signExtend32(Scalar s, int fromBits) {
        if (fromBits != 8 && fromBits != 16) {
            throw new IllegalArgumentException("32-bit sign extension from 8 or 16 bits, not " + fromBits);
        }
        RegBounds r = new RegBounds(s);
        if (r.varOff.isConst()) {
            int v = (int) extend(r.varOff.value(), fromBits);
            r.varOff = Tnum.constant(v);
            r.s32min = r.s32max = v;
            r.u32min = r.u32max = v;
        } else if (((r.s32max & LOW32) >>> fromBits) == ((r.s32min & LOW32) >>> fromBits)
                && sameSign32(r, fromBits)) {
            int a = (int) extend(r.s32max, fromBits);
            int b = (int) extend(r.s32min, fromBits);
            int hi = Math.max(a, b);
            int lo = Math.min(a, b);
            r.s32min = lo;
            r.s32max = hi;
            r.u32min = lo;
            r.u32max = hi;
            r.varOff = Tnum.range(lo, hi).subreg();
        } else {
            r.s32min = -(1 << (fromBits - 1));
            r.s32max = (1 << (fromBits - 1)) - 1;
            r.u32min = 0;
            r.u32max = -1;
            r.varOff = Tnum.UNKNOWN.subreg();
        }
        r.zext32To64();
        r.sync();
        return r.freeze();
    }

    private static boolean sameSign32(RegBounds r, int fromBits) {
        int a = (int) extend(r.s32max, fromBits);
        int b = (int) extend(r.s32min, fromBits);
        return (a >= 0) == (b >= 0);
    }

    private static long extend(long v, int fromBits) {
        return switch (fromBits) {
            case 8 -> (byte) v;
            case 16 -> (short) v;
            default -> (int) v;
        };
    }

    /** {@code scalar_byte_swap} on a little-endian machine. */
    static Scalar byteSwap(Scalar s, int bits, boolean toBigEndian) {
        if (bits != 16 && bits != 32 && bits != 64) {
            throw new IllegalArgumentException("byte swap width must be 16, 32 or 64: " + bits);
        }
        RegBounds r = new RegBounds(s);
        if (toBigEndian) {
            // A swap scrambles the ranges; only the tnum survives, exactly.
            r.varOff = r.varOff.byteSwap(bits);
            r.mark64Unbounded();
            r.mark32Unbounded();
        }
        if (bits < 64) {
            coerceToSize(r, bits / 8);
        } else {
            r.sync();
        }
        return r.freeze();
    }
}
