package io.ebpfjvm.verifier.scalar;

import static io.ebpfjvm.core.isa.Opcodes.BPF_ADD;
import static io.ebpfjvm.core.isa.Opcodes.BPF_AND;
import static io.ebpfjvm.core.isa.Opcodes.BPF_ARSH;
import static io.ebpfjvm.core.isa.Opcodes.BPF_DIV;
import static io.ebpfjvm.core.isa.Opcodes.BPF_LSH;
import static io.ebpfjvm.core.isa.Opcodes.BPF_MOD;
import static io.ebpfjvm.core.isa.Opcodes.BPF_MOV;
import static io.ebpfjvm.core.isa.Opcodes.BPF_MUL;
import static io.ebpfjvm.core.isa.Opcodes.BPF_NEG;
import static io.ebpfjvm.core.isa.Opcodes.BPF_OR;
import static io.ebpfjvm.core.isa.Opcodes.BPF_RSH;
import static io.ebpfjvm.core.isa.Opcodes.BPF_SUB;
import static io.ebpfjvm.core.isa.Opcodes.BPF_XOR;
import static io.ebpfjvm.verifier.scalar.RegBounds.LOW32;

import io.ebpfjvm.core.isa.Semantics;

/**
 * Scalar ALU transfer functions: the kernel's {@code adjust_scalar_min_max_vals} with its
 * {@code scalar_min_max_<op>} and {@code scalar32_min_max_<op>} helpers. Each helper updates the
 * bounds of one width; {@code var_off} is updated by the matching {@link Tnum} operation; a
 * 32-bit result is then zero-extended and every result re-synchronised.
 */
final class ScalarAlu {
    private ScalarAlu() {
    }

    static Scalar alu(Scalar dstValue, int op, int offset, Scalar src, boolean is64) {
        switch (op) {
            case BPF_MOV:
                return move(src, offset, is64);
            case BPF_DIV:
            case BPF_MOD:
                return divide(dstValue, op, offset, src, is64);
            case BPF_ADD, BPF_SUB, BPF_MUL, BPF_AND, BPF_OR, BPF_XOR, BPF_NEG, BPF_LSH, BPF_RSH, BPF_ARSH:
                break;
            default:
                throw new IllegalArgumentException("not a scalar ALU operation: 0x" + Integer.toHexString(op));
        }
        if (op != BPF_NEG && !isSafeToCompute(op, src, is64)) {
            // The kernel gives up on the whole 64-bit register, even for a 32-bit operation.
            return Scalar.unknown();
        }
        RegBounds dst = new RegBounds(dstValue);
        // Negation has no source operand; the caller may pass anything, even null.
        RegBounds s = op == BPF_NEG ? null : new RegBounds(src);
        switch (op) {
            case BPF_ADD -> {
                add32(dst, s);
                add64(dst, s);
                dst.varOff = dst.varOff.add(s.varOff);
            }
            case BPF_SUB -> {
                sub32(dst, s);
                sub64(dst, s);
                dst.varOff = dst.varOff.sub(s.varOff);
            }
            case BPF_NEG -> {
                // 0 - dst, with the old destination as the subtrahend.
                RegBounds old = new RegBounds(dstValue);
                dst.markKnown(0);
                sub32(dst, old);
                sub64(dst, old);
                dst.varOff = old.varOff.neg();
            }
            case BPF_MUL -> {
                dst.varOff = dst.varOff.mul(s.varOff);
                mul32(dst, s);
                mul64(dst, s);
            }
            case BPF_AND -> {
                dst.varOff = dst.varOff.and(s.varOff);
                and32(dst, s);
                and64(dst, s);
            }
            case BPF_OR -> {
                dst.varOff = dst.varOff.or(s.varOff);
                or32(dst, s);
                or64(dst, s);
            }
            case BPF_XOR -> {
                dst.varOff = dst.varOff.xor(s.varOff);
                xor32(dst, s);
                xor64(dst, s);
            }
            case BPF_LSH -> {
                if (is64) {
                    lsh64(dst, s);
                } else {
                    lsh32(dst, s);
                }
            }
            case BPF_RSH -> {
                if (is64) {
                    rsh64(dst, s);
                } else {
                    rsh32(dst, s);
                }
            }
            case BPF_ARSH -> {
                if (is64) {
                    arsh64(dst, s);
                } else {
                    arsh32(dst, s);
                }
            }
            default -> throw new AssertionError(op);
        }
        if (!is64) {
            dst.zext32To64();
        }
        dst.sync();
        return dst.freeze();
    }

