package io.ebpfjvm.jit;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.verifier.RegisterFacts;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Which register values of one function the JIT keeps in {@code int} locals. A value is the
 * web of a register's definitions that reach common uses (found by reaching definitions over
 * the function's blocks). A web is narrow when every definition in it is an ALU result, a load
 * or a constant that the verifier proves to be a number within {@code int} on every path: then
 * {@code (long) intValue} is the register, and C2 sees loop counters as the {@code int}
 * induction variables its counted-loop optimisations (range-check elimination, unrolling) need.
 *
 * <p>Values from calls, atomics and legacy packet loads, the arguments a function starts with,
 * and registers a call clobbers are never narrow. Nothing is narrow without verifier facts.
 */
final class NarrowRegisters {
    private static final int REGS = 10;
    /** Definition kinds: whether a definition may be narrow at all. */
    private static final byte NARROWABLE = 1;
    private static final byte WIDE = 2;

    private final int start;
    private final boolean[] narrowDef;
    private final boolean[] narrowUse;

    private NarrowRegisters(int start, int length) {
        this.start = start;
        this.narrowDef = new boolean[length * REGS];
        this.narrowUse = new boolean[length * REGS];
    }

    /** Whether the value {@code pc} writes into {@code r} lives in the register's int local. */
    boolean def(int pc, int r) {
        int i = (pc - start) * REGS + r;
        return r < REGS && i >= 0 && i < narrowDef.length && narrowDef[i];
    }

    /** Whether the value of {@code r} that {@code pc} reads lives in the register's int local. */
    boolean use(int pc, int r) {
        int i = (pc - start) * REGS + r;
        return r < REGS && i >= 0 && i < narrowUse.length && narrowUse[i];
    }

    /** The narrow values of the function made of {@code blocks} (in order, the first is its entry). */
    static NarrowRegisters of(Program program, List<ControlFlow.Block> blocks,
                              java.util.function.Function<ControlFlow.Block, List<Integer>> successors, RegisterFacts facts) {
        int first = blocks.get(0).start();
        int last = blocks.get(blocks.size() - 1).end();
        NarrowRegisters out = new NarrowRegisters(first, last - first);
        java.util.Map<Integer, Integer> blockIndex = new java.util.HashMap<>();
        for (int b = 0; b < blocks.size(); b++) {
            blockIndex.put(blocks.get(b).start(), b);
        }
        List<List<Integer>> preds = new ArrayList<>();
        for (int b = 0; b < blocks.size(); b++) {
            preds.add(new ArrayList<>());
        }
        for (int b = 0; b < blocks.size(); b++) {
            for (int s : successors.apply(blocks.get(b))) {
                Integer t = blockIndex.get(s);
                if (t != null) {
                    preds.get(t).add(b);
                }
            }
        }
        for (int r = 0; r < REGS; r++) {
            out.webs(program, blocks, preds, facts, r);
        }
        return out;
    }

