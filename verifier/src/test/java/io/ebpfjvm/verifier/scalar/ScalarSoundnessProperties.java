package io.ebpfjvm.verifier.scalar;

import static io.ebpfjvm.core.isa.Opcodes.BPF_ARSH;
import static io.ebpfjvm.core.isa.Opcodes.BPF_LSH;
import static io.ebpfjvm.core.isa.Opcodes.BPF_RSH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ebpfjvm.core.isa.Semantics;
import io.ebpfjvm.verifier.scalar.Abstracts.Abstract;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Soundness of the scalar domain against the concrete semantics ({@link Semantics}): whatever an
 * abstract operation returns must hold every concrete result its inputs' members can produce.
 */
@PropertyDefaults(tries = 500)
class ScalarSoundnessProperties {

    @Provide
    Arbitrary<Abstract> abstracts() {
        return Abstracts.abstracts();
    }

    @Provide
    Arbitrary<Integer> aluOps() {
        return Arbitraries.of(Abstracts.ALU_OPS);
    }

    @Provide
    Arbitrary<Integer> jmpOps() {
        return Arbitraries.of(Abstracts.JMP_OPS);
    }

    @Provide
    Arbitrary<Long> longs() {
        return Abstracts.longs();
    }

    @Property
    void generatedValuesHoldTheirWitness(@ForAll("abstracts") Abstract a) {
        // The generator runs instructions through the domain; a lost witness is an unsound step.
        assertTrue(a.value().contains(a.member()), () -> String.format("%s", a));
        assertTrue(new RegBounds(a.value()).isConsistent(), () -> String.format("%s", a));
    }

    @Property
    void aluResultHoldsConcreteResult(@ForAll("abstracts") Abstract dst, @ForAll("abstracts") Abstract src,
                                      @ForAll("aluOps") int op, @ForAll boolean is64,
                                      @ForAll @IntRange(min = 0, max = 11) int seed) {
        int offset = Abstracts.offset(op, is64, seed);
        Scalar result = dst.value().alu(op, offset, src.value(), is64);
        long concrete = Abstracts.concreteAlu(op, offset, dst.member(), src.member(), is64);
        assertTrue(result.contains(concrete), () -> String.format("op 0x%x off %d %s: %s with %s gives %s, not 0x%x",
                op, offset, is64 ? "64" : "32", dst, src, result, concrete));
        assertTrue(new RegBounds(result).isConsistent(), () -> String.format("%s", result));
    }

    @Property
    void aluWithConstantSourceHoldsConcreteResult(@ForAll("abstracts") Abstract dst, @ForAll("longs") long c,
                                                  @ForAll("aluOps") int op, @ForAll boolean is64,
                                                  @ForAll @IntRange(min = 0, max = 11) int seed) {
        int offset = Abstracts.offset(op, is64, seed);
        Scalar result = dst.value().alu(op, offset, Scalar.constant(c), is64);
        long concrete = Abstracts.concreteAlu(op, offset, dst.member(), c, is64);
        assertTrue(result.contains(concrete), () -> String.format("op 0x%x off %d %s: %s with 0x%x gives %s, not 0x%x",
                op, offset, is64 ? "64" : "32", dst, c, result, concrete));
    }

    @Property
    void constantsFoldExactly(@ForAll("longs") long x, @ForAll("longs") long y, @ForAll("aluOps") int op,
                              @ForAll boolean is64, @ForAll @IntRange(min = 0, max = 11) int seed) {
        int offset = Abstracts.offset(op, is64, seed);
        Scalar result = Scalar.constant(x).alu(op, offset, Scalar.constant(y), is64);
        boolean oversizedShift = (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)
                && Long.compareUnsigned(y, is64 ? 64 : 32) >= 0;
        if (oversizedShift) {
            // The kernel gives up on undefined shifts instead of picking a machine's behaviour.
            assertTrue(result.isUnknown(), () -> String.format("%s", result));
        } else {
            assertTrue(result.isConstant(), () -> String.format("%s", result));
            assertEquals(Abstracts.concreteAlu(op, offset, x, y, is64), result.constantValue());
        }
    }

    @Property
    void castsHoldConcreteResult(@ForAll("abstracts") Abstract a, @ForAll @IntRange(min = 0, max = 11) int kind,
                                 @ForAll boolean flag) {
        Abstract cast = Abstracts.applyCast(a, kind, flag);
        assertTrue(cast.value().contains(cast.member()), () -> String.format("cast %d/%s of %s gives %s", kind, flag, a, cast));
        assertTrue(new RegBounds(cast.value()).isConsistent());
    }

