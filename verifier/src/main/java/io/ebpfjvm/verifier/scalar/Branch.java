package io.ebpfjvm.verifier.scalar;

/** Whether a conditional jump is taken, as far as the operands' abstract values tell. */
public enum Branch {
    /** Every pair of possible operand values takes the jump. */
    ALWAYS,
    /** No pair of possible operand values takes the jump. */
    NEVER,
    /** Some pairs take it, some may not: both successors must be explored. */
    UNKNOWN
}