    /** Reaching definitions of register {@code r}, their webs, and which webs are narrow. */
    private void webs(Program program, List<ControlFlow.Block> blocks, List<List<Integer>> preds, RegisterFacts facts, int r) {
        // Definition 0 is the value the function starts with.
        List<Integer> defPc = new ArrayList<>();
        List<Boolean> defNarrowable = new ArrayList<>();
        defPc.add(-1);
        defNarrowable.add(false);
        int n = blocks.size();
        int[] lastDef = new int[n];
        java.util.Arrays.fill(lastDef, -1);
        java.util.Map<Integer, Integer> defAt = new java.util.HashMap<>();
        for (int b = 0; b < n; b++) {
            ControlFlow.Block block = blocks.get(b);
            for (int pc = block.start(); pc < block.end(); pc += program.get(pc).isLddw() ? 2 : 1) {
                byte kind = defines(program.get(pc), r);
                if (kind != 0) {
                    int next = pc + (program.get(pc).isLddw() ? 2 : 1);
                    boolean ok = kind == NARROWABLE && facts.intScalar(next, r);
                    defAt.put(pc, defPc.size());
                    lastDef[b] = defPc.size();
                    defPc.add(pc);
                    defNarrowable.add(ok);
                }
            }
        }
        int defs = defPc.size();
        BitSet[] in = new BitSet[n];
        BitSet[] outSet = new BitSet[n];
        for (int b = 0; b < n; b++) {
            in[b] = new BitSet(defs);
            outSet[b] = new BitSet(defs);
        }
        in[0].set(0);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int b = 0; b < n; b++) {
                BitSet i = b == 0 ? (BitSet) in[0].clone() : new BitSet(defs);
                for (int p : preds.get(b)) {
                    i.or(outSet[p]);
                }
                if (b == 0) {
                    i.set(0);
                }
                BitSet o;
                if (lastDef[b] >= 0) {
                    o = new BitSet(defs);
                    o.set(lastDef[b]);
                } else {
                    o = i;
                }
                if (!i.equals(in[b]) || !o.equals(outSet[b])) {
                    in[b] = i;
                    outSet[b] = o;
                    changed = true;
                }
            }
        }
        // Union the definitions reaching each use; remember one member per use.
        int[] parent = new int[defs];
        for (int d = 0; d < defs; d++) {
            parent[d] = d;
        }
        List<int[]> uses = new ArrayList<>(); // {pc, a reaching definition}
        for (int b = 0; b < n; b++) {
            ControlFlow.Block block = blocks.get(b);
            BitSet reaching = (BitSet) in[b].clone();
            for (int pc = block.start(); pc < block.end(); pc += program.get(pc).isLddw() ? 2 : 1) {
                Instruction insn = program.get(pc);
                if (uses(insn, r)) {
                    int any = reaching.nextSetBit(0);
                    if (any >= 0) {
                        for (int d = reaching.nextSetBit(any + 1); d >= 0; d = reaching.nextSetBit(d + 1)) {
                            union(parent, any, d);
                        }
                        uses.add(new int[] {pc, any});
                    }
                }
                Integer d = defAt.get(pc);
                if (d != null) {
                    reaching.clear();
                    reaching.set(d);
                }
            }
        }
        boolean[] wide = new boolean[defs];
        for (int d = 0; d < defs; d++) {
            if (!defNarrowable.get(d)) {
                wide[find(parent, d)] = true;
            }
        }
        for (int d = 1; d < defs; d++) {
            if (!wide[find(parent, d)]) {
                narrowDef[(defPc.get(d) - start) * REGS + r] = true;
            }
        }
        for (int[] u : uses) {
            if (!wide[find(parent, u[1])]) {
                narrowUse[(u[0] - start) * REGS + r] = true;
            }
        }
    }

    private static int find(int[] parent, int d) {
        while (parent[d] != d) {
            parent[d] = parent[parent[d]];
            d = parent[d];
        }
        return d;
    }

    private static void union(int[] parent, int a, int b) {
        parent[find(parent, a)] = find(parent, b);
    }

    /** How {@code insn} defines {@code r}: 0 when it does not, else {@link #NARROWABLE} or {@link #WIDE}. */
    static byte defines(Instruction insn, int r) {
        int cls = insn.cls();
        switch (cls) {
            case BPF_ALU, BPF_ALU64, BPF_LDX -> {
                return insn.dst() == r ? NARROWABLE : 0;
            }
            case BPF_LD -> {
                if (insn.isLddw()) {
                    return insn.dst() == r ? NARROWABLE : 0;
                }
                return r <= 5 ? WIDE : 0; // LD_ABS / LD_IND: r0 and the clobbered r1-r5
            }
            case BPF_STX -> {
                if (mode(insn.opcode()) != BPF_ATOMIC) {
                    return 0;
                }
                int aop = insn.imm();
                if (aop == BPF_CMPXCHG) {
                    return r == 0 ? WIDE : 0;
                }
                return (aop & BPF_FETCH) != 0 && insn.src() == r ? WIDE : 0;
            }
            case BPF_JMP, BPF_JMP32 -> {
                return insn.op() == BPF_CALL && r <= 5 ? WIDE : 0;
            }
            default -> {
                return 0;
            }
        }
    }

    /** Whether the code the JIT emits for {@code insn} reads {@code r} (calls: every register, as a local call passes them all). */
    static boolean uses(Instruction insn, int r) {
        int cls = insn.cls();
        boolean x = source(insn.opcode()) == BPF_X;
        return switch (cls) {
            case BPF_ALU, BPF_ALU64 -> insn.op() == BPF_MOV ? x && insn.src() == r : insn.dst() == r || x && insn.src() == r;
            case BPF_LDX -> insn.src() == r;
            case BPF_ST -> insn.dst() == r;
            case BPF_STX -> insn.dst() == r || insn.src() == r || mode(insn.opcode()) == BPF_ATOMIC && r == 0;
            case BPF_LD -> !insn.isLddw() && mode(insn.opcode()) == BPF_IND && insn.src() == r;
            case BPF_JMP, BPF_JMP32 -> {
                if (insn.op() == BPF_CALL) {
                    yield true;
                }
                if (insn.op() == BPF_EXIT) {
                    yield r == 0;
                }
                if (insn.op() == BPF_JA) {
                    yield false;
                }
                yield insn.dst() == r || x && insn.src() == r;
            }
            default -> true;
        };
    }
}
