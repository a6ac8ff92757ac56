package io.ebpfjvm.verifier.scalar;

import static io.ebpfjvm.core.isa.Opcodes.BPF_ADD;
import static io.ebpfjvm.core.isa.Opcodes.BPF_AND;
import static io.ebpfjvm.core.isa.Opcodes.BPF_ARSH;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JEQ;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JGE;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JGT;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JLT;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JNE;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JSGE;
import static io.ebpfjvm.core.isa.Opcodes.BPF_LSH;
import static io.ebpfjvm.core.isa.Opcodes.BPF_MOV;
import static io.ebpfjvm.core.isa.Opcodes.BPF_MUL;
import static io.ebpfjvm.core.isa.Opcodes.BPF_OR;
import static io.ebpfjvm.core.isa.Opcodes.BPF_RSH;
import static io.ebpfjvm.core.isa.Opcodes.BPF_SUB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/**
 * Register states the Linux verifier prints for short instruction sequences, taken from the
 * kernel's BPF selftests ({@code verifier_bounds.c}, {@code verifier_bswap.c},
 * {@code verifier_ldsx.c}) and from verifier logs posted to the bpf mailing list. Each test
 * replays the sequence through the scalar domain and expects the kernel's exact text.
 *
 * <p>{@code call bpf_get_prandom_u32} leaves {@code r0} fully unknown; a {@code BPF_K} operand is
 * the instruction's immediate sign-extended to 64 bits, as the kernel's fake source register is.
 */
class KernelLogTest {
    private static final Scalar PRANDOM = Scalar.unknown();

    private static Scalar k(long imm) {
        return Scalar.constant(imm);
    }

    private static Scalar alu64(Scalar dst, int op, Scalar src) {
        return dst.alu(op, src, true);
    }

    private static Scalar alu32(Scalar dst, int op, Scalar src) {
        return dst.alu(op, src, false);
    }

    /** The fall-through state of the destination. */
    private static Scalar fallThrough(int op, Scalar dst, Scalar src, boolean is32) {
        Refinement r = Scalar.refine(op, dst, src, is32);
        assertEquals(Branch.UNKNOWN, r.outcome());
        return r.dstIfNotTaken();
    }

    @Test
    void maskingAByte() {
        // r0 &= 0xff
        assertEquals("scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))",
                alu64(PRANDOM, BPF_AND, k(0xff)).toString());
    }

    @Test
    void unknownAndZeroExtendedMove() {
        assertEquals("scalar()", PRANDOM.toString());
        // w3 = w0
        assertEquals("scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))",
                alu32(PRANDOM, BPF_MOV, PRANDOM).toString());
    }

    @Test
    void byteLoadShiftedUpAndSignExtendedBack() {
        // r1 = *(u8 *)(r8 +15); r1 <<= 56; r1 s>>= 56; r1 <<= 32; r1 >>= 32  (usdt.bpf.h)
        Scalar r1 = PRANDOM.zeroExtend(1);
        assertEquals("scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))", r1.toString());
        r1 = alu64(r1, BPF_LSH, k(56));
        assertEquals("scalar(smax=0x7f00000000000000,umax=0xff00000000000000,smin32=0,smax32=umax32=0,"
                + "var_off=(0x0; 0xff00000000000000))", r1.toString());
        r1 = alu64(r1, BPF_ARSH, k(56));
        assertEquals("scalar(smin=smin32=-128,smax=smax32=127)", r1.toString());
        r1 = alu64(r1, BPF_LSH, k(32));
        // Older kernels printed no smin here: they kept only non-negative bounds across "<<= 32".
        assertEquals("scalar(smin=0xffffff8000000000,smax=0x7f00000000,umax=0xffffffff00000000,smin32=0,"
                + "smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))", r1.toString());
        r1 = alu64(r1, BPF_RSH, k(32));
        assertEquals("scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))", r1.toString());
    }

    @Test
    void signExtendingLoadOfAByte() {
        // r1 = *(s8 *)(r10 - 8) over an unknown spill
        assertEquals("scalar(smin=smin32=-128,smax=smax32=127)", PRANDOM.signExtend(8).toString());
    }

