package io.ebpfjvm.verifier.cfg;

import io.ebpfjvm.core.isa.Instruction;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * The kernel's structural checks (add_subprog, check_subprogs, check_cfg) and the graph the
 * engines use: subprogram boundaries, jumps that stay inside their function, no fall-through
 * off the end, every slot reachable, no jump into the middle of a wide load. Back-edges are
 * recorded as loops; like the kernel for a CAP_BPF loader, they are not rejected here.
 */
public final class CfgBuilder {
    private static final int DISCOVERED = 1;
    private static final int EXPLORED = 2;

    private final List<Instruction> slots;
    private final int n;

    private CfgBuilder(List<Instruction> slots) {
        this.slots = slots;
        this.n = slots.size();
    }

    /** Checks {@code slots} and builds their graph; throws {@link CfgException} with the kernel's message. */
    public static ControlFlowGraph build(List<Instruction> slots) {
        return new CfgBuilder(slots).run();
    }

    private ControlFlowGraph run() {
        if (n == 0) {
            throw new CfgException(0, "last insn is not an exit or jmp");
        }
        int[] starts = subprogStarts();
        checkSubprogs(starts);
        List<Loop> loops = new ArrayList<>();
        checkCfg(loops);
        List<Subprogram> subs = new ArrayList<>();
        for (int i = 0; i < starts.length; i++) {
            subs.add(new Subprogram(i, starts[i], i + 1 < starts.length ? starts[i + 1] : n, 0));
        }
        return new ControlFlowGraph(blocks(starts), subs, loops);
    }

    private int[] subprogStarts() {
        TreeSet<Integer> starts = new TreeSet<>();
        starts.add(0);
        for (int pc = 0; pc < n; pc++) {
            Instruction insn = slots.get(pc);
            boolean pseudoCall = insn.opcode() == CALL && insn.src() == BPF_PSEUDO_CALL;
            boolean pseudoFunc = insn.opcode() == LDDW && insn.src() == BPF_PSEUDO_FUNC;
            if (pseudoCall || pseudoFunc) {
                long target = (long) pc + 1 + insn.imm();
                if (target < 0 || target >= n) {
                    throw new CfgException(pc, pseudoCall ? "call to invalid destination" : "invalid function pointer");
                }
                starts.add((int) target);
            }
            if (insn.opcode() == LDDW) {
                pc++;
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    private void checkSubprogs(int[] starts) {
        for (int s = 0; s < starts.length; s++) {
            int start = starts[s];
            int end = s + 1 < starts.length ? starts[s + 1] : n;
            for (int pc = start; pc < end; pc++) {
                Instruction insn = slots.get(pc);
                int cls = insn.cls();
                if (cls == BPF_JMP || cls == BPF_JMP32) {
                    int op = insn.op();
                    if (op != BPF_EXIT && op != BPF_CALL) {
                        long target = target(pc, insn);
                        if (target < start || target >= end) {
                            throw new CfgException(pc, "jump out of range from insn " + pc + " to " + target);
                        }
                    }
                }
                if (pc == end - 1) {
                    int code = insn.opcode();
                    if (code != EXIT && code != (BPF_JMP | BPF_JA) && code != (BPF_JMP32 | BPF_JA)) {
                        throw new CfgException(pc, "last insn is not an exit or jmp");
                    }
                }
            }
        }
    }

    private static long target(int pc, Instruction insn) {
        if (insn.opcode() == (BPF_JMP32 | BPF_JA)) {
            return (long) pc + 1 + insn.imm();
        }
        return (long) pc + 1 + insn.offset();
    }

    /** Successors of {@code pc} in the kernel's visiting order (fall-through first). */
    private long[] successors(int pc) {
        Instruction insn = slots.get(pc);
        int cls = insn.cls();
        if (insn.opcode() == LDDW) {
            if (insn.src() == BPF_PSEUDO_FUNC) {
                return new long[] {pc + 2L, pc + 1L + insn.imm()};
            }
            return new long[] {pc + 2L};
        }
        if (cls != BPF_JMP && cls != BPF_JMP32) {
            return new long[] {pc + 1L};
        }
        int op = insn.op();
        if (op == BPF_EXIT) {
            return new long[0];
        }
        if (op == BPF_CALL) {
            if (insn.src() == BPF_PSEUDO_CALL) {
                return new long[] {pc + 1L, pc + 1L + insn.imm()};
            }
            return new long[] {pc + 1L};
        }
        if (op == BPF_JA) {
            return new long[] {target(pc, insn)};
        }
        return new long[] {pc + 1L, target(pc, insn)};
    }

    private void checkCfg(List<Loop> loops) {
        int[] state = new int[n];
        int[] next = new int[n];
        int[] stack = new int[n + 1];
        int sp = 0;
        stack[sp++] = 0;
        state[0] = DISCOVERED;
        while (sp > 0) {
            int t = stack[sp - 1];
            long[] succ = successors(t);
            boolean pushed = false;
            while (next[t] < succ.length) {
                long w = succ[next[t]++];
                if (w < 0 || w >= n) {
                    throw new CfgException(t, "jump out of range from insn " + t + " to " + w);
                }
                int wi = (int) w;
                if (state[wi] == 0) {
                    state[wi] = DISCOVERED;
                    stack[sp++] = wi;
                    pushed = true;
                    break;
                }
                if (state[wi] == DISCOVERED) {
                    loops.add(new Loop(wi, t));
                }
            }
            if (!pushed) {
                state[t] = EXPLORED;
                sp--;
            }
        }
        for (int i = 0; i < n; i++) {
            if (state[i] != EXPLORED) {
                throw new CfgException(i, "unreachable insn " + i);
            }
            if (slots.get(i).opcode() == LDDW) {
                if (i + 1 >= n) {
                    throw new CfgException(i, "invalid BPF_LD_IMM insn");
                }
                if (state[i + 1] != 0) {
                    throw new CfgException(i, "jump into the middle of ldimm64 insn " + i);
                }
                i++;
            }
        }
    }

    private List<BasicBlock> blocks(int[] starts) {
        TreeSet<Integer> leaders = new TreeSet<>();
        for (int s : starts) {
            leaders.add(s);
        }
        for (int pc = 0; pc < n; pc++) {
            Instruction insn = slots.get(pc);
            int width = insn.opcode() == LDDW ? 2 : 1;
            if (insn.isJump() || insn.isExit() || insn.isLocalCall()) {
                if (pc + width < n) {
                    leaders.add(pc + width);
                }
                if (insn.isJump()) {
                    leaders.add((int) target(pc, insn));
                }
            }
            pc += width - 1;
        }
        List<BasicBlock> blocks = new ArrayList<>();
        Integer[] ls = leaders.toArray(new Integer[0]);
        int sub = 0;
        for (int i = 0; i < ls.length; i++) {
            int start = ls[i];
            int end = i + 1 < ls.length ? ls[i + 1] : n;
            while (sub + 1 < starts.length && starts[sub + 1] <= start) {
                sub++;
            }
            int last = end - 1;
            if (last > start && slots.get(last - 1).opcode() == LDDW) {
                last = last - 1;
            }
            Instruction insn = slots.get(last);
            List<Integer> succ = new ArrayList<>();
            if (insn.isExit()) {
                // no successor
            } else if (insn.isJump()) {
                if (insn.isConditionalJump()) {
                    succ.add(end);
                }
                succ.add((int) target(last, insn));
            } else if (end < n) {
                succ.add(end);
            }
            blocks.add(new BasicBlock(start, end, succ, sub));
        }
        return blocks;
    }
}
