package io.ebpfjvm.verifier.cfg;

import java.util.List;

/** Basic blocks, subprograms and loops of a program, in slot order. */
public record ControlFlowGraph(List<BasicBlock> blocks, List<Subprogram> subprograms, List<Loop> loops) {
    public ControlFlowGraph {
        blocks = List.copyOf(blocks);
        subprograms = List.copyOf(subprograms);
        loops = List.copyOf(loops);
    }

    /** The subprogram containing slot {@code pc}. */
    public Subprogram subprogramAt(int pc) {
        Subprogram found = subprograms.get(0);
        for (Subprogram s : subprograms) {
            if (s.start() <= pc) {
                found = s;
            }
        }
        return found;
    }

    /** The block starting at {@code pc}, or null. */
    public BasicBlock blockAt(int pc) {
        for (BasicBlock b : blocks) {
            if (b.start() == pc) {
                return b;
            }
        }
        return null;
    }
}
