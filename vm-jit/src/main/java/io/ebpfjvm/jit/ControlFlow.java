package io.ebpfjvm.jit;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Functions and basic blocks of a program as the JIT translates them. Functions start at
 * instruction 0, at every bpf-to-bpf call target and at every function reference
 * ({@code lddw} with {@code BPF_PSEUDO_FUNC}); each runs to the next start. Blocks start at
 * function starts, jump targets, after jumps and exits, and every {@link #MAX_BLOCK}
 * instructions, so no block is too large for a method of its own. Programs whose control flow
 * leaves a function other than by call and exit are refused ({@link JitUnsupportedException}).
 */
final class ControlFlow {
    /** Longest block in instructions; longer straight-line code is cut into several blocks. */
    static final int MAX_BLOCK = 128;

    /** A basic block: slots {@code [start, end)}, {@code count} instructions (a wide load counts once). */
    record Block(int index, int start, int end, int count, int function) {
    }

    /** A function: instruction range and its blocks (indices into {@link #blocks}). */
    record Function(int index, int start, int end, int firstBlock, int lastBlock) {
    }

    final Program program;
    final List<Function> functions = new ArrayList<>();
    final List<Block> blocks = new ArrayList<>();
    /** Block index starting at each slot, or -1. */
    final int[] blockAt;
    /** Function index containing each slot. */
    final int[] functionOf;

    ControlFlow(Program program) {
        this.program = program;
        int n = program.size();
        if (n == 0) {
            throw new JitUnsupportedException("empty program");
        }
        boolean[] second = new boolean[n];
        for (int pc = 0; pc < n; pc++) {
            if (program.get(pc).isLddw()) {
                if (pc + 1 >= n) {
                    throw new JitUnsupportedException("insn " + pc + ": wide load without its second slot");
                }
                second[++pc] = true;
            }
        }
        TreeSet<Integer> entries = new TreeSet<>();
        entries.add(0);
        for (int pc = 0; pc < n; pc++) {
            Instruction insn = program.get(pc);
            if (insn.isLocalCall() || (insn.isLddw() && insn.src() == BPF_PSEUDO_FUNC)) {
                int target = insn.callTarget(pc);
                checkTarget(pc, target, n, second);
                entries.add(target);
            }
            if (insn.isLddw()) {
                pc++;
            }
        }
        functionOf = new int[n];
        Integer[] starts = entries.toArray(new Integer[0]);
        for (int f = 0; f < starts.length; f++) {
            int end = f + 1 < starts.length ? starts[f + 1] : n;
            for (int pc = starts[f]; pc < end; pc++) {
                functionOf[pc] = f;
            }
        }
        boolean[] leader = new boolean[n + 1];
        for (int s : starts) {
            leader[s] = true;
        }
        for (int pc = 0; pc < n; pc++) {
            Instruction insn = program.get(pc);
            if (insn.isJump()) {
                int target = insn.jumpTarget(pc);
                checkTarget(pc, target, n, second);
                if (functionOf[target] != functionOf[pc] || entries.contains(target) && target != starts[functionOf[pc]]) {
                    throw new JitUnsupportedException("insn " + pc + ": jump to " + target + " leaves its function");
                }
                leader[target] = true;
                leader[pc + 1] = true;
            } else if (insn.isExit()) {
                leader[pc + 1] = true;
            }
            if (insn.isLddw()) {
                pc++;
            }
        }
        blockAt = new int[n];
        java.util.Arrays.fill(blockAt, -1);
        for (int f = 0; f < starts.length; f++) {
            int fStart = starts[f];
            int fEnd = f + 1 < starts.length ? starts[f + 1] : n;
            int first = blocks.size();
            int pc = fStart;
            while (pc < fEnd) {
                int start = pc;
                int count = 0;
                do {
                    pc += program.get(pc).isLddw() ? 2 : 1;
                    count++;
                } while (pc < fEnd && !leader[pc] && count < MAX_BLOCK);
                blockAt[start] = blocks.size();
                blocks.add(new Block(blocks.size(), start, pc, count, f));
            }
            Block last = blocks.get(blocks.size() - 1);
            if (fEnd < n && fallsThrough(last)) {
                throw new JitUnsupportedException("insn " + (last.end() - 1) + ": function falls through into the next one at " + fEnd);
            }
            functions.add(new Function(f, fStart, fEnd, first, blocks.size() - 1));
        }
    }

    private static void checkTarget(int pc, int target, int n, boolean[] second) {
        if (target < 0 || target >= n || second[target]) {
            throw new JitUnsupportedException("insn " + pc + ": target " + target + " is not an instruction");
        }
    }

    /** The slot of a block's last instruction. */
    int lastSlot(Block b) {
        int pc = b.start();
        int last = pc;
        while (pc < b.end()) {
            last = pc;
            pc += program.get(pc).isLddw() ? 2 : 1;
        }
        return last;
    }

    /** Whether control may continue from the end of the block into the next slot. */
    boolean fallsThrough(Block b) {
        Instruction last = program.get(lastSlot(b));
        return !last.isExit() && !(last.isJump() && last.op() == BPF_JA);
    }

    /** Function index starting at {@code pc}, or -1. */
    int functionAt(int pc) {
        for (Function f : functions) {
            if (f.start() == pc) {
                return f.index();
            }
        }
        return -1;
    }

    /** Every block start control may reach from the end of {@code b}. */
    List<Integer> successors(Block b) {
        List<Integer> out = new ArrayList<>();
        for (int pc = b.start(); pc < b.end(); pc += program.get(pc).isLddw() ? 2 : 1) {
            Instruction insn = program.get(pc);
            if (insn.isJump()) {
                out.add(insn.jumpTarget(pc));
            }
        }
        if (fallsThrough(b)) {
            out.add(b.end());
        }
        return out;
    }
}
