package io.ebpfjvm.verifier.scalar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Worked examples of the tnum operations, in the kernel's text form. */
class TnumTest {

    @Test
    void textFormIsTheKernels() {
        assertEquals("(0x0; 0xff)", new Tnum(0, 0xff).toString());
        assertEquals("(0x0; 0xffffffffffffffff)", Tnum.unknown().toString());
        assertEquals("(0xfffffffffffffc00; 0x3ff)", new Tnum(0xfffffffffffffc00L, 0x3ff).toString());
    }

    @Test
    void unknownBitsAreClearedFromTheValue() {
        assertEquals(new Tnum(0x10, 0x0f), new Tnum(0x1f, 0x0f));
    }

    @Test
    void rangeKeepsTheCommonHighBits() {
        assertEquals(new Tnum(0x4, 0x3), Tnum.range(4, 7));
        assertEquals(new Tnum(0x0, 0x7), Tnum.range(3, 4));
        assertEquals(Tnum.constant(9), Tnum.range(9, 9));
        assertEquals(Tnum.unknown(), Tnum.range(0, -1L));
        assertEquals(new Tnum(0, 0x3ff), Tnum.range(400, 527));
    }

    @Test
    void additionSpreadsUnknownCarries() {
        // {1, 3} + 1 = {2, 4}: bits 1 and 2 depend on the carry.
        assertEquals(new Tnum(0x0, 0x6), new Tnum(0x1, 0x2).add(Tnum.constant(1)));
        // A known zero bit stops the carry chain: {0, 1} + 2 = {2, 3}.
        assertEquals(new Tnum(0x2, 0x1), new Tnum(0x0, 0x1).add(Tnum.constant(2)));
    }

    @Test
    void subtractionSpreadsUnknownBorrows() {
        // 0 - {0, 1} = {0, -1}: the borrow reaches every bit.
        assertEquals(Tnum.unknown(), Tnum.constant(0).sub(new Tnum(0, 1)));
        assertEquals(new Tnum(0x4, 0x1), new Tnum(0x6, 0x1).sub(Tnum.constant(2)));
    }

    @Test
    void multiplicationByPartialProducts() {
        // {2, 3} * 3 = {6, 9}
        assertEquals(new Tnum(0x0, 0xf), new Tnum(0x2, 0x1).mul(Tnum.constant(3)));
        assertEquals(Tnum.constant(42), Tnum.constant(6).mul(Tnum.constant(7)));
        assertEquals(new Tnum(0, 0x1e), new Tnum(0, 0xf).mul(Tnum.constant(2)));
    }

    @Test
    void bitwiseOperations() {
        Tnum lowByte = new Tnum(0, 0xff);
        assertEquals(new Tnum(0, 0x0f), lowByte.and(Tnum.constant(0x0f)));
        assertEquals(new Tnum(0xf0, 0x0f), lowByte.or(Tnum.constant(0xf0)));
        assertEquals(new Tnum(0, 0xff), lowByte.xor(Tnum.constant(0xf0)));
    }

    @Test
    void shifts() {
        assertEquals(new Tnum(0, 0xff00), new Tnum(0, 0xff).lshift(8));
        assertEquals(new Tnum(0x7fffffffffffffffL, 0), Tnum.constant(-1).rshift(1));
        assertEquals(Tnum.constant(-1), Tnum.constant(-1).arshift(1, 64));
        // 32-bit arithmetic shift sign-extends bit 31 and zero-extends the result.
        assertEquals(Tnum.constant(0xf8000000L), Tnum.constant(0x80000000L).arshift(4, 32));
        assertEquals(new Tnum(0, 0xffffffffL), new Tnum(0, 0x80000000L).arshift(31, 32));
    }

    @Test
    void subregisterHelpers() {
        Tnum t = new Tnum(0x1234_0000_0000L, 0xff_0000_00ffL);
        assertEquals(new Tnum(0, 0xff), t.subreg());
        assertEquals(new Tnum(0x1234_0000_0000L, 0xff_0000_0000L), t.clearSubreg());
        assertEquals(new Tnum(0x1234_0000_0007L, 0xff_0000_0000L), t.withConstSubreg(7));
        assertTrue(t.clearSubreg().isSubregConst());
        assertFalse(t.isSubregConst());
        assertEquals(new Tnum(0, 0xff), t.cast(1));
        assertEquals(t, t.cast(8));
    }

    @Test
    void intersectionAndContainment() {
        Tnum evenByte = new Tnum(0, 0xfe);
        Tnum lowNibble = new Tnum(0, 0x0f);
        assertEquals(new Tnum(0, 0x0e), evenByte.intersect(lowNibble));
        assertTrue(evenByte.in(new Tnum(0, 0x0e)));
        assertFalse(lowNibble.in(evenByte));
        assertTrue(Tnum.unknown().in(evenByte));
        assertFalse(evenByte.in(Tnum.constant(1)));
        assertTrue(evenByte.overlaps(lowNibble));
        assertFalse(Tnum.constant(1).overlaps(evenByte));
    }

    @Test
    void byteSwapMovesKnownBits() {
        assertEquals(new Tnum(0, 0x3f), new Tnum(0, 0x3f00).byteSwap(16));
        assertEquals(new Tnum(0x12, 0x3f0000), new Tnum(0x12000000L, 0x3f00).byteSwap(32));
        assertEquals(new Tnum(0, 0x3f000000000000L), new Tnum(0, 0x3f00).byteSwap(64));
        assertThrows(IllegalArgumentException.class, () -> Tnum.constant(0).byteSwap(8));
    }

    @Test
    void alignment() {
        assertTrue(new Tnum(0x10, 0xf0).isAligned(16));
        assertFalse(new Tnum(0x10, 0xf8).isAligned(16));
    }
}
