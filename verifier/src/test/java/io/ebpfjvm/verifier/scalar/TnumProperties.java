package io.ebpfjvm.verifier.scalar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Every tnum operation keeps every concrete result of its operands' members. */
class TnumProperties {

    /** A tnum and one of its members. */
    record Member(Tnum t, long x) {
    }

    @Provide
    Arbitrary<Member> members() {
        return Combinators.combine(Abstracts.longs(), Abstracts.masks()).as((x, m) -> new Member(new Tnum(x, m), x));
    }

    @Provide
    Arbitrary<Long> longs() {
        return Abstracts.longs();
    }

    @Property
    void memberBelongs(@ForAll("members") Member a) {
        assertTrue(a.t().contains(a.x()));
        assertEquals(0, a.t().value() & a.t().mask());
    }

    @Property
    void arithmeticIsSound(@ForAll("members") Member a, @ForAll("members") Member b) {
        long x = a.x();
        long y = b.x();
        assertTrue(a.t().add(b.t()).contains(x + y), "add");
        assertTrue(a.t().sub(b.t()).contains(x - y), "sub");
        assertTrue(a.t().mul(b.t()).contains(x * y), "mul");
        assertTrue(a.t().neg().contains(-x), "neg");
        assertTrue(a.t().and(b.t()).contains(x & y), "and");
        assertTrue(a.t().or(b.t()).contains(x | y), "or");
        assertTrue(a.t().xor(b.t()).contains(x ^ y), "xor");
    }

    @Property
    void constantsStayExact(@ForAll("longs") long x, @ForAll("longs") long y) {
        Tnum a = Tnum.constant(x);
        Tnum b = Tnum.constant(y);
        assertEquals(Tnum.constant(x + y), a.add(b));
        assertEquals(Tnum.constant(x - y), a.sub(b));
        assertEquals(Tnum.constant(x * y), a.mul(b));
        assertEquals(Tnum.constant(x & y), a.and(b));
        assertEquals(Tnum.constant(x | y), a.or(b));
        assertEquals(Tnum.constant(x ^ y), a.xor(b));
    }

    @Property
    void shiftsAndCastsAreSound(@ForAll("members") Member a, @ForAll @IntRange(min = 0, max = 63) int s) {
        long x = a.x();
        assertTrue(a.t().lshift(s).contains(x << s));
        assertTrue(a.t().rshift(s).contains(x >>> s));
        assertTrue(a.t().arshift(s, 64).contains(x >> s));
        assertTrue(a.t().arshift(s & 31, 32).contains((((int) x) >> (s & 31)) & 0xffffffffL));
        assertTrue(a.t().cast(1).contains(x & 0xff));
        assertTrue(a.t().cast(2).contains(x & 0xffff));
        assertTrue(a.t().subreg().contains(x & 0xffffffffL));
        assertTrue(a.t().clearSubreg().contains(x & 0xffffffff00000000L));
        assertTrue(a.t().byteSwap(16).contains(Short.reverseBytes((short) x) & 0xffffL));
        assertTrue(a.t().byteSwap(32).contains(Integer.reverseBytes((int) x) & 0xffffffffL));
        assertTrue(a.t().byteSwap(64).contains(Long.reverseBytes(x)));
    }

    @Property
    void subregisterSplicing(@ForAll("members") Member a, @ForAll("members") Member b) {
        long spliced = (a.x() & 0xffffffff00000000L) | (b.x() & 0xffffffffL);
        assertTrue(a.t().withSubreg(b.t()).contains(spliced));
        assertTrue(a.t().withConstSubreg((int) b.x()).contains(spliced));
    }

    @Property
    void rangeHoldsItsInterval(@ForAll("longs") long lo, @ForAll("longs") long span, @ForAll("longs") long pick) {
        long hi = lo + (span & 0xffffffffffL);
        if (Long.compareUnsigned(hi, lo) < 0) {
            hi = -1L;
        }
        Tnum r = Tnum.range(lo, hi);
        long width = hi - lo;
        long inside = width == -1L ? pick : lo + Long.remainderUnsigned(pick, width + 1);
        assertTrue(r.contains(lo));
        assertTrue(r.contains(hi));
        assertTrue(r.contains(inside));
    }

    @Property
    void intersectAndOverlapAgreeWithCommonMembers(@ForAll("members") Member a, @ForAll("masks") long m) {
        // Another tnum around the same member: the two overlap and their intersection keeps it.
        Tnum b = new Tnum(a.x(), m);
        assertTrue(a.t().overlaps(b));
        assertTrue(a.t().intersect(b).contains(a.x()));
        assertTrue(a.t().intersect(b).in(Tnum.constant(a.x())));
    }

    @Provide
    Arbitrary<Long> masks() {
        return Abstracts.masks();
    }

    @Property
    void disjointKnownBitsDoNotOverlap(@ForAll("members") Member a, @ForAll @IntRange(min = 0, max = 63) int bit) {
        long b = 1L << bit;
        if ((a.t().mask() & b) == 0) {
            Tnum flipped = new Tnum(a.t().value() ^ b, a.t().mask());
            assertTrue(!a.t().overlaps(flipped));
            assertTrue(!flipped.contains(a.x()));
        }
    }

    @Property
    void inMeansSubset(@ForAll("members") Member a, @ForAll("masks") long extra) {
        Tnum wider = new Tnum(a.t().value(), a.t().mask() | extra);
        assertTrue(wider.in(a.t()));
        assertTrue(wider.contains(a.x()));
        assertEquals(extra == (extra & a.t().mask()), a.t().in(wider));
    }

    @Property
    void rangeIsTheTightestTnumForSmallIntervals(@ForAll @IntRange(min = 0, max = 4096) int lo,
                                                 @ForAll @IntRange(min = 0, max = 64) int width) {
        Tnum r = Tnum.range(lo, lo + width);
        // Every bit known in the result is shared by all values of the interval...
        for (long v = lo; v <= lo + width; v++) {
            assertTrue(r.contains(v));
        }
        // ...and the mask is exactly the bits below the highest differing bit of the bounds.
        long chi = lo ^ (lo + width);
        long expectedMask = chi == 0 ? 0 : (Long.highestOneBit(chi) << 1) - 1;
        assertEquals(expectedMask, r.mask());
    }

    @Property
    void stepFindsTheNextMember(@ForAll @IntRange(min = 0, max = 0xff) int value, @ForAll @IntRange(min = 0, max = 0xff) int mask,
                                @ForAll @IntRange(min = 0, max = 0x1ff) int z) {
        Tnum t = new Tnum(value, mask);
        long next = t.step(z);
        long expected = -1;
        for (long v = z + 1; v <= 0xff; v++) {
            if (t.contains(v)) {
                expected = v;
                break;
            }
        }
        long tmin = t.value();
        long tmax = t.value() | t.mask();
        if (z < tmin) {
            assertEquals(tmin, next);
        } else if (z >= tmax) {
            assertEquals(tmax, next);
        } else {
            assertEquals(expected, next);
        }
    }
}
