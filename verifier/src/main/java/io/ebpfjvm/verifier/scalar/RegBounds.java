package io.ebpfjvm.verifier.scalar;

/**
 * The mutable working copy of a scalar register's range state (the scalar part of the kernel's
 * {@code struct bpf_reg_state}) while one transfer function runs. Its methods are the kernel's
 * bound bookkeeping steps: learning bounds from {@code var_off}, deducing signed from unsigned
 * bounds and 64-bit from 32-bit ones and back, and learning {@code var_off} from the bounds.
 * {@link Scalar} freezes the result.
 *
 * <p>32-bit unsigned bounds live in {@code int}s and are compared with
 * {@link Integer#compareUnsigned}; 64-bit unsigned bounds likewise with {@link Long}.
 */
final class RegBounds {
    static final long LOW32 = 0xffffffffL;
    static final long HIGH32 = ~LOW32;

    Tnum varOff;
    long smin;
    long smax;
    long umin;
    long umax;
    int s32min;
    int s32max;
    int u32min;
    int u32max;
    /** Set once some step proved that no value is possible (only after a refinement). */
    private boolean empty;

    RegBounds(Scalar s) {
        varOff = s.tnum();
        smin = s.smin();
        smax = s.smax();
        umin = s.umin();
        umax = s.umax();
        s32min = s.s32min();
        s32max = s.s32max();
        u32min = s.u32min();
        u32max = s.u32max();
    }

    private RegBounds() {
    }

    static RegBounds unknown() {
        RegBounds r = new RegBounds();
        r.markUnknown();
        return r;
    }

    Scalar freeze() {
        return new Scalar(varOff, smin, smax, umin, umax, s32min, s32max, u32min, u32max);
    }

    // ---- unsigned helpers ----

