package io.ebpfjvm.verifier.scalar;

import java.util.Objects;

/**
 * What a conditional jump teaches about its two scalar operands: whether it is taken, and the
 * operands' values on each successor. The values of a side that {@code outcome} rules out are
 * the unrefined operands and carry no meaning.
 *
 * @param outcome        whether the jump is taken
 * @param dstIfTaken     the destination operand on the jump target
 * @param srcIfTaken     the source operand on the jump target
 * @param dstIfNotTaken  the destination operand on the fall-through
 * @param srcIfNotTaken  the source operand on the fall-through
 */
public record Refinement(Branch outcome, Scalar dstIfTaken, Scalar srcIfTaken,
                         Scalar dstIfNotTaken, Scalar srcIfNotTaken) {
    public Refinement {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(dstIfTaken, "dstIfTaken");
        Objects.requireNonNull(srcIfTaken, "srcIfTaken");
        Objects.requireNonNull(dstIfNotTaken, "dstIfNotTaken");
        Objects.requireNonNull(srcIfNotTaken, "srcIfNotTaken");
    }
}
