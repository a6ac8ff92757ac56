package io.ebpfjvm.verifier.scalar;

import java.util.Objects;

/**
 * The abstract value of a scalar register, as the kernel verifier tracks it: a {@link Tnum}
 * ({@code var_off}) together with signed and unsigned bounds of the 64-bit value and of its low
 * 32 bits. Every concrete value the register may hold lies within all nine. Immutable; the
 * transfer functions return new instances.
 *
 * <p>The 32-bit bounds are {@code int}s: {@link #u32min()} and {@link #u32max()} hold unsigned
 * values and must be compared with {@link Integer#compareUnsigned}, like {@link #umin()} and
 * {@link #umax()} with {@link Long#compareUnsigned}.
 */
public final class Scalar {
    private static final Scalar UNKNOWN = RegBounds.unknown().freeze();
    private static final Scalar UNKNOWN32 = UNKNOWN.zeroExtend(4);

    private final Tnum varOff;
    private final long smin;
    private final long smax;
    private final long umin;
    private final long umax;
    private final int s32min;
    private final int s32max;
    private final int u32min;
    private final int u32max;

    Scalar(Tnum varOff, long smin, long smax, long umin, long umax,
           int s32min, int s32max, int u32min, int u32max) {
        this.varOff = Objects.requireNonNull(varOff, "varOff");
        this.smin = smin;
        this.smax = smax;
        this.umin = umin;
        this.umax = umax;
        this.s32min = s32min;
        this.s32max = s32max;
        this.u32min = u32min;
        this.u32max = u32max;
    }

    // ---- factories ----

    /** Exactly {@code v}. */
    public static Scalar constant(long v) {
        RegBounds r = RegBounds.unknown();
        r.markKnown(v);
        return r.freeze();
    }

    /** Any 64-bit value. */
    public static Scalar unknown() {
        return UNKNOWN;
    }

    /** Any value whose upper 32 bits are zero (the result of a 32-bit load or operation). */
    public static Scalar unknown32() {
        return UNKNOWN32;
    }

    /** The values the tnum allows, with bounds learned from it. */
    public static Scalar of(Tnum t) {
        RegBounds r = RegBounds.unknown();
        r.varOff = t;
        r.sync();
        return r.freeze();
    }

    /** Any value in the unsigned range {@code [min, max]} (compared unsigned). */
    public static Scalar unsignedRange(long min, long max) {
        if (RegBounds.ult(max, min)) {
            throw new IllegalArgumentException("empty unsigned range: " + Long.toUnsignedString(min)
                    + ".." + Long.toUnsignedString(max));
        }
        RegBounds r = RegBounds.unknown();
        r.umin = min;
        r.umax = max;
        r.sync();
        return r.freeze();
    }

    /** Any value in the signed range {@code [min, max]}. */
    public static Scalar signedRange(long min, long max) {
        if (max < min) {
            throw new IllegalArgumentException("empty signed range: " + min + ".." + max);
        }
        RegBounds r = RegBounds.unknown();
        r.smin = min;
        r.smax = max;
        r.sync();
        return r.freeze();
    }

    // ---- accessors ----

    /** The known and unknown bits ({@code var_off}). */
    public Tnum tnum() {
        return varOff;
    }

    public long smin() {
        return smin;
    }

    public long smax() {
        return smax;
    }

    /** Unsigned lower bound (compare with {@link Long#compareUnsigned}). */
    public long umin() {
        return umin;
    }

    /** Unsigned upper bound (compare with {@link Long#compareUnsigned}). */
    public long umax() {
        return umax;
    }

    public int s32min() {
        return s32min;
    }

    public int s32max() {
        return s32max;
    }

    /** Unsigned lower bound of the low 32 bits (compare with {@link Integer#compareUnsigned}). */
    public int u32min() {
        return u32min;
    }

    /** Unsigned upper bound of the low 32 bits (compare with {@link Integer#compareUnsigned}). */
    public int u32max() {
        return u32max;
    }

    /** Whether exactly one value is possible (the kernel's {@code tnum_is_const(var_off)}). */
    public boolean isConstant() {
        return varOff.isConst();
    }

    /** The only possible value; fails unless {@link #isConstant()}. */
    public long constantValue() {
        if (!isConstant()) {
            throw new IllegalStateException("not a constant: " + this);
        }
        return varOff.value();
    }

    /** Whether the low 32 bits are known. */
    public boolean isSubregConstant() {
        return varOff.isSubregConst();
    }

    /** Whether nothing at all is known (every field at its default). */
    public boolean isUnknown() {
        return equals(UNKNOWN);
    }

