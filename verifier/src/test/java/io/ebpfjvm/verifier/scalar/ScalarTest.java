package io.ebpfjvm.verifier.scalar;

import static io.ebpfjvm.core.isa.Opcodes.BPF_ADD;
import static io.ebpfjvm.core.isa.Opcodes.BPF_AND;
import static io.ebpfjvm.core.isa.Opcodes.BPF_DIV;
import static io.ebpfjvm.core.isa.Opcodes.BPF_END;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JEQ;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JGT;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JNE;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JSET;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JSLT;
import static io.ebpfjvm.core.isa.Opcodes.BPF_LSH;
import static io.ebpfjvm.core.isa.Opcodes.BPF_MOD;
import static io.ebpfjvm.core.isa.Opcodes.BPF_MOV;
import static io.ebpfjvm.core.isa.Opcodes.BPF_NEG;
import static io.ebpfjvm.core.isa.Opcodes.BPF_OR;
import static io.ebpfjvm.core.isa.Opcodes.BPF_RSH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The scalar API's contract on hand-checked cases. */
class ScalarTest {
    private static final Scalar BYTE = Scalar.unknown().alu(BPF_AND, Scalar.constant(0xff), true);

    @Test
    void factories() {
        Scalar five = Scalar.constant(5);
        assertTrue(five.isConstant());
        assertEquals(5, five.constantValue());
        assertEquals(5, five.smin());
        assertEquals(5, five.umax());
        assertEquals(5, five.s32max());
        assertEquals(5, five.u32min());

        Scalar u = Scalar.unknown();
        assertTrue(u.isUnknown());
        assertEquals(Long.MIN_VALUE, u.smin());
        assertEquals(-1L, u.umax());
        assertEquals(-1, u.u32max());
        assertThrows(IllegalStateException.class, u::constantValue);

        Scalar u32 = Scalar.unknown32();
        assertEquals(0xffffffffL, u32.umax());
        assertEquals(0, u32.smin());
        assertEquals(new Tnum(0, 0xffffffffL), u32.tnum());
        assertEquals(Integer.MIN_VALUE, u32.s32min());
    }

    @Test
    void rangesAndTnumsLearnEachOther() {
        Scalar r = Scalar.unsignedRange(400, 527);
        assertEquals(new Tnum(0, 0x3ff), r.tnum());
        assertEquals(400, r.smin());
        assertEquals(527, r.s32max());
        Scalar s = Scalar.signedRange(-4, -1);
        assertEquals(-4L, s.umin());
        assertEquals(-1L, s.umax());
        Scalar t = Scalar.of(new Tnum(0x10, 0x0f));
        assertEquals(0x10, t.umin());
        assertEquals(0x1f, t.umax());
        assertThrows(IllegalArgumentException.class, () -> Scalar.unsignedRange(2, 1));
        assertThrows(IllegalArgumentException.class, () -> Scalar.signedRange(2, 1));
    }

    @Test
    void constantsPrintAsKernelNumbers() {
        assertEquals("5", Scalar.constant(5).toString());
        assertEquals("-1", Scalar.constant(-1).toString());
        assertEquals("32767", Scalar.constant(32767).toString());
        assertEquals("-32768", Scalar.constant(-32768).toString());
        // Beyond 16 bits the kernel switches to hex of the 64-bit value.
        assertEquals("0x8000", Scalar.constant(32768).toString());
        assertEquals("0xffffffffffff7fff", Scalar.constant(-32769).toString());
    }

    @Test
    void rangesTextIsTheInsideOfTheScalarForm() {
        assertEquals("smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff)", BYTE.rangesText());
        assertEquals("", Scalar.unknown().rangesText());
        assertEquals("scalar(" + Scalar.unknown32().rangesText() + ")", Scalar.unknown32().toString());
        assertEquals("smin=umin=smin32=umin32=7,smax=umax=smax32=umax32=7,var_off=(0x7; 0x0)",
                Scalar.constant(7).rangesText());
    }

    @Test
    void divisionByZeroFollowsEbpf() {
        Scalar seven = Scalar.constant(7);
        Scalar zero = Scalar.constant(0);
        assertEquals(0, seven.alu(BPF_DIV, zero, true).constantValue());
        assertEquals(7, seven.alu(BPF_MOD, zero, true).constantValue());
        // 32-bit modulo by zero keeps the low half, zero-extended.
        assertEquals(7, Scalar.constant(0x1_0000_0007L).alu(BPF_MOD, zero, false).constantValue());
    }

