package io.ebpfjvm.verifier.cfg;

import java.util.List;

/**
 * A straight-line run of instruction slots entered only at its first slot.
 *
 * @param start      index of the first slot
 * @param end        index one past the last slot
 * @param successors start indices of the blocks control may pass to (a call's callee excluded)
 * @param subprog    index of the subprogram the block belongs to
 */
public record BasicBlock(int start, int end, List<Integer> successors, int subprog) {
    public BasicBlock {
        successors = List.copyOf(successors);
    }
}
