package io.ebpfjvm.verifier;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.verifier.scalar.Scalar;
import io.ebpfjvm.verifier.state.Reg;
import io.ebpfjvm.verifier.state.VerifierState;

import static io.ebpfjvm.core.isa.Opcodes.BPF_ADD;
import static io.ebpfjvm.core.isa.Opcodes.BPF_SUB;

/**
 * Scalars linked by a constant difference, as the kernel tracks them: copies of a value share
 * an id, and {@code rX += K} / {@code wX -= K} on a copy keeps the id, flagged
 * {@link Reg#ADD_CONST64} or {@link Reg#ADD_CONST32}, with {@code K} in the register's
 * {@code off}. A bound a branch learns about one member then holds, shifted by the difference
 * of offsets, for every member: the pattern compilers emit for
 * {@code if (len - 1 >= N) ...; use(len)}.
 */
final class LinkedScalars {
    private LinkedScalars() {
    }

    /**
     * The id and offset of {@code dst op= src} (already computed into {@code result}): a link
     * survives one add or subtract of a constant that fits in 32 signed bits; anything else
     * breaks it. A 32-bit operation keeps the link only when the upper half was zero, so that
     * the zero-extension loses nothing.
     */
    static Reg afterAlu(Instruction insn, Reg dst, Reg src, boolean srcX, boolean is64, Scalar result) {
        Reg out = Reg.scalar(result);
        int op = insn.op();
        if (dst.id() == 0 || (op != BPF_ADD && op != BPF_SUB) || (srcX && insn.src() == insn.dst())) {
            return out; // r += r changes by the value itself, not by a constant
        }
        boolean constant = is64 ? src.var().isConstant() : src.var().isSubregConstant();
        if (!src.isScalar() || !constant || (dst.id() & Reg.ADD_CONST) != 0) {
            return out; // a second constant cannot be folded into the same offset
        }
        long val = is64 ? src.var().tnum().value() : src.var().tnum().value() & 0xffffffffL;
        if (is64 && (val < Integer.MIN_VALUE || val > Integer.MAX_VALUE)) {
            return out;
        }
        if (!is64 && Long.compareUnsigned(dst.var().umax(), 0xffffffffL) > 0) {
            return out;
        }
        int off = (int) val;
        if (op == BPF_SUB) {
            if (off == Integer.MIN_VALUE) {
                return out;
            }
            off = -off;
        }
        return out.withId(dst.id() | (is64 ? Reg.ADD_CONST64 : Reg.ADD_CONST32)).withOff(off);
    }

    /**
     * sync_linked_regs: every scalar sharing {@code known}'s base id learns its bounds, moved by
     * the difference of their offsets (and zero-extended when either side is a 32-bit link).
     * Members linked once by 32-bit and once by 64-bit arithmetic are left alone: their
     * difference is not the same in both widths.
     */
    static void sync(VerifierState st, Reg known) {
        if (!known.isScalar() || known.id() == 0) {
            return;
        }
        int base = known.baseId();
        int knownFlags = known.id() & Reg.ADD_CONST;
        Checker.forEachReg(st, r -> {
            if (!r.isScalar() || r.baseId() != base || r == known) {
                return r;
            }
            int flags = r.id() & Reg.ADD_CONST;
            if (flags == 0 && knownFlags == 0 || flags == knownFlags && r.off() == known.off()) {
                return r.withVar(known.var());
            }
            if (flags != 0 && knownFlags != 0 && flags != knownFlags) {
                return r;
            }
            long delta = (long) r.off() - known.off();
            Scalar v = known.var().alu(BPF_ADD, Scalar.constant(delta), true);
            if (((flags | knownFlags) & Reg.ADD_CONST32) != 0) {
                v = v.zeroExtend(4);
            }
            return r.withVar(v);
        });
    }
}
