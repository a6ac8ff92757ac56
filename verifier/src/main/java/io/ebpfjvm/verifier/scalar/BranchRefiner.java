package io.ebpfjvm.verifier.scalar;

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
import static io.ebpfjvm.core.isa.Opcodes.BPF_X;
import static io.ebpfjvm.verifier.scalar.RegBounds.LOW32;

/**
 * Conditional jumps on two scalars: the kernel's {@code is_scalar_branch_taken} decides whether
 * the jump is certain, and {@code regs_refine_cond_op} followed by {@code reg_bounds_sync}
 * narrows both operands on each successor ({@code reg_set_min_max}).
 *
 * <p>Beyond the kernel's prediction, a successor whose refined operands contradict themselves
 * (the kernel's register-invariant check) is reported as impossible: no concrete pair can reach
 * it, so calling it dead is sound, and it spares the caller an inconsistent state.
 */
final class BranchRefiner {
    /** The negation of {@code JSET} ("no common bit"), the kernel's {@code BPF_JSET | BPF_X}. */
    private static final int JSET_NONE = BPF_JSET | BPF_X;

    private BranchRefiner() {
    }

    static Refinement refine(int op, Scalar dst, Scalar src, boolean is32) {
        Branch outcome = switch (isBranchTaken(dst, src, op, is32)) {
            case 1 -> Branch.ALWAYS;
            case 0 -> Branch.NEVER;
            default -> Branch.UNKNOWN;
        };
        if (outcome != Branch.UNKNOWN) {
            // A predicted jump teaches nothing on the path it takes (the kernel does not refine).
            return new Refinement(outcome, dst, src, dst, src);
        }
        RegBounds takenDst = new RegBounds(dst);
        RegBounds takenSrc = new RegBounds(src);
        refineCondOp(takenDst, takenSrc, op, is32);
        takenDst.sync();
        takenSrc.sync();
        RegBounds fallDst = new RegBounds(dst);
        RegBounds fallSrc = new RegBounds(src);
        refineCondOp(fallDst, fallSrc, reverse(op), is32);
        fallDst.sync();
        fallSrc.sync();
        boolean takenPossible = takenDst.isConsistent() && takenSrc.isConsistent();
        boolean fallPossible = fallDst.isConsistent() && fallSrc.isConsistent();
        if (!takenPossible && fallPossible) {
            return new Refinement(Branch.NEVER, dst, src, dst, src);
        }
        if (takenPossible && !fallPossible) {
            return new Refinement(Branch.ALWAYS, dst, src, dst, src);
        }
        if (!takenPossible) {
            // Neither side holds a value: the operands themselves were empty. Keep both paths.
            return new Refinement(Branch.UNKNOWN, dst, src, dst, src);
        }
        return new Refinement(Branch.UNKNOWN, takenDst.freeze(), takenSrc.freeze(),
                fallDst.freeze(), fallSrc.freeze());
    }

    /** The condition that holds on the fall-through ({@code rev_opcode}). */
    static int reverse(int op) {
        return switch (op) {
            case BPF_JEQ -> BPF_JNE;
            case BPF_JNE -> BPF_JEQ;
            case BPF_JGT -> BPF_JLE;
            case BPF_JLE -> BPF_JGT;
            case BPF_JGE -> BPF_JLT;
            case BPF_JLT -> BPF_JGE;
            case BPF_JSGT -> BPF_JSLE;
            case BPF_JSLE -> BPF_JSGT;
            case BPF_JSGE -> BPF_JSLT;
            case BPF_JSLT -> BPF_JSGE;
            case BPF_JSET -> JSET_NONE;
            case JSET_NONE -> BPF_JSET;
            default -> throw new IllegalArgumentException("not a conditional jump: 0x" + Integer.toHexString(op));
        };
    }

    /** The condition with its operands exchanged ({@code flip_opcode}). */
    private static int flip(int op) {
        return switch (op) {
            case BPF_JGT -> BPF_JLT;
            case BPF_JLT -> BPF_JGT;
            case BPF_JGE -> BPF_JLE;
            case BPF_JLE -> BPF_JGE;
            case BPF_JSGT -> BPF_JSLT;
            case BPF_JSLT -> BPF_JSGT;
            case BPF_JSGE -> BPF_JSLE;
            case BPF_JSLE -> BPF_JSGE;
            default -> op;
        };
    }

    private static boolean isConst(Scalar s, boolean is32) {
        return is32 ? s.tnum().isSubregConst() : s.tnum().isConst();
    }

    private static boolean isConst(RegBounds r, boolean is32) {
        return is32 ? r.varOff.isSubregConst() : r.varOff.isConst();
    }