    @Test
    void signedDivisionUsesTheOffset() {
        Scalar minusSeven = Scalar.constant(-7);
        Scalar two = Scalar.constant(2);
        assertEquals(-3, minusSeven.alu(BPF_DIV, 1, two, true).constantValue());
        assertEquals(-1, minusSeven.alu(BPF_MOD, 1, two, true).constantValue());
        assertEquals(0x7ffffffffffffffcL, minusSeven.alu(BPF_DIV, 0, two, true).constantValue());
        assertEquals(Long.MIN_VALUE, Scalar.constant(Long.MIN_VALUE).alu(BPF_DIV, 1, Scalar.constant(-1), true)
                .constantValue());
        assertEquals(0xfffffffdL, minusSeven.alu(BPF_DIV, 1, two, false).constantValue());
    }

    @Test
    void divisionOfUnknownsIsUnknown() {
        assertTrue(BYTE.alu(BPF_DIV, Scalar.constant(3), true).isUnknown());
        assertTrue(Scalar.constant(9).alu(BPF_MOD, BYTE, false).isUnknown());
    }

    @Test
    void negation() {
        assertEquals("scalar(smin=smin32=-255,smax=smax32=0)", BYTE.alu(BPF_NEG, null, true).toString());
        assertEquals(0xffffffffL, Scalar.constant(1).alu(BPF_NEG, null, false).constantValue());
        assertEquals(-1, Scalar.constant(1).alu(BPF_NEG, Scalar.unknown(), true).constantValue());
    }

    @Test
    void moves() {
        assertEquals(BYTE, Scalar.unknown().alu(BPF_MOV, BYTE, true));
        assertEquals(0x80000000L, Scalar.unknown().alu(BPF_MOV, Scalar.constant(Integer.MIN_VALUE), false)
                .constantValue());
        assertEquals(-128, Scalar.unknown().alu(BPF_MOV, 8, Scalar.constant(0x80), true).constantValue());
        assertEquals(0xffffff80L, Scalar.unknown().alu(BPF_MOV, 8, Scalar.constant(0x80), false).constantValue());
        assertThrows(IllegalArgumentException.class, () -> BYTE.alu(BPF_END, BYTE, true));
    }

    @Test
    void signExtensionOfSmallRanges() {
        // [0, 127] keeps its sign: the range survives; [0, 255] crosses it: the s8 range remains.
        Scalar low = Scalar.unsignedRange(0, 127);
        assertEquals(low.toString(), low.signExtend(8).toString());
        assertEquals("scalar(smin=smin32=-128,smax=smax32=127)", BYTE.signExtend(8).toString());
        Scalar negative = Scalar.unsignedRange(0xf0, 0xfe).signExtend(8);
        assertEquals(-16, negative.smin());
        assertEquals(-2, negative.smax());
        assertEquals(0xfffffff0, negative.u32min());
    }

    @Test
    void zeroExtensionOfNarrowLoads() {
        assertEquals(BYTE, Scalar.unknown().zeroExtend(1));
        assertEquals(Scalar.unknown32(), Scalar.unknown().zeroExtend(4));
        assertEquals(0x34, Scalar.constant(0x1234).zeroExtend(1).constantValue());
        assertThrows(IllegalArgumentException.class, () -> BYTE.zeroExtend(3));
    }

    @Test
    void shiftsByAtLeastTheWidthAreUnknown() {
        assertTrue(BYTE.alu(BPF_LSH, Scalar.constant(64), true).isUnknown());
        assertTrue(BYTE.alu(BPF_RSH, Scalar.constant(32), false).isUnknown());
        // An unknown shift amount is no better.
        assertTrue(BYTE.alu(BPF_LSH, BYTE, true).isUnknown());
        assertEquals(0x7f8, BYTE.alu(BPF_LSH, Scalar.constant(3), true).umax());
    }

    @Test
    void thirtyTwoBitResultsAreZeroExtended() {
        Scalar r = Scalar.constant(-1).alu(BPF_ADD, Scalar.constant(1), false);
        assertEquals(0, r.constantValue());
        Scalar wrapped = Scalar.constant(0xffffffffL).alu(BPF_ADD, BYTE, false);
        assertEquals(0, wrapped.umin());
        assertEquals(0xffffffffL, wrapped.umax());
    }