    @Test
    void crossSignBoundaryNegativeOverlap() {
        // verifier_bounds.c "bounds deduction cross sign boundary, negative overlap"
        Scalar r0 = PRANDOM;
        Scalar r3 = alu32(r0, BPF_MOV, r0);                         // w3 = w0
        Scalar r6 = r0.alu(BPF_MOV, 8, r0, false);                  // w6 = (s8)w0
        assertEquals("scalar(smin=0,smax=umax=0xffffffff,smin32=-128,smax32=127,var_off=(0x0; 0xffffffff))",
                r6.toString());
        r0 = r0.alu(BPF_MOV, 8, r0, true);                          // r0 = (s8)r0
        assertEquals("scalar(smin=smin32=-128,smax=smax32=127)", r0.toString());
        r6 = fallThrough(BPF_JGE, r6, k((int) 0xf0000000), true);   // if w6 >= 0xf0000000 goto l0
        // u32 <= 0xefffffff and s32 in [-128, 127] leave only [0, 127]: the kernel learns this
        // since its u32/s32 cross-boundary deduction (older logs still show umax32=0xefffffff).
        assertEquals(0, r6.smin());
        assertEquals(127, r6.umax());
        r0 = alu64(r0, BPF_ADD, r6);                                // r0 += r6
        r6 = alu64(r6, BPF_ADD, k(400));                            // r6 += 400
        assertEquals("scalar(smin=umin=smin32=umin32=400,smax=umax=smax32=umax32=527,var_off=(0x0; 0x3ff))",
                r6.toString());
        r0 = alu64(r0, BPF_SUB, r6);                                // r0 -= r6
        assertEquals("scalar(smin=smin32=-655,smax=smax32=-146,umin=0xfffffffffffffd71,umax=0xffffffffffffff6e,"
                + "umin32=0xfffffd71,umax32=0xffffff6e,var_off=(0xfffffffffffffc00; 0x3ff))", r0.toString());
        // if r3 < r0 goto l0: r3 <= 0xffffffff < r0, so the jump is certain.
        assertEquals(Branch.ALWAYS, Scalar.refine(BPF_JLT, r3, r0, false).outcome());
    }

    @Test
    void crossSignBoundaryPositiveOverlap() {
        Scalar r0 = PRANDOM.signExtend(8);
        r0 = fallThrough(BPF_JGT, r0, k(0xffffffffffffff00L), false);
        assertEquals("scalar(smin=smin32=0,smax=umax=smax32=umax32=127,var_off=(0x0; 0x7f))", r0.toString());
        assertEquals(Branch.ALWAYS, Scalar.refine(BPF_JLT, r0, k(128), false).outcome());
    }

    @Test
    void crossSignBoundaryTwoOverlaps() {
        Scalar r0 = PRANDOM.signExtend(8);
        r0 = fallThrough(BPF_JGT, r0, k(0xffffffffffffff80L), false);
        assertEquals("scalar(smin=smin32=-128,smax=smax32=127,umax=0xffffffffffffff80)", r0.toString());
        assertEquals(Branch.UNKNOWN, Scalar.refine(BPF_JLT, r0, k(128), false).outcome());
    }

    @Test
    void disagreeingTnumsDecideEquality() {
        // w0 = w0; r0 >>= 30; r0 <<= 30; r1 = r0; r1 += 1024
        Scalar r0 = alu32(PRANDOM, BPF_MOV, PRANDOM);
        r0 = alu64(alu64(r0, BPF_RSH, k(30)), BPF_LSH, k(30));
        Scalar r1 = alu64(r0, BPF_ADD, k(1024));
        assertEquals(Branch.ALWAYS, Scalar.refine(BPF_JNE, r1, r0, false).outcome());
        assertEquals(Branch.NEVER, Scalar.refine(BPF_JEQ, r1, r0, false).outcome());
    }

    @Test
    void multiplyMixedSignBounds() {
        Scalar r6 = alu64(alu64(PRANDOM, BPF_AND, k(0xf)), BPF_SUB, k(1000000000));
        Scalar r7 = alu64(alu64(PRANDOM, BPF_AND, k(0xf)), BPF_SUB, k(2000000000));
        assertEquals("scalar(smin=umin=0x1bc16d5cd4927ee1,smax=umax=0x1bc16d674ec80000,smax32=0x7ffffeff,"
                + "umax32=0xfffffeff,var_off=(0x1bc16d4000000000; 0x3ffffffeff))", alu64(r6, BPF_MUL, r7).toString());

        r6 = alu64(alu64(PRANDOM, BPF_AND, k(0xf)), BPF_SUB, k(0xa));
        r7 = alu64(alu64(PRANDOM, BPF_AND, k(0xf)), BPF_SUB, k(0x14));
        assertEquals("scalar(smin=smin32=-100,smax=smax32=200)", alu64(r6, BPF_MUL, r7).toString());
    }