    /** 1 if always taken, 0 if never, -1 if unknown (the kernel's {@code is_scalar_branch_taken}). */
    static int isBranchTaken(Scalar r1, Scalar r2, int op, boolean is32) {
        Tnum t1 = is32 ? r1.tnum().subreg() : r1.tnum();
        Tnum t2 = is32 ? r2.tnum().subreg() : r2.tnum();
        // Bounds of the compared width, widened to 64 bits so one set of comparisons serves both.
        long umin1 = is32 ? r1.u32min() & LOW32 : r1.umin();
        long umax1 = is32 ? r1.u32max() & LOW32 : r1.umax();
        long smin1 = is32 ? r1.s32min() : r1.smin();
        long smax1 = is32 ? r1.s32max() : r1.smax();
        long umin2 = is32 ? r2.u32min() & LOW32 : r2.umin();
        long umax2 = is32 ? r2.u32max() & LOW32 : r2.umax();
        long smin2 = is32 ? r2.s32min() : r2.smin();
        long smax2 = is32 ? r2.s32max() : r2.smax();

        switch (op) {
            case BPF_JEQ, BPF_JNE -> {
                int equal;
                if (t1.isConst() && t2.isConst()) {
                    equal = t1.value() == t2.value() ? 1 : 0;
                } else if (!t1.overlaps(t2) || disjoint(r1, r2, is32, umin1, umax1, smin1, smax1,
                        umin2, umax2, smin2, smax2)) {
                    equal = 0;
                } else {
                    return -1;
                }
                return op == BPF_JEQ ? equal : 1 - equal;
            }
            case BPF_JSET -> {
                if (!isConst(r2, is32)) {
                    Tnum t = t1;
                    t1 = t2;
                    t2 = t;
                    if (!isConst(r1, is32)) {
                        return -1;
                    }
                }
                if ((~t1.mask() & t1.value() & t2.value()) != 0) {
                    return 1;
                }
                if (((t1.mask() | t1.value()) & t2.value()) == 0) {
                    return 0;
                }
                return -1;
            }
            case BPF_JGT -> {
                return RegBounds.ult(umax2, umin1) ? 1 : RegBounds.ule(umax1, umin2) ? 0 : -1;
            }
            case BPF_JSGT -> {
                return smin1 > smax2 ? 1 : smax1 <= smin2 ? 0 : -1;
            }
            case BPF_JLT -> {
                return RegBounds.ult(umax1, umin2) ? 1 : RegBounds.ule(umax2, umin1) ? 0 : -1;
            }
            case BPF_JSLT -> {
                return smax1 < smin2 ? 1 : smin1 >= smax2 ? 0 : -1;
            }
            case BPF_JGE -> {
                return RegBounds.ule(umax2, umin1) ? 1 : RegBounds.ult(umax1, umin2) ? 0 : -1;
            }
            case BPF_JSGE -> {
                return smin1 >= smax2 ? 1 : smax1 < smin2 ? 0 : -1;
            }
            case BPF_JLE -> {
                return RegBounds.ule(umax1, umin2) ? 1 : RegBounds.ult(umax2, umin1) ? 0 : -1;
            }
            case BPF_JSLE -> {
                return smax1 <= smin2 ? 1 : smin1 > smax2 ? 0 : -1;
            }
            default -> throw new IllegalArgumentException("not a conditional jump: 0x" + Integer.toHexString(op));
        }
    }

    /** Whether the two operands' ranges share no value (for JEQ/JNE). */
    private static boolean disjoint(Scalar r1, Scalar r2, boolean is32,
                                    long umin1, long umax1, long smin1, long smax1,
                                    long umin2, long umax2, long smin2, long smax2) {
        if (RegBounds.ult(umax2, umin1) || RegBounds.ult(umax1, umin2)) {
            return true;
        }
        if (smin1 > smax2 || smax1 < smin2) {
            return true;
        }
        if (!is32) {
            // Inconclusive 64-bit ranges may still have disjoint low halves.
            if (RegBounds.ult32(r2.u32max(), r1.u32min()) || RegBounds.ult32(r1.u32max(), r2.u32min())) {
                return true;
            }
            return r1.s32min() > r2.s32max() || r1.s32max() < r2.s32min();
        }
        return false;
    }