    /**
     * The kernel's {@code is_safe_to_compute_dst_reg_range}: shifts are tracked only by a known
     * amount below the operand width (a larger one is undefined); the rest always are.
     */
    private static boolean isSafeToCompute(int op, Scalar src, boolean is64) {
        if (op != BPF_LSH && op != BPF_RSH && op != BPF_ARSH) {
            return true;
        }
        boolean srcConst;
        if (is64) {
            srcConst = src.tnum().isConst() && src.smin() == src.smax() && src.umin() == src.umax();
        } else {
            srcConst = src.tnum().isSubregConst() && src.s32min() == src.s32max() && src.u32min() == src.u32max();
        }
        // The kernel compares the 64-bit umax with the width even for 32-bit shifts.
        return srcConst && RegBounds.ult(src.umax(), is64 ? 64 : 32);
    }

    private static Scalar move(Scalar src, int offset, boolean is64) {
        if (is64) {
            return offset == 0 ? src : src.signExtend(offset);
        }
        if (offset != 0) {
            return src.signExtend32(offset);
        }
        RegBounds r = new RegBounds(src);
        r.zext32To64();
        r.sync();
        return r.freeze();
    }

    /**
     * Division and modulo: exact when both operands are known (with eBPF's rules for a zero
     * divisor), otherwise unknown. The kernel tracks neither; folding constants is sound and
     * lets constant expressions through.
     */
    private static Scalar divide(Scalar dst, int op, int offset, Scalar src, boolean is64) {
        if (is64) {
            if (dst.isConstant() && src.isConstant()) {
                return Scalar.constant(Semantics.alu64(op, offset, 0, dst.constantValue(), src.constantValue()));
            }
        } else if (dst.isSubregConstant() && src.isSubregConstant()) {
            return Scalar.constant(Semantics.alu32(op, offset, 0, false, dst.tnum().value(), src.tnum().value()));
        }
        return Scalar.unknown();
    }

    // ---- overflow helpers ----

    private static boolean addOverflows(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0;
    }

    private static boolean subOverflows(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0;
    }

    private static boolean mulOverflows(long a, long b) {
        return Math.multiplyHigh(a, b) != (a * b) >> 63;
    }

    private static boolean umulOverflows(long a, long b) {
        long hi = Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
        return hi != 0;
    }

    private static boolean fitsInt(long v) {
        return v == (int) v;
    }

    // ---- ADD ----

    static void add32(RegBounds d, RegBounds s) {
        long lo = (long) d.s32min + s.s32min;
        long hi = (long) d.s32max + s.s32max;
        if (!fitsInt(lo) || !fitsInt(hi)) {
            d.s32min = Integer.MIN_VALUE;
            d.s32max = Integer.MAX_VALUE;
        } else {
            d.s32min = (int) lo;
            d.s32max = (int) hi;
        }
        long ulo = (d.u32min & LOW32) + (s.u32min & LOW32);
        long uhi = (d.u32max & LOW32) + (s.u32max & LOW32);
        d.u32min = (int) ulo;
        d.u32max = (int) uhi;
        // Sound if all sums wrap or none does; only some wrapping loses everything.
        if (ulo <= LOW32 && uhi > LOW32) {
            d.u32min = 0;
            d.u32max = -1;
        }
    }