    @Property
    void castsOfConstantsAreConstant(@ForAll("longs") long x, @ForAll @IntRange(min = 0, max = 11) int kind,
                                     @ForAll boolean flag) {
        Abstract cast = Abstracts.applyCast(new Abstract(Scalar.constant(x), x), kind, flag);
        assertTrue(cast.value().isConstant(), () -> String.format("%s", cast));
        assertEquals(cast.member(), cast.value().constantValue());
    }

    @Property
    void branchRefinementKeepsEverySatisfyingPair(@ForAll("abstracts") Abstract dst, @ForAll("abstracts") Abstract src,
                                                  @ForAll("jmpOps") int op, @ForAll boolean is32) {
        checkRefinement(dst, src, op, is32);
    }

    @Property
    void branchRefinementAgainstConstants(@ForAll("abstracts") Abstract dst, @ForAll("longs") long c,
                                          @ForAll("jmpOps") int op, @ForAll boolean is32, @ForAll boolean swap) {
        Abstract k = new Abstract(Scalar.constant(c), c);
        // Also near the witness, where edges and equalities live.
        Abstract near = new Abstract(Scalar.constant(dst.member() + (c & 3) - 1), dst.member() + (c & 3) - 1);
        checkRefinement(swap ? k : dst, swap ? dst : k, op, is32);
        checkRefinement(swap ? near : dst, swap ? dst : near, op, is32);
    }

    private static void checkRefinement(Abstract dst, Abstract src, int op, boolean is32) {
        Refinement r = Scalar.refine(op, dst.value(), src.value(), is32);
        boolean taken = is32 ? Semantics.jump32(op, dst.member(), src.member())
                : Semantics.jump64(op, dst.member(), src.member());
        String what = String.format("op 0x%x %s: %s vs %s -> %s", op, is32 ? "32" : "64", dst, src, r);
        if (taken) {
            assertNotEquals(Branch.NEVER, r.outcome(), what);
            assertTrue(r.dstIfTaken().contains(dst.member()), what);
            assertTrue(r.srcIfTaken().contains(src.member()), what);
        } else {
            assertNotEquals(Branch.ALWAYS, r.outcome(), what);
            assertTrue(r.dstIfNotTaken().contains(dst.member()), what);
            assertTrue(r.srcIfNotTaken().contains(src.member()), what);
        }
        if (r.outcome() == Branch.UNKNOWN) {
            // Refinement only ever learns bits. (Bounds may move outwards: like the kernel's
            // reg_bounds_sync, the sign-extension step assigns rather than intersects.)
            assertTrue(dst.value().tnum().in(r.dstIfTaken().tnum()), what);
            assertTrue(src.value().tnum().in(r.srcIfTaken().tnum()), what);
            assertTrue(dst.value().tnum().in(r.dstIfNotTaken().tnum()), what);
            assertTrue(src.value().tnum().in(r.srcIfNotTaken().tnum()), what);
        }
    }

    @Property
    void constantComparisonsAreDecided(@ForAll("longs") long x, @ForAll("longs") long y, @ForAll("jmpOps") int op,
                                       @ForAll boolean is32) {
        Refinement r = Scalar.refine(op, Scalar.constant(x), Scalar.constant(y), is32);
        boolean taken = is32 ? Semantics.jump32(op, x, y) : Semantics.jump64(op, x, y);
        assertEquals(taken ? Branch.ALWAYS : Branch.NEVER, r.outcome());
    }

    @Property
    void withinAgreesWithMembershipForConstants(@ForAll("abstracts") Abstract a, @ForAll("longs") long y) {
        assertTrue(Scalar.constant(a.member()).within(a.value()));
        assertEquals(a.value().contains(y), Scalar.constant(y).within(a.value()));
    }

    @Property
    void withinIsReflexiveAndUnknownHoldsAll(@ForAll("abstracts") Abstract a) {
        assertTrue(a.value().within(a.value()));
        assertTrue(a.value().within(Scalar.unknown()));
    }

    @Property
    void withinMeansMembersCarryOver(@ForAll("abstracts") Abstract a, @ForAll("abstracts") Abstract b) {
        if (b.value().within(a.value())) {
            assertTrue(a.value().contains(b.member()), () -> String.format("%s within %s", b, a));
        }
    }

    @Property
    void equalValuesHaveEqualHashesAndText(@ForAll("abstracts") Abstract a) {
        Scalar copy = new RegBounds(a.value()).freeze();
        assertEquals(a.value(), copy);
        assertEquals(a.value().hashCode(), copy.hashCode());
        assertEquals(a.value().toString(), copy.toString());
    }
}