    /** Narrow both operands to the pairs for which {@code r1 op r2} holds. */
    static void refineCondOp(RegBounds r1, RegBounds r2, int op, boolean is32) {
        // GT/GE and their signed forms reuse LT/LE with the operands exchanged.
        if (op == BPF_JGE || op == BPF_JGT || op == BPF_JSGE || op == BPF_JSGT) {
            op = flip(op);
            RegBounds t = r1;
            r1 = r2;
            r2 = t;
        }
        switch (op) {
            case BPF_JEQ -> refineEqual(r1, r2, is32);
            case BPF_JNE -> {
                if (!isConst(r2, is32)) {
                    RegBounds t = r1;
                    r1 = r2;
                    r2 = t;
                }
                if (isConst(r2, is32)) {
                    excludeEdge(r1, r2.varOff.value(), is32);
                }
            }
            case BPF_JSET -> {
                if (!isConst(r2, is32)) {
                    RegBounds t = r1;
                    r1 = r2;
                    r2 = t;
                }
                if (!isConst(r2, is32)) {
                    return;
                }
                long val = is32 ? r2.varOff.value() & LOW32 : r2.varOff.value();
                // Only a single tested bit says which bit is set.
                if (Long.bitCount(val) != 1) {
                    return;
                }
                if (is32) {
                    r1.varOff = r1.varOff.withSubreg(r1.varOff.subreg().or(Tnum.constant(val)));
                } else {
                    r1.varOff = r1.varOff.or(Tnum.constant(val));
                }
            }
            case JSET_NONE -> {
                if (!isConst(r2, is32)) {
                    RegBounds t = r1;
                    r1 = r2;
                    r2 = t;
                }
                if (!isConst(r2, is32)) {
                    return;
                }
                long val = is32 ? r2.varOff.value() & LOW32 : r2.varOff.value();
                // None of the tested bits is set.
                if (is32) {
                    r1.varOff = r1.varOff.withSubreg(r1.varOff.subreg().and(Tnum.constant(~val)));
                } else {
                    r1.varOff = r1.varOff.and(Tnum.constant(~val));
                }
            }
            case BPF_JLE -> {
                if (is32) {
                    r1.u32max = RegBounds.u32minOf(r1.u32max, r2.u32max);
                    r2.u32min = RegBounds.u32maxOf(r1.u32min, r2.u32min);
                } else {
                    r1.umax = RegBounds.uminOf(r1.umax, r2.umax);
                    r2.umin = RegBounds.umaxOf(r1.umin, r2.umin);
                }
            }
            case BPF_JLT -> {
                if (is32) {
                    r1.u32max = RegBounds.u32minOf(r1.u32max, r2.u32max - 1);
                    r2.u32min = RegBounds.u32maxOf(r1.u32min + 1, r2.u32min);
                } else {
                    r1.umax = RegBounds.uminOf(r1.umax, r2.umax - 1);
                    r2.umin = RegBounds.umaxOf(r1.umin + 1, r2.umin);
                }
            }
            case BPF_JSLE -> {
                if (is32) {
                    r1.s32max = Math.min(r1.s32max, r2.s32max);
                    r2.s32min = Math.max(r1.s32min, r2.s32min);
                } else {
                    r1.smax = Math.min(r1.smax, r2.smax);
                    r2.smin = Math.max(r1.smin, r2.smin);
                }
            }
            case BPF_JSLT -> {
                if (is32) {
                    r1.s32max = Math.min(r1.s32max, r2.s32max - 1);
                    r2.s32min = Math.max(r1.s32min + 1, r2.s32min);
                } else {
                    r1.smax = Math.min(r1.smax, r2.smax - 1);
                    r2.smin = Math.max(r1.smin + 1, r2.smin);
                }
            }
            default -> throw new IllegalArgumentException("not a conditional jump: 0x" + Integer.toHexString(op));
        }
    }

    /** Both operands equal: each gets the intersection of the two. */
    private static void refineEqual(RegBounds r1, RegBounds r2, boolean is32) {
        if (is32) {
            r1.u32min = RegBounds.u32maxOf(r1.u32min, r2.u32min);
            r1.u32max = RegBounds.u32minOf(r1.u32max, r2.u32max);
            r1.s32min = Math.max(r1.s32min, r2.s32min);
            r1.s32max = Math.min(r1.s32max, r2.s32max);
            r2.u32min = r1.u32min;
            r2.u32max = r1.u32max;
            r2.s32min = r1.s32min;
            r2.s32max = r1.s32max;
            Tnum t = r1.varOff.subreg().intersect(r2.varOff.subreg());
            r1.varOff = r1.varOff.withSubreg(t);
            r2.varOff = r2.varOff.withSubreg(t);
        } else {
            r1.umin = RegBounds.umaxOf(r1.umin, r2.umin);
            r1.umax = RegBounds.uminOf(r1.umax, r2.umax);
            r1.smin = Math.max(r1.smin, r2.smin);
            r1.smax = Math.min(r1.smax, r2.smax);
            r2.umin = r1.umin;
            r2.umax = r1.umax;
            r2.smin = r1.smin;
            r2.smax = r1.smax;
            r1.varOff = r1.varOff.intersect(r2.varOff);
            r2.varOff = r1.varOff;
        }
    }

    /** Not equal to a constant: a bound sitting exactly on it moves one step inwards. */
    private static void excludeEdge(RegBounds r, long val, boolean is32) {
        if (is32) {
            int v = (int) val;
            if (r.u32min == v) {
                r.u32min++;
            }
            if (r.u32max == v) {
                r.u32max--;
            }
            if (r.s32min == v) {
                r.s32min++;
            }
            if (r.s32max == v) {
                r.s32max--;
            }
        } else {
            if (r.umin == val) {
                r.umin++;
            }
            if (r.umax == val) {
                r.umax--;
            }
            if (r.smin == val) {
                r.smin++;
            }
            if (r.smax == val) {
                r.smax--;
            }
        }
    }
}