    static void add64(RegBounds d, RegBounds s) {
        if (addOverflows(d.smin, s.smin) || addOverflows(d.smax, s.smax)) {
            d.smin = Long.MIN_VALUE;
            d.smax = Long.MAX_VALUE;
        } else {
            d.smin += s.smin;
            d.smax += s.smax;
        }
        long lo = d.umin + s.umin;
        long hi = d.umax + s.umax;
        boolean minOverflow = RegBounds.ult(lo, d.umin);
        boolean maxOverflow = RegBounds.ult(hi, d.umax);
        d.umin = lo;
        d.umax = hi;
        if (!minOverflow && maxOverflow) {
            d.umin = 0;
            d.umax = -1L;
        }
    }

    // ---- SUB ----

    static void sub32(RegBounds d, RegBounds s) {
        long lo = (long) d.s32min - s.s32max;
        long hi = (long) d.s32max - s.s32min;
        if (!fitsInt(lo) || !fitsInt(hi)) {
            d.s32min = Integer.MIN_VALUE;
            d.s32max = Integer.MAX_VALUE;
        } else {
            d.s32min = (int) lo;
            d.s32max = (int) hi;
        }
        boolean minUnderflow = RegBounds.ult32(d.u32min, s.u32max);
        boolean maxUnderflow = RegBounds.ult32(d.u32max, s.u32min);
        d.u32min -= s.u32max;
        d.u32max -= s.u32min;
        // Sound if all differences wrap or none does.
        if (minUnderflow && !maxUnderflow) {
            d.u32min = 0;
            d.u32max = -1;
        }
    }

    static void sub64(RegBounds d, RegBounds s) {
        if (subOverflows(d.smin, s.smax) || subOverflows(d.smax, s.smin)) {
            d.smin = Long.MIN_VALUE;
            d.smax = Long.MAX_VALUE;
        } else {
            d.smin -= s.smax;
            d.smax -= s.smin;
        }
        boolean minUnderflow = RegBounds.ult(d.umin, s.umax);
        boolean maxUnderflow = RegBounds.ult(d.umax, s.umin);
        d.umin -= s.umax;
        d.umax -= s.umin;
        if (minUnderflow && !maxUnderflow) {
            d.umin = 0;
            d.umax = -1L;
        }
    }

    // ---- MUL ----

    static void mul32(RegBounds d, RegBounds s) {
        long umaxProd = (d.u32max & LOW32) * (s.u32max & LOW32);
        long uminProd = (d.u32min & LOW32) * (s.u32min & LOW32);
        // Products of two u32 values fit in 64 bits unsigned; compare them as such.
        if (RegBounds.ult(LOW32, umaxProd) || RegBounds.ult(LOW32, uminProd)) {
            d.u32min = 0;
            d.u32max = -1;
        } else {
            d.u32min = (int) uminProd;
            d.u32max = (int) umaxProd;
        }
        long p0 = (long) d.s32min * s.s32min;
        long p1 = (long) d.s32min * s.s32max;
        long p2 = (long) d.s32max * s.s32min;
        long p3 = (long) d.s32max * s.s32max;
        if (!fitsInt(p0) || !fitsInt(p1) || !fitsInt(p2) || !fitsInt(p3)) {
            d.s32min = Integer.MIN_VALUE;
            d.s32max = Integer.MAX_VALUE;
        } else {
            d.s32min = (int) Math.min(Math.min(p0, p1), Math.min(p2, p3));
            d.s32max = (int) Math.max(Math.max(p0, p1), Math.max(p2, p3));
        }
    }

