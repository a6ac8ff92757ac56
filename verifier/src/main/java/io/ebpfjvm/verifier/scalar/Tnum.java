package io.ebpfjvm.verifier.scalar;

/**
 * A tristate number ("tnum"), the kernel verifier's bit-level abstraction of a 64-bit value:
 * every bit set in {@code mask} is unknown, every other bit is known and equal to the same bit
 * of {@code value}. The operations follow kernel/bpf/tnum.c, so a register's {@code var_off}
 * evolves here exactly as in the kernel's verifier log.
 *
 * <p>Invariant: {@code (value & mask) == 0}. The compact constructor enforces it by clearing
 * unknown bits from {@code value}, which keeps every operation total.
 *
 * @param value the known bits (zero where unknown)
 * @param mask  the unknown bits
 */
public record Tnum(long value, long mask) {

    /** The tnum with no known bit. */
    public static final Tnum UNKNOWN = new Tnum(0, -1L);

    private static final long LOW32 = 0xffffffffL;

    public Tnum {
        value &= ~mask;
    }

    /** Exactly {@code v}. */
    public static Tnum constant(long v) {
        return new Tnum(v, 0);
    }

    /** The tnum with no known bit. */
    public static Tnum unknown() {
        return UNKNOWN;
    }

    /**
     * The smallest tnum holding every unsigned value in {@code [min, max]}: the bits above the
     * highest bit where the two bounds differ are known, the rest unknown.
     */
    public static Tnum range(long min, long max) {
        long chi = min ^ max;
        int bits = 64 - Long.numberOfLeadingZeros(chi);
        if (bits > 63) {
            return UNKNOWN;
        }
        long delta = (1L << bits) - 1;
        return new Tnum(min & ~delta, delta);
    }

    public boolean isConst() {
        return mask == 0;
    }

    public boolean isUnknown() {
        return mask == -1L;
    }

    /** Whether every value of this tnum is a multiple of {@code size} (a power of two). */
    public boolean isAligned(long size) {
        if (size == 0) {
            return true;
        }
        return ((value | mask) & (size - 1)) == 0;
    }

    public Tnum lshift(int shift) {
        return new Tnum(value << shift, mask << shift);
    }

    public Tnum rshift(int shift) {
        return new Tnum(value >>> shift, mask >>> shift);
    }

    /**
     * Arithmetic right shift; for {@code insnBitness == 32} the low halves are shifted as
     * signed 32-bit numbers and the result is zero-extended, as the 32-bit instruction does.
     */
    public Tnum arshift(int shift, int insnBitness) {
        if (insnBitness == 32) {
            return new Tnum((((int) value) >> shift) & LOW32, (((int) mask) >> shift) & LOW32);
        }
        return new Tnum(value >> shift, mask >> shift);
    }

    /** Sum: unknown bits and every bit a carry may reach are unknown. */
    public Tnum add(Tnum b) {
        long sm = mask + b.mask;
        long sv = value + b.value;
        long sigma = sm + sv;
        long chi = sigma ^ sv;
        long mu = chi | mask | b.mask;
        return new Tnum(sv & ~mu, mu);
    }

    /** Difference: unknown bits and every bit a borrow may reach are unknown. */
    public Tnum sub(Tnum b) {
        long dv = value - b.value;
        long alpha = dv + mask;
        long beta = dv - b.mask;
        long chi = alpha ^ beta;
        long mu = chi | mask | b.mask;
        return new Tnum(dv & ~mu, mu);
    }

    /** Two's complement negation, {@code 0 - this}. */
    public Tnum neg() {
        return constant(0).sub(this);
    }

    public Tnum and(Tnum b) {
        long alpha = value | mask;
        long beta = b.value | b.mask;
        long v = value & b.value;
        return new Tnum(v, alpha & beta & ~v);
    }

    public Tnum or(Tnum b) {
        long v = value | b.value;
        long mu = mask | b.mask;
        return new Tnum(v, mu & ~v);
    }

    public Tnum xor(Tnum b) {
        long v = value ^ b.value;
        long mu = mask | b.mask;
        return new Tnum(v & ~mu, mu);
    }