    static long umaxOf(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    static long uminOf(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    static int u32maxOf(int a, int b) {
        return Integer.compareUnsigned(a, b) >= 0 ? a : b;
    }

    static int u32minOf(int a, int b) {
        return Integer.compareUnsigned(a, b) <= 0 ? a : b;
    }

    static boolean ult(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }

    static boolean ule(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0;
    }

    static boolean ult32(int a, int b) {
        return Integer.compareUnsigned(a, b) < 0;
    }

    static boolean ule32(int a, int b) {
        return Integer.compareUnsigned(a, b) <= 0;
    }

    // ---- marking (kernel __mark_reg_*) ----

    /** {@code __mark_reg_known}: exactly {@code v}. */
    void markKnown(long v) {
        varOff = Tnum.constant(v);
        smin = smax = v;
        umin = umax = v;
        s32min = s32max = (int) v;
        u32min = u32max = (int) v;
    }

    /** {@code __mark_reg32_known}: the low half is exactly {@code v}; the upper half keeps its tnum. */
    void mark32Known(int v) {
        varOff = varOff.withConstSubreg(v);
        s32min = s32max = v;
        u32min = u32max = v;
    }

    /** {@code __mark_reg_unknown} for a scalar: nothing known. */
    void markUnknown() {
        varOff = Tnum.UNKNOWN;
        mark64Unbounded();
        mark32Unbounded();
    }

    void mark64Unbounded() {
        smin = Long.MIN_VALUE;
        smax = Long.MAX_VALUE;
        umin = 0;
        umax = -1L;
    }

    void mark32Unbounded() {
        s32min = Integer.MIN_VALUE;
        s32max = Integer.MAX_VALUE;
        u32min = 0;
        u32max = -1;
    }

    // ---- learning bounds from var_off (__update_reg_bounds) ----

    void update32Bounds() {
        Tnum t = varOff.subreg();
        int v = (int) t.value();
        int m = (int) t.mask();
        // signed min: sign bit set if it may be, other bits at their minimum
        s32min = Math.max(s32min, v | (m & Integer.MIN_VALUE));
        s32max = Math.min(s32max, v | (m & Integer.MAX_VALUE));
        u32min = u32maxOf(u32min, v);
        u32max = u32minOf(u32max, v | m);
    }

    void update64Bounds() {
        long v = varOff.value();
        long m = varOff.mask();
        smin = Math.max(smin, v | (m & Long.MIN_VALUE));
        smax = Math.min(smax, v | (m & Long.MAX_VALUE));
        umin = umaxOf(umin, v);
        umax = uminOf(umax, v | m);
        // When the u64 range and the tnum share a single value, the register is that value.
        long next = varOff.step(umin);
        boolean uminInTnum = varOff.contains(umin);
        long tmax = v | m;
        if (uminInTnum && ult(umax, next)) {
            collapseTo(umin);
        } else if (!uminInTnum && next == tmax) {
            collapseTo(tmax);
        } else if (!uminInTnum && ule(next, umax) && ult(umax, varOff.step(next))) {
            collapseTo(next);
        }
    }

    /**
     * The only value the tnum and the u64 range share is {@code v}: the register is {@code v},
     * unless some other bound rules it out too, in which case no value is possible at all.
     * (The kernel marks {@code v} known regardless; on such a dead path keeping the state
     * visibly empty lets the caller prune it.)
     */
    private void collapseTo(long v) {
        if (admits(v)) {
            markKnown(v);
        } else {
            markEmpty();
        }
    }

    /** Whether {@code v} satisfies the tnum and all eight bounds. */
    boolean admits(long v) {
        int lo = (int) v;
        return varOff.contains(v)
                && smin <= v && v <= smax && ule(umin, v) && ule(v, umax)
                && s32min <= lo && lo <= s32max && ule32(u32min, lo) && ule32(lo, u32max);
    }

    /** No value is possible; remembered, since later steps may rewrite the bounds. */
    void markEmpty() {
        empty = true;
    }

    /**
     * Every step of {@link #sync()} keeps all possible values, so a pair of crossed bounds at
     * any point proves there are none; some later steps assign bounds and could hide it.
     */
    private void noteCrossedBounds() {
        if (ult(umax, umin) || smin > smax || ult32(u32max, u32min) || s32min > s32max) {
            empty = true;
        }
    }

    void updateBounds() {
        update32Bounds();
        update64Bounds();
    }

    // ---- deducing bounds from each other (__reg_deduce_bounds) ----

    void deduce32Bounds() {
        // If the upper halves of the u64 range agree, its low halves form a u32 range.
        if ((umin >>> 32) == (umax >>> 32)) {
            u32min = u32maxOf(u32min, (int) umin);
            u32max = u32minOf(u32max, (int) umax);
            if ((int) umin <= (int) umax) {
                s32min = Math.max(s32min, (int) umin);
                s32max = Math.min(s32max, (int) umax);
            }
        }
        if ((smin >> 32) == (smax >> 32)) {
            if (ule32((int) smin, (int) smax)) {
                u32min = u32maxOf(u32min, (int) smin);
                u32max = u32minOf(u32max, (int) smax);
            }
            if ((int) smin <= (int) smax) {
                s32min = Math.max(s32min, (int) smin);
                s32max = Math.min(s32max, (int) smax);
            }
        }
        // Upper halves differing by one (0xffffffff -> 0 included) while the low halves go from
        // negative to non-negative: the low halves still form one s32 range across zero.
        if ((int) (umin >>> 32) + 1 == (int) (umax >>> 32) && (int) umin < 0 && (int) umax >= 0) {
            s32min = Math.max(s32min, (int) umin);
            s32max = Math.min(s32max, (int) umax);
        }
        if ((int) (smin >> 32) + 1 == (int) (smax >> 32) && (int) smin < 0 && (int) smax >= 0) {
            s32min = Math.max(s32min, (int) smin);
            s32max = Math.min(s32max, (int) smax);
        }
        // A u32 range that does not cross the sign bit is also an s32 range, and vice versa.
        if (u32min <= u32max) {
            s32min = Math.max(s32min, u32min);
            s32max = Math.min(s32max, u32max);
        }
        if (ule32(s32min, s32max)) {
            u32min = u32maxOf(s32min, u32min);
            u32max = u32minOf(s32max, u32max);
        } else {
            // The s32 range wraps around the u32 domain; see deduce64Bounds.
            if (ult32(u32max, s32min)) {
                s32min = u32min;
                u32max = u32minOf(u32max, s32max);
            } else if (ult32(s32max, u32min)) {
                s32max = u32max;
                u32min = u32maxOf(u32min, s32min);
            }
        }
    }

    void deduce64Bounds() {
        if (umin <= umax) {
            smin = Math.max(smin, umin);
            smax = Math.min(smax, umax);
        }
        if (ule(smin, smax)) {
            umin = umaxOf(smin, umin);
            umax = uminOf(smax, umax);
        } else {
            // The signed range wraps around the unsigned domain as [0, smax] and [smin, U64_MAX].
            // An unsigned range meeting only one of the two pieces lies within that piece.
            if (ult(umax, smin)) {
                // Only the non-negative piece: [umin, min(umax, smax)], all non-negative.
                smin = umin;
                umax = uminOf(umax, smax);
            } else if (ult(smax, umin)) {
                // Only the negative piece: [max(umin, smin), umax], all negative.
                smax = umax;
                umin = umaxOf(umin, smin);
            }
        }
    }

    void deduceMixedBounds() {
        // The u32 range pins the low half of the 64-bit bounds' end points.
        long newUmin = (umin & HIGH32) | (u32min & LOW32);
        long newUmax = (umax & HIGH32) | (u32max & LOW32);
        umin = umaxOf(umin, newUmin);
        umax = uminOf(umax, newUmax);
        long newSmin = (smin & HIGH32) | (u32min & LOW32);
        long newSmax = (smax & HIGH32) | (u32max & LOW32);
        smin = Math.max(smin, newSmin);
        smax = Math.min(smax, newSmax);
        // A non-negative s32 range inside the s32-representable 64-bit range (upper half all
        // zeros or all ones) fixes the upper half to zero: e.g. after a sign-extending load.
        if (s32min >= 0 && smin >= Integer.MIN_VALUE && smax <= Integer.MAX_VALUE) {
            smin = s32min;
            smax = s32max;
            umin = s32min;
            umax = s32max;
            varOff = meet(varOff, Tnum.range(smin, smax));
        }
    }

    void deduceBounds() {
        deduce32Bounds();
        deduce64Bounds();
        deduceMixedBounds();
    }

    // ---- learning var_off from the bounds (__reg_bound_offset) ----

    void boundOffset() {
        Tnum var64 = meet(varOff, Tnum.range(umin, umax));
        Tnum var32 = meet(var64.subreg(), Tnum.range(u32min & LOW32, u32max & LOW32));
        varOff = var64.clearSubreg().or(var32);
    }

    /**
     * {@code tnum_intersect}, noting when the two disagree on a known bit: then no value fits
     * both (the kernel intersects regardless, which can only happen on a dead path).
     */
    private Tnum meet(Tnum a, Tnum b) {
        if (!a.overlaps(b)) {
            markEmpty();
        }
        return a.intersect(b);
    }

    /** {@code reg_bounds_sync}: let var_off and the eight bounds tighten each other. */
    void sync() {
        noteCrossedBounds();
        updateBounds();
        noteCrossedBounds();
        // Three rounds, as the kernel does: fewer do not reach a fixed point in all cases.
        for (int round = 0; round < 3; round++) {
            deduceBounds();
            noteCrossedBounds();
        }
        boundOffset();
        updateBounds();
        noteCrossedBounds();
    }

    // ---- 32-bit results (zext_32_to_64) ----

    /** The 64-bit state of a zero-extended 32-bit result. */
    void zext32To64() {
        varOff = varOff.subreg();
        umin = u32min & LOW32;
        umax = u32max & LOW32;
        // Non-negative s32 bounds carry over; otherwise the full u32 range.
        if (s32min >= 0 && s32max >= 0) {
            smin = s32min;
            smax = s32max;
        } else {
            smin = 0;
            smax = LOW32;
        }
    }

    /**
     * The kernel's {@code reg_bounds_sanity_check}: false when the bounds contradict each other
     * or the tnum, which after a sound refinement means no value is possible.
     */
    boolean isConsistent() {
        if (empty || ult(umax, umin) || smin > smax || ult32(u32max, u32min) || s32min > s32max) {
            return false;
        }
        if (varOff.isConst()) {
            long v = varOff.value();
            if (umin != v || umax != v || smin != v || smax != v) {
                return false;
            }
        }
        if (varOff.isSubregConst()) {
            int v = (int) varOff.value();
            if (u32min != v || u32max != v || s32min != v || s32max != v) {
                return false;
            }
        }
        return true;
    }
}