    static void mul64(RegBounds d, RegBounds s) {
        if (umulOverflows(d.umax, s.umax) || umulOverflows(d.umin, s.umin)) {
            d.umin = 0;
            d.umax = -1L;
        } else {
            d.umin *= s.umin;
            d.umax *= s.umax;
        }
        if (mulOverflows(d.smin, s.smin) || mulOverflows(d.smin, s.smax)
                || mulOverflows(d.smax, s.smin) || mulOverflows(d.smax, s.smax)) {
            d.smin = Long.MIN_VALUE;
            d.smax = Long.MAX_VALUE;
        } else {
            long p0 = d.smin * s.smin;
            long p1 = d.smin * s.smax;
            long p2 = d.smax * s.smin;
            long p3 = d.smax * s.smax;
            d.smin = Math.min(Math.min(p0, p1), Math.min(p2, p3));
            d.smax = Math.max(Math.max(p0, p1), Math.max(p2, p3));
        }
    }

    // ---- AND / OR / XOR (var_off already holds the result's bits) ----

    /** Signed bounds equal the unsigned ones when those do not cross the sign bit. */
    private static void s32FromU32(RegBounds d) {
        if (d.u32min <= d.u32max) {
            d.s32min = d.u32min;
            d.s32max = d.u32max;
        } else {
            d.s32min = Integer.MIN_VALUE;
            d.s32max = Integer.MAX_VALUE;
        }
    }

    private static void s64FromU64(RegBounds d) {
        if (d.umin <= d.umax) {
            d.smin = d.umin;
            d.smax = d.umax;
        } else {
            d.smin = Long.MIN_VALUE;
            d.smax = Long.MAX_VALUE;
        }
    }

    static void and32(RegBounds d, RegBounds s) {
        Tnum t = d.varOff.subreg();
        if (s.varOff.isSubregConst() && d.varOff.isSubregConst()) {
            d.mark32Known((int) t.value());
            return;
        }
        // Minimum from the known bits, maximum no larger than either operand's.
        d.u32min = (int) t.value();
        d.u32max = RegBounds.u32minOf(d.u32max, s.u32max);
        s32FromU32(d);
    }

    static void and64(RegBounds d, RegBounds s) {
        if (s.varOff.isConst() && d.varOff.isConst()) {
            d.markKnown(d.varOff.value());
            return;
        }
        d.umin = d.varOff.value();
        d.umax = RegBounds.uminOf(d.umax, s.umax);
        s64FromU64(d);
        d.updateBounds();
    }

    static void or32(RegBounds d, RegBounds s) {
        Tnum t = d.varOff.subreg();
        if (s.varOff.isSubregConst() && d.varOff.isSubregConst()) {
            d.mark32Known((int) t.value());
            return;
        }
        // Maximum from the possible bits, minimum no smaller than either operand's.
        d.u32min = RegBounds.u32maxOf(d.u32min, s.u32min);
        d.u32max = (int) (t.value() | t.mask());
        s32FromU32(d);
    }

    static void or64(RegBounds d, RegBounds s) {
        if (s.varOff.isConst() && d.varOff.isConst()) {
            d.markKnown(d.varOff.value());
            return;
        }
        d.umin = RegBounds.umaxOf(d.umin, s.umin);
        d.umax = d.varOff.value() | d.varOff.mask();
        s64FromU64(d);
        d.updateBounds();
    }

    static void xor32(RegBounds d, RegBounds s) {
        Tnum t = d.varOff.subreg();
        if (s.varOff.isSubregConst() && d.varOff.isSubregConst()) {
            d.mark32Known((int) t.value());
            return;
        }
        d.u32min = (int) t.value();
        d.u32max = (int) (t.value() | t.mask());
        s32FromU32(d);
    }

    static void xor64(RegBounds d, RegBounds s) {
        if (s.varOff.isConst() && d.varOff.isConst()) {
            d.markKnown(d.varOff.value());
            return;
        }
        d.umin = d.varOff.value();
        d.umax = d.varOff.value() | d.varOff.mask();
        s64FromU64(d);
        d.updateBounds();
    }

    // ---- shifts (the amount is a known constant below the width) ----