    @Test
    void multiplyNegativeBounds() {
        Scalar r8 = k(0x7fff);
        Scalar r6 = alu64(alu64(PRANDOM, BPF_AND, k(0xa)), BPF_SUB, r8);
        Scalar r7 = alu64(alu64(PRANDOM, BPF_AND, k(0xf)), BPF_SUB, r8);
        assertEquals("scalar(smin=umin=smin32=umin32=0x3ff280b0,smax=umax=smax32=umax32=0x3fff0001,"
                + "var_off=(0x3ff00000; 0xf81ff))", alu64(r6, BPF_MUL, r7).toString());
    }

    @Test
    void multiplyWithoutSignCrossing() {
        Scalar r6 = alu64(k(0xb), BPF_AND, PRANDOM);
        assertEquals("scalar(smin=smin32=0,smax=umax=smax32=umax32=11,var_off=(0x0; 0xb))", r6.toString());
        assertEquals("scalar(smin=0,smax=umax=0x7b96bb0a94a3a7cd,var_off=(0x0; 0x7fffffffffffffff))",
                alu64(k(0xb3c3f8c99262687L), BPF_MUL, r6).toString());
    }

    @Test
    void multiplicationOverflowLosesEverything() {
        Scalar r6 = alu64(PRANDOM, BPF_AND, k(0x7fffffff));
        Scalar r7 = alu64(PRANDOM, BPF_AND, k(0x7ffffffffffL));
        assertEquals("scalar()", alu64(r6, BPF_MUL, r7).toString());

        r6 = alu64(alu64(PRANDOM, BPF_AND, k(0xa)), BPF_SUB, k(0x7ffffffffL));
        r7 = alu64(PRANDOM, BPF_AND, k(0x7fffffff));
        assertEquals("scalar()", alu64(r6, BPF_MUL, r7).toString());
    }

    @Test
    void additionOverflow() {
        Scalar r3 = alu64(k(0xa000000000000000L), BPF_OR, PRANDOM);
        assertEquals("scalar(umin=0x4000000000000000,umax=0xfffffffffffffffe)", alu64(r3, BPF_ADD, r3).toString());
        r3 = alu64(k(2), BPF_OR, PRANDOM);
        assertEquals("scalar()", alu64(r3, BPF_ADD, r3).toString());

        Scalar w4 = alu32(PRANDOM, BPF_MOV, PRANDOM);
        Scalar w3 = alu32(alu32(w4, BPF_MOV, k(0xa0000000L)), BPF_OR, w4);
        assertEquals("scalar(smin=umin=umin32=0x40000000,smax=umax=umax32=0xfffffffe,var_off=(0x0; 0xffffffff))",
                alu32(w3, BPF_ADD, w3).toString());
        w3 = alu32(k(2), BPF_OR, w4);
        assertEquals("scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))", alu32(w3, BPF_ADD, w3).toString());
    }

    @Test
    void subtractionUnderflow() {
        Scalar r1 = alu64(PRANDOM, BPF_OR, k(0x8000000000000000L));
        assertEquals("scalar(umin=1,umax=0x8000000000000000)", alu64(k(0), BPF_SUB, r1).toString());
        assertEquals("scalar()", alu64(PRANDOM, BPF_SUB, k(1)).toString());

        Scalar w1 = alu32(alu32(PRANDOM, BPF_MOV, PRANDOM), BPF_OR, k(0x80000000L));
        assertEquals("scalar(smin=umin=umin32=1,smax=umax=umax32=0x80000000,var_off=(0x0; 0xffffffff))",
                alu32(k(0), BPF_SUB, w1).toString());
        Scalar w3 = alu32(PRANDOM, BPF_MOV, PRANDOM);
        assertEquals("scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))",
                alu32(w3, BPF_SUB, k(1)).toString());
    }

    @Test
    void truncationOfBoundaryCrossingRange() {
        // verifier_bounds.c: the kernel rejects with "value -4294967168 makes map_value pointer be out of bounds"
        long imm = 0xffffff80L >> 1;
        for (boolean viaMove : new boolean[] {false, true}) {
            Scalar r1 = PRANDOM.zeroExtend(1);
            r1 = alu64(alu64(r1, BPF_ADD, k(imm)), BPF_ADD, k(imm));
            r1 = viaMove ? alu32(r1, BPF_MOV, r1) : alu32(r1, BPF_ADD, k(0));
            r1 = alu64(alu64(r1, BPF_SUB, k(imm)), BPF_SUB, k(imm));
            assertEquals(-4294967168L, r1.smin());
        }
    }

