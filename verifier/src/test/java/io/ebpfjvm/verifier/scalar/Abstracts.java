package io.ebpfjvm.verifier.scalar;

import static io.ebpfjvm.core.isa.Opcodes.BPF_ADD;
import static io.ebpfjvm.core.isa.Opcodes.BPF_AND;
import static io.ebpfjvm.core.isa.Opcodes.BPF_ARSH;
import static io.ebpfjvm.core.isa.Opcodes.BPF_DIV;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JEQ;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JGE;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JGT;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JLE;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JLT;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JNE;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JSET;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JSGE;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JSGT;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JSLE;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JSLT;
import static io.ebpfjvm.core.isa.Opcodes.BPF_LSH;
import static io.ebpfjvm.core.isa.Opcodes.BPF_MOD;
import static io.ebpfjvm.core.isa.Opcodes.BPF_MOV;
import static io.ebpfjvm.core.isa.Opcodes.BPF_MUL;
import static io.ebpfjvm.core.isa.Opcodes.BPF_NEG;
import static io.ebpfjvm.core.isa.Opcodes.BPF_OR;
import static io.ebpfjvm.core.isa.Opcodes.BPF_RSH;
import static io.ebpfjvm.core.isa.Opcodes.BPF_SUB;
import static io.ebpfjvm.core.isa.Opcodes.BPF_XOR;

import io.ebpfjvm.core.isa.Semantics;
import java.util.List;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of abstract scalars paired with one concrete value known to belong to them. Each
 * starts from a shape programs really produce (a constant, an unknown, a narrow load, a range,
 * a tnum) and then goes through a few instructions, the witness following along concretely with
 * {@link Semantics}, so the states reached are the varied ones the verifier meets.
 */
final class Abstracts {
    static final long LOW32 = 0xffffffffL;

    static final List<Integer> ALU_OPS = List.of(BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND,
            BPF_LSH, BPF_RSH, BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH);

    static final List<Integer> JMP_OPS = List.of(BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE,
            BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET);

    private Abstracts() {
    }

    /** An abstract scalar and one of its concrete members. */
    record Abstract(Scalar value, long member) {
        @Override
        public String toString() {
            return value + " holding 0x" + Long.toHexString(member);
        }
    }