    private static void lsh32Bounds(RegBounds d, long uminVal, long umaxVal) {
        // Shifting loses the sign; the tnum will recover what it can.
        d.s32min = Integer.MIN_VALUE;
        d.s32max = Integer.MAX_VALUE;
        if (umaxVal > 31 || (d.u32max & LOW32) > 1L << (31 - umaxVal)) {
            // The top bit might be shifted out.
            d.u32min = 0;
            d.u32max = -1;
        } else {
            d.u32min <<= uminVal;
            d.u32max <<= umaxVal;
        }
    }

    static void lsh32(RegBounds d, RegBounds s) {
        long uminVal = s.u32min & LOW32;
        long umaxVal = s.u32max & LOW32;
        Tnum subreg = d.varOff.subreg();
        lsh32Bounds(d, uminVal, umaxVal);
        d.varOff = subreg.lshift((int) uminVal).subreg();
        d.mark64Unbounded();
        d.update32Bounds();
    }

    private static void lsh64Bounds(RegBounds d, long uminVal, long umaxVal) {
        // "x << 32 s>> 32" sign-extends a subregister: shifting by exactly 32 moves the low half,
        // whose signed bounds are known, to the top unchanged in sign.
        if (uminVal == 32 && umaxVal == 32) {
            d.smax = (long) d.s32max << 32;
            d.smin = (long) d.s32min << 32;
        } else {
            d.smax = Long.MAX_VALUE;
            d.smin = Long.MIN_VALUE;
        }
        if (RegBounds.ult(1L << (63 - umaxVal), d.umax)) {
            d.umin = 0;
            d.umax = -1L;
        } else {
            d.umin <<= uminVal;
            d.umax <<= umaxVal;
        }
    }

    static void lsh64(RegBounds d, RegBounds s) {
        long uminVal = s.umin;
        long umaxVal = s.umax;
        // The 64-bit step reads the unshifted 32-bit bounds, so it goes first.
        lsh64Bounds(d, uminVal, umaxVal);
        lsh32Bounds(d, uminVal, umaxVal);
        d.varOff = d.varOff.lshift((int) uminVal);
        d.updateBounds();
    }

    static void rsh32(RegBounds d, RegBounds s) {
        Tnum subreg = d.varOff.subreg();
        int uminVal = s.u32min;
        int umaxVal = s.u32max;
        // A logical shift of a possibly negative value can land anywhere in the signed range;
        // the unsigned bounds and the tnum carry what is known.
        d.s32min = Integer.MIN_VALUE;
        d.s32max = Integer.MAX_VALUE;
        d.varOff = subreg.rshift(uminVal);
        d.u32min >>>= umaxVal;
        d.u32max >>>= uminVal;
        d.mark64Unbounded();
        d.update32Bounds();
    }

    static void rsh64(RegBounds d, RegBounds s) {
        int uminVal = (int) s.umin;
        int umaxVal = (int) s.umax;
        d.smin = Long.MIN_VALUE;
        d.smax = Long.MAX_VALUE;
        d.varOff = d.varOff.rshift(uminVal);
        d.umin >>>= umaxVal;
        d.umax >>>= uminVal;
        // Bits shifted into the low half are not tracked by the 32-bit bounds: recompute them.
        d.mark32Unbounded();
        d.updateBounds();
    }

    static void arsh32(RegBounds d, RegBounds s) {
        int shift = s.u32min;
        d.s32min >>= shift;
        d.s32max >>= shift;
        d.varOff = d.varOff.subreg().arshift(shift, 32);
        d.u32min = 0;
        d.u32max = -1;
        d.mark64Unbounded();
        d.update32Bounds();
    }

    static void arsh64(RegBounds d, RegBounds s) {
        int shift = (int) s.umin;
        d.smin >>= shift;
        d.smax >>= shift;
        d.varOff = d.varOff.arshift(shift, 64);
        d.umin = 0;
        d.umax = -1L;
        d.mark32Unbounded();
        d.updateBounds();
    }
}