    @Test
    void refinementOfARangeAgainstAConstant() {
        Refinement r = Scalar.refine(BPF_JGT, BYTE, Scalar.constant(10), false);
        assertEquals(Branch.UNKNOWN, r.outcome());
        assertEquals("scalar(smin=umin=smin32=umin32=11,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))",
                r.dstIfTaken().toString());
        assertEquals("scalar(smin=smin32=0,smax=umax=smax32=umax32=10,var_off=(0x0; 0xf))",
                r.dstIfNotTaken().toString());
        assertEquals(Scalar.constant(10), r.srcIfTaken());

        // As 32-bit unsigned, -1 is 0xffffffff, above every byte.
        assertEquals(Branch.NEVER, Scalar.refine(BPF_JGT, BYTE, Scalar.constant(-1), true).outcome());
        assertEquals(Branch.NEVER, Scalar.refine(BPF_JGT, BYTE, Scalar.constant(255), false).outcome());
        assertEquals(Branch.ALWAYS, Scalar.refine(BPF_JSLT, BYTE, Scalar.constant(256), false).outcome());
    }

    @Test
    void notEqualTrimsAnEdge() {
        Refinement r = Scalar.refine(BPF_JNE, BYTE.alu(BPF_AND, Scalar.constant(7), true), Scalar.constant(0), false);
        assertEquals(1, r.dstIfTaken().umin());
        assertEquals(0, r.dstIfNotTaken().constantValue());
    }

    @Test
    void thirtyTwoBitEqualityFixesTheLowHalf() {
        Refinement r = Scalar.refine(BPF_JEQ, Scalar.unknown(), Scalar.constant(5), true);
        Scalar taken = r.dstIfTaken();
        assertEquals(new Tnum(5, 0xffffffff00000000L), taken.tnum());
        assertEquals(5, taken.u32min());
        assertEquals(5, taken.s32max());
        assertFalse(taken.isConstant());
        assertTrue(taken.isSubregConstant());
    }

    @Test
    void bitTestsLearnSingleBits() {
        Refinement r = Scalar.refine(BPF_JSET, BYTE, Scalar.constant(4), false);
        assertEquals(new Tnum(4, 0xfb), r.dstIfTaken().tnum());
        assertEquals(new Tnum(0, 0xfb), r.dstIfNotTaken().tnum());
        // Several tested bits: only the fall-through learns (none of them is set).
        Refinement multi = Scalar.refine(BPF_JSET, BYTE, Scalar.constant(0x0c), false);
        assertEquals(BYTE.tnum(), multi.dstIfTaken().tnum());
        assertEquals(new Tnum(0, 0xf3), multi.dstIfNotTaken().tnum());
        assertEquals(Branch.NEVER, Scalar.refine(BPF_JSET, BYTE, Scalar.constant(0x100), false).outcome());
        // A known-set bit decides it, whichever side the constant is on.
        Scalar odd = BYTE.alu(BPF_OR, Scalar.constant(1), true);
        assertEquals(Branch.ALWAYS, Scalar.refine(BPF_JSET, Scalar.constant(3), odd, false).outcome());
    }

    @Test
    void withinIsThePruningOrder() {
        Scalar small = Scalar.unsignedRange(3, 9);
        assertTrue(Scalar.constant(5).within(small));
        assertTrue(small.within(BYTE));
        assertTrue(small.within(Scalar.unknown()));
        assertFalse(BYTE.within(small));
        assertFalse(Scalar.constant(10).within(small));
        // Same range, but the old tnum knows a bit the new one does not.
        Scalar even = BYTE.alu(BPF_AND, Scalar.constant(0xfe), true);
        Scalar sameRange = Scalar.unsignedRange(0, 254);
        assertEquals(even.umax(), sameRange.umax());
        assertTrue(even.within(sameRange));
        assertFalse(sameRange.within(even));
    }

    @Test
    void equalityCoversEveryField() {
        assertEquals(Scalar.constant(3), Scalar.constant(3));
        assertEquals(Scalar.constant(3).hashCode(), Scalar.constant(3).hashCode());
        assertNotEquals(Scalar.constant(3), Scalar.constant(4));
        assertNotEquals(Scalar.unknown(), Scalar.unknown32());
        assertNotEquals(BYTE, Scalar.unsignedRange(0, 254));
        assertNotEquals(Scalar.constant(3), "3");
    }
}