    /** Values near the places where the bounds logic changes behaviour, and uniform ones. */
    static Arbitrary<Long> longs() {
        Arbitrary<Long> pivots = Arbitraries.of(0L, 1L, -1L, 0x7fL, 0x80L, 0xffL, 0x7fffL, 0xffffL,
                0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L, (long) Integer.MIN_VALUE,
                Long.MIN_VALUE, Long.MAX_VALUE, 0xffffffff00000000L, 0xffffffff80000000L);
        Arbitrary<Long> nearPivots = Combinators.combine(pivots, Arbitraries.longs().between(-3, 3)).as(Long::sum);
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs().between(-300, 300)),
                Tuple.of(3, nearPivots),
                Tuple.of(2, Arbitraries.integers().map(i -> (long) i)),
                Tuple.of(2, Arbitraries.integers().map(i -> i & LOW32)),
                Tuple.of(3, Arbitraries.longs()));
    }

    /** A distance used to widen a point into a range around it. */
    static Arbitrary<Long> spans() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs().between(0, 16)),
                Tuple.of(2, Arbitraries.longs().between(0, 1L << 33)),
                Tuple.of(2, Arbitraries.longs().between(0, Long.MAX_VALUE)));
    }

    static Arbitrary<Long> masks() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.longs().between(0, 0xff)),
                Tuple.of(2, Combinators.combine(Arbitraries.longs().between(0, 0xffff),
                        Arbitraries.integers().between(0, 63)).as((m, s) -> m << s)),
                Tuple.of(1, Arbitraries.longs()));
    }

    /** Abstract values straight from a source: constant, helper result, load, range, tnum. */
    static Arbitrary<Abstract> bases() {
        Arbitrary<Abstract> unsignedRanges = Combinators.combine(longs(), spans(), spans()).as((x, below, above) -> {
            long lo = Long.compareUnsigned(x, below) < 0 ? 0 : x - below;
            long hi = Long.compareUnsigned(x + above, x) < 0 ? -1L : x + above;
            return new Abstract(Scalar.unsignedRange(lo, hi), x);
        });
        Arbitrary<Abstract> signedRanges = Combinators.combine(longs(), spans(), spans()).as((x, below, above) -> {
            long lo = x - below > x ? Long.MIN_VALUE : x - below;
            long hi = x + above < x ? Long.MAX_VALUE : x + above;
            return new Abstract(Scalar.signedRange(lo, hi), x);
        });
        return Arbitraries.oneOf(
                longs().map(x -> new Abstract(Scalar.constant(x), x)),
                longs().map(x -> new Abstract(Scalar.unknown(), x)),
                longs().map(x -> new Abstract(Scalar.unknown32(), x & LOW32)),
                Combinators.combine(longs(), Arbitraries.of(1, 2, 4)).as((x, n) ->
                        new Abstract(Scalar.unknown().zeroExtend(n), truncate(x, n))),
                unsignedRanges,
                signedRanges,
                Combinators.combine(longs(), masks()).as((x, m) -> new Abstract(Scalar.of(new Tnum(x, m)), x)));
    }

    /** Abstract values after a few instructions applied to a base. */
    static Arbitrary<Abstract> abstracts() {
        return Combinators.combine(bases(), steps().list().ofMaxSize(3)).as((base, steps) -> {
            Abstract a = base;
            for (UnaryOperator<Abstract> step : steps) {
                a = step.apply(a);
            }
            return a;
        });
    }

    /** One instruction that transforms an abstract value and its witness alike. */
    static Arbitrary<UnaryOperator<Abstract>> steps() {
        Arbitrary<Boolean> bools = Arbitraries.of(true, false);
        Arbitrary<Integer> seeds = Arbitraries.integers().between(0, 11);
        Arbitrary<UnaryOperator<Abstract>> aluConst = Combinators.combine(Arbitraries.of(ALU_OPS), longs(), bools, seeds)
                .as((op, c, is64, seed) -> a -> applyAlu(a, op, offset(op, is64, seed), new Abstract(Scalar.constant(c), c), is64));
        Arbitrary<UnaryOperator<Abstract>> aluVar = Combinators.combine(Arbitraries.of(ALU_OPS), bases(), bools, seeds)
                .as((op, b, is64, seed) -> a -> applyAlu(a, op, offset(op, is64, seed), b, is64));
        Arbitrary<UnaryOperator<Abstract>> branch = Combinators.combine(Arbitraries.of(JMP_OPS), bases(), bools, bools)
                .as((op, b, is32, asSrc) -> a -> applyBranch(a, op, b, is32, asSrc));
        Arbitrary<UnaryOperator<Abstract>> branchConst = Combinators.combine(Arbitraries.of(JMP_OPS), longs(), bools)
                .as((op, c, is32) -> a -> applyBranch(a, op, new Abstract(Scalar.constant(c), c), is32, false));
        Arbitrary<UnaryOperator<Abstract>> cast = Combinators.combine(Arbitraries.integers().between(0, 11), bools)
                .as((kind, flag) -> a -> applyCast(a, kind, flag));
        return Arbitraries.frequencyOf(
                Tuple.of(4, aluConst),
                Tuple.of(2, aluVar),
                Tuple.of(2, branch),
                Tuple.of(3, branchConst),
                Tuple.of(1, cast));
    }

    /** A valid instruction offset for {@code op}: signed division, or a sign-extending move. */
    static int offset(int op, boolean is64, int seed) {
        if (op == BPF_DIV || op == BPF_MOD) {
            return seed % 2;
        }
        if (op == BPF_MOV) {
            int[] choices = is64 ? new int[] {0, 8, 16, 32} : new int[] {0, 8, 16};
            return choices[seed % choices.length];
        }
        return 0;
    }

    static long concreteAlu(int op, int offset, long dst, long src, boolean is64) {
        return is64 ? Semantics.alu64(op, offset, 0, dst, src) : Semantics.alu32(op, offset, 0, false, dst, src);
    }

    static Abstract applyAlu(Abstract a, int op, int offset, Abstract b, boolean is64) {
        return new Abstract(a.value().alu(op, offset, b.value(), is64),
                concreteAlu(op, offset, a.member(), b.member(), is64));
    }

    /** Follow whichever successor the witness takes. */
    static Abstract applyBranch(Abstract a, int op, Abstract b, boolean is32, boolean asSrc) {
        Abstract dst = asSrc ? b : a;
        Abstract src = asSrc ? a : b;
        Refinement r = Scalar.refine(op, dst.value(), src.value(), is32);
        boolean taken = is32 ? Semantics.jump32(op, dst.member(), src.member())
                : Semantics.jump64(op, dst.member(), src.member());
        Scalar next;
        if (asSrc) {
            next = taken ? r.srcIfTaken() : r.srcIfNotTaken();
        } else {
            next = taken ? r.dstIfTaken() : r.dstIfNotTaken();
        }
        return new Abstract(next, a.member());
    }

    static Abstract applyCast(Abstract a, int kind, boolean flag) {
        long x = a.member();
        return switch (kind) {
            case 0 -> new Abstract(a.value().zeroExtend(1), truncate(x, 1));
            case 1 -> new Abstract(a.value().zeroExtend(2), truncate(x, 2));
            case 2 -> new Abstract(a.value().zeroExtend(4), truncate(x, 4));
            case 3 -> new Abstract(a.value().signExtend(8), (byte) x);
            case 4 -> new Abstract(a.value().signExtend(16), (short) x);
            case 5 -> new Abstract(a.value().signExtend(32), (int) x);
            case 6 -> new Abstract(a.value().signExtend32(8), ((byte) x) & LOW32);
            case 7 -> new Abstract(a.value().signExtend32(16), ((short) x) & LOW32);
            case 8 -> new Abstract(a.value().byteSwap(16, flag), swap(16, flag, x));
            case 9 -> new Abstract(a.value().byteSwap(32, flag), swap(32, flag, x));
            case 10 -> new Abstract(a.value().byteSwap(64, flag), swap(64, flag, x));
            default -> new Abstract(a.value().zeroExtend(8), x);
        };
    }

    static long truncate(long x, int bytes) {
        return bytes == 8 ? x : x & ((1L << (bytes * 8)) - 1);
    }

    static long swap(int bits, boolean toBigEndian, long x) {
        return toBigEndian ? Semantics.bswap(bits, x) : Semantics.toLittleEndian(bits, x);
    }
}