    @Test
    void shiftsOfConstants() {
        // r1 = 2; r1 <<= 31; w1 >>= 31; w1 -= 2 gives 4294967294 ("math between map_value pointer and 4294967294")
        Scalar r1 = alu32(alu32(alu64(k(2), BPF_LSH, k(31)), BPF_RSH, k(31)), BPF_SUB, k(2));
        assertEquals(4294967294L, r1.constantValue());
        // r2 = 0xffffffff (sign-extended imm); r2 >>= 32
        assertEquals(4294967295L, alu64(k(-1), BPF_RSH, k(32)).constantValue());
    }

    @Test
    void oversizedShiftCountIsUnknown() {
        // w1 <<= w2 with w2 = 32, then r1 &= 0xffff
        Scalar r1 = alu32(k(1), BPF_LSH, k(32));
        assertFalse(r1.isConstant());
        assertEquals("scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))",
                alu64(r1, BPF_AND, k(0xffff)).toString());
    }

    @Test
    void byteSwapsTrackTheTnum() {
        // verifier_bswap.c on a little-endian machine
        Scalar w0 = alu32(PRANDOM, BPF_AND, k(0x3f00));
        assertEquals("scalar(smin=smin32=0,smax=umax=smax32=umax32=16128,var_off=(0x0; 0x3f00))", w0.toString());
        assertEquals("scalar(smin=smin32=0,smax=umax=smax32=umax32=63,var_off=(0x0; 0x3f))",
                w0.byteSwap(16, true).toString());
        assertEquals("scalar(smin=smin32=0,smax=umax=smax32=umax32=0x3f0000,var_off=(0x0; 0x3f0000))",
                w0.byteSwap(32, true).toString());
        Scalar r0 = alu64(PRANDOM, BPF_AND, k(0x3f00));
        assertEquals("scalar(smin=smin32=0,smax=umax=0x3f000000000000,smax32=umax32=0,var_off=(0x0; 0x3f000000000000))",
                r0.byteSwap(64, true).toString());
        // le16/le32/le64 only truncate on a little-endian machine
        assertEquals(w0.toString(), w0.byteSwap(16, false).toString());
        assertEquals(w0.toString(), w0.byteSwap(32, false).toString());
        assertEquals(r0.toString(), r0.byteSwap(64, false).toString());
    }

    @Test
    void signExtendedMovesKeepTheirRanges() {
        // verifier_movsx.c: each trap path must be dead for the kernel to accept the program.
        // r0 &= 1; r0 += 0xfe; r0 = (s8)r0; if r0 < 0xfffffffffffffffe goto ...
        Scalar r0 = alu64(alu64(PRANDOM, BPF_AND, k(1)), BPF_ADD, k(0xfe)).signExtend(8);
        assertEquals(-2, r0.smin());
        assertEquals(-2L, r0.umin());
        assertEquals(Branch.NEVER, Scalar.refine(BPF_JLT, r0, k(0xfffffffffffffffeL), false).outcome());
        // w0 &= 1; w0 += 0xfe; w0 = (s8)w0; if w0 < 0xfffffffe goto ...
        Scalar w0 = alu32(alu32(PRANDOM, BPF_AND, k(1)), BPF_ADD, k(0xfe)).signExtend32(8);
        assertEquals(Branch.NEVER, Scalar.refine(BPF_JLT, w0, k(-2), true).outcome());
        // r3 &= 0xf; w7 = (s8)w3; if w7 s>= 16 goto trap
        Scalar r3 = alu64(PRANDOM, BPF_AND, k(0xf));
        assertEquals(Branch.NEVER, Scalar.refine(BPF_JSGE, r3.signExtend32(8), k(16), true).outcome());
        // r3 |= 0x80; w7 = (s8)w3; if w7 s>= -5 goto trap
        Scalar w7 = alu64(r3, BPF_OR, k(0x80)).signExtend32(8);
        assertEquals(-128, w7.s32min());
        assertEquals(-113, w7.s32max());
        assertEquals(Branch.NEVER, Scalar.refine(BPF_JSGE, w7, k(-5), true).outcome());
    }
}