    /**
     * Product by long multiplication: the known part of the product is exact, and each partial
     * product that an unknown or known-one bit of {@code this} contributes is added as unknown.
     */
    public Tnum mul(Tnum b) {
        Tnum a = this;
        long accV = a.value * b.value;
        Tnum accM = constant(0);
        while (a.value != 0 || a.mask != 0) {
            if ((a.value & 1) != 0) {
                accM = accM.add(new Tnum(0, b.mask));
            } else if ((a.mask & 1) != 0) {
                accM = accM.add(new Tnum(0, b.value | b.mask));
            }
            a = a.rshift(1);
            b = b.lshift(1);
        }
        return constant(accV).add(accM);
    }

    /** The values both tnums allow (meaningful when they share at least one value). */
    public Tnum intersect(Tnum b) {
        long v = value | b.value;
        long mu = mask & b.mask;
        return new Tnum(v & ~mu, mu);
    }

    /** Whether some value belongs to both tnums: no bit is known in both and known different. */
    public boolean overlaps(Tnum b) {
        long known = ~mask & ~b.mask;
        return (value & known) == (b.value & known);
    }

    /**
     * The smallest value of this tnum above {@code z} (unsigned); the largest value if there is
     * none, the smallest if {@code z} is below it (the kernel's {@code tnum_step}).
     */
    public long step(long z) {
        long tmax = value | mask;
        if (Long.compareUnsigned(z, tmax) >= 0) {
            return tmax;
        }
        if (Long.compareUnsigned(z, value) < 0) {
            return value;
        }
        // Members are value + s for submasks s of mask: find the least submask above z - value
        // by incrementing it with every non-mask position filled so the carry ripples through.
        long d = z - value;
        long carryMask = (1L << (64 - Long.numberOfLeadingZeros(d & ~mask))) - 1;
        long filled = d | carryMask | ~mask;
        return value | ((filled + 1) & mask);
    }

    /** Truncation to the low {@code bytes} bytes (1, 2, 4 or 8), zero-extended. */
    public Tnum cast(int bytes) {
        if (bytes >= 8) {
            return this;
        }
        long keep = (1L << (bytes * 8)) - 1;
        return new Tnum(value & keep, mask & keep);
    }

    /** Whether every value of {@code b} is a value of this tnum. */
    public boolean in(Tnum b) {
        if ((b.mask & ~mask) != 0) {
            return false;
        }
        return value == (b.value & ~mask);
    }

    /** Whether the concrete value {@code v} is a value of this tnum. */
    public boolean contains(long v) {
        return (v & ~mask) == value;
    }

    /** The low 32 bits (the 32-bit subregister), zero-extended. */
    public Tnum subreg() {
        return cast(4);
    }

    /** This tnum with its low 32 bits known to be zero. */
    public Tnum clearSubreg() {
        return rshift(32).lshift(32);
    }

    /** The upper 32 bits of this tnum with the low 32 bits of {@code subreg}. */
    public Tnum withSubreg(Tnum subreg) {
        return clearSubreg().or(subreg.subreg());
    }

    /** The upper 32 bits of this tnum with the low 32 bits known to be {@code v}'s. */
    public Tnum withConstSubreg(int v) {
        return withSubreg(constant(v & LOW32));
    }

    public boolean isSubregConst() {
        return (mask & LOW32) == 0;
    }

    /**
     * Byte swap of the low {@code bits} bits (16, 32 or 64), zero-extended. A swap only moves
     * bits, so it is exact on value and mask alike.
     */
    public Tnum byteSwap(int bits) {
        return switch (bits) {
            case 16 -> new Tnum(Short.reverseBytes((short) value) & 0xffffL, Short.reverseBytes((short) mask) & 0xffffL);
            case 32 -> new Tnum(Integer.reverseBytes((int) value) & LOW32, Integer.reverseBytes((int) mask) & LOW32);
            case 64 -> new Tnum(Long.reverseBytes(value), Long.reverseBytes(mask));
            default -> throw new IllegalArgumentException("byte swap width must be 16, 32 or 64: " + bits);
        };
    }

    /** The kernel's {@code tnum_strn} form, e.g. {@code (0x0; 0xff)}. */
    @Override
    public String toString() {
        return "(0x" + Long.toHexString(value) + "; 0x" + Long.toHexString(mask) + ")";
    }
}