    /** Whether {@code v} satisfies every one of the nine components. */
    public boolean contains(long v) {
        int lo = (int) v;
        return varOff.contains(v)
                && smin <= v && v <= smax
                && RegBounds.ule(umin, v) && RegBounds.ule(v, umax)
                && s32min <= lo && lo <= s32max
                && RegBounds.ule32(u32min, lo) && RegBounds.ule32(lo, u32max);
    }

    // ---- transfer functions ----

    /**
     * The value of {@code this op src} for an ALU instruction with offset 0 (unsigned division,
     * plain move). {@code op} is the operation bits ({@code Opcodes.BPF_ADD} .. {@code BPF_ARSH});
     * for {@code BPF_NEG} and {@code BPF_MOV}'s destination, {@code src}/{@code this} is ignored
     * as the instruction ignores it. 32-bit operations ({@code is64 == false}) zero-extend.
     */
    public Scalar alu(int op, Scalar src, boolean is64) {
        return ScalarAlu.alu(this, op, 0, src, is64);
    }

    /**
     * As {@link #alu(int, Scalar, boolean)} with the instruction's offset field: offset 1 selects
     * signed division and modulo ({@code sdiv}/{@code smod}); for {@code BPF_MOV}, offsets 8, 16
     * and 32 are the sign-extending moves ({@code movsx}).
     */
    public Scalar alu(int op, int offset, Scalar src, boolean is64) {
        return ScalarAlu.alu(this, op, offset, src, is64);
    }

    /** The 64-bit sign extension of the low {@code fromBits} bits (8, 16, 32): movsx, ldsx. */
    public Scalar signExtend(int fromBits) {
        return ScalarCasts.signExtend64(this, fromBits);
    }

    /** The 32-bit sign extension of the low {@code fromBits} bits (8, 16), zero-extended: movsx32. */
    public Scalar signExtend32(int fromBits) {
        return ScalarCasts.signExtend32(this, fromBits);
    }

    /** The low {@code bytes} bytes (1, 2, 4, 8), zero-extended: the value of a narrow load. */
    public Scalar zeroExtend(int bytes) {
        return ScalarCasts.zeroExtend(this, bytes);
    }

    /**
     * A {@code BPF_END} instruction on a little-endian machine: with {@code toBigEndian} (and for
     * the unconditional 64-bit-class {@code bswap}) the low {@code bits} bits are byte-swapped,
     * otherwise they are only truncated; the result is zero-extended either way.
     */
    public Scalar byteSwap(int bits, boolean toBigEndian) {
        return ScalarCasts.byteSwap(this, bits, toBigEndian);
    }

    /**
     * Whether the conditional jump {@code dst jmpOp src} is taken, and what each successor learns
     * about both operands (the kernel's {@code is_branch_taken} and {@code reg_set_min_max}).
     * {@code is32} selects the {@code BPF_JMP32} class, which compares the low halves.
     */
    public static Refinement refine(int jmpOp, Scalar dst, Scalar src, boolean is32) {
        return BranchRefiner.refine(jmpOp, dst, src, is32);
    }

    /**
     * Whether every value this scalar allows is allowed by {@code old}: the kernel's state-pruning
     * test for scalars ({@code range_within} and {@code tnum_in}).
     */
    public boolean within(Scalar old) {
        return RegBounds.ule(old.umin, umin) && RegBounds.ule(umax, old.umax)
                && old.smin <= smin && smax <= old.smax
                && RegBounds.ule32(old.u32min, u32min) && RegBounds.ule32(u32max, old.u32max)
                && old.s32min <= s32min && s32max <= old.s32max
                && old.varOff.in(varOff);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scalar s
                && varOff.equals(s.varOff)
                && smin == s.smin && smax == s.smax && umin == s.umin && umax == s.umax
                && s32min == s.s32min && s32max == s.s32max && u32min == s.u32min && u32max == s.u32max;
    }

    @Override
    public int hashCode() {
        int h = varOff.hashCode();
        h = 31 * h + Long.hashCode(smin);
        h = 31 * h + Long.hashCode(smax);
        h = 31 * h + Long.hashCode(umin);
        h = 31 * h + Long.hashCode(umax);
        h = 31 * h + s32min;
        h = 31 * h + s32max;
        h = 31 * h + u32min;
        return 31 * h + u32max;
    }

    /**
     * The kernel's verifier-log form: a constant prints as a number, anything else as
     * {@code scalar(...)} listing only the non-default bounds, equal ones merged
     * ({@code smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff)}).
     */
    @Override
    public String toString() {
        return ScalarFormat.format(this);
    }

    /**
     * The fields the kernel prints inside {@code scalar(...)} for this value, without the
     * parentheses (empty for an unknown scalar), for callers that put their own fields, such
     * as {@code id=}, in front: {@code smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff)}.
     * Unlike {@link #toString()}, a constant is printed as ranges too.
     */
    public String rangesText() {
        return ScalarFormat.ranges(this);
    }
}
