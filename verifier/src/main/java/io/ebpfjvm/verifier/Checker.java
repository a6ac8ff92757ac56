package io.ebpfjvm.verifier;

import io.ebpfjvm.core.asm.Disassembler;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.loader.MapSpec;
import io.ebpfjvm.verifier.cfg.ControlFlowGraph;
import io.ebpfjvm.verifier.scalar.Scalar;
import io.ebpfjvm.verifier.state.FuncState;
import io.ebpfjvm.verifier.state.Reg;
import io.ebpfjvm.verifier.state.RegType;
import io.ebpfjvm.verifier.state.VerifierState;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * The kernel's {@code do_check}: a depth-first walk over every path of the program with an
 * abstract state per path, forking at undecided conditional jumps (fall-through first, like
 * the kernel), pruning a path when a state already proven safe at the same instruction
 * contains it. Instruction semantics live in {@link AluChecks}, {@link MemoryChecks},
 * {@link BranchChecks} and {@link CallChecks}.
 */
final class Checker {
    /** A checkpoint: a state stored at a prune point, with the count of paths still below it. */
    static final class Node {
        final int pc;
        final VerifierState state;
        final Node parent;
        final int hash;
        int branches = 1;
        int hits;
        int misses;

        Node(int pc, VerifierState state, Node parent, int hash) {
            this.pc = pc;
            this.state = state;
            this.parent = parent;
            this.hash = hash;
        }
    }

    private record Work(int pc, VerifierState state, Node node) {
    }

    final List<Instruction> slots;
    final ProgramType type;
    final VerifierOptions options;
    final List<MapSpec> maps;
    final ControlFlowGraph cfg;
    final StringBuilder log = new StringBuilder();

    final MemoryAccess[] accesses;
    final int[] helperIds;
    final boolean[] reachable;
    final RegisterFacts registerFacts;
    /** The pointer type each load/store saw first (the kernel's insn_aux_data ptr_type). */
    final RegType[] auxPtrType;
    final int[] subprogStackDepth;
    final int[] subprogOfPc;
    /** Subprograms that are global functions: checked, like the kernel, without the caller's values. */
    final boolean[] globalSubprog;
    private final boolean[] prunePoint;
    /** States stored at one prune point: those still being explored by hash, finished ones in a list. */
    private static final class PcStates {
        final Map<Integer, List<Node>> inProgress = new HashMap<>();
        final List<Node> done = new ArrayList<>();
        int inProgressCount;
    }

    private final Map<Integer, PcStates> explored = new HashMap<>();

    VerifierState state;
    int pc;
    int processed;
    int idGen;
    private Node node;
    private final Deque<Work> stack = new ArrayDeque<>();
    private int jmpsProcessed;
    private int prevJmpsProcessed;
    private int prevInsnProcessed;

    final AluChecks alu;
    final MemoryChecks memory;
    final BranchChecks branches;
    final CallChecks calls;

    Checker(List<Instruction> slots, ProgramType type, VerifierOptions options, ControlFlowGraph cfg) {
        this.slots = slots;
        this.type = type;
        this.options = options;
        this.maps = options.maps();
        this.cfg = cfg;
        int n = slots.size();
        accesses = new MemoryAccess[n];
        helperIds = new int[n];
        Arrays.fill(helperIds, -1);
        reachable = new boolean[n];
        registerFacts = new RegisterFacts(n);
        auxPtrType = new RegType[n];
        subprogStackDepth = new int[cfg.subprograms().size()];
        subprogOfPc = new int[n];
        for (var s : cfg.subprograms()) {
            for (int i = s.start(); i < s.end(); i++) {
                subprogOfPc[i] = s.index();
            }
        }
        globalSubprog = new boolean[cfg.subprograms().size()];
        for (var sp : cfg.subprograms()) {
            if (sp.index() > 0) {
                globalSubprog[sp.index()] = isGlobal(sp.start(), options);
            }
        }
        prunePoint = new boolean[n];
        markPrunePoints();
        alu = new AluChecks(this);
        memory = new MemoryChecks(this);
        branches = new BranchChecks(this);
        calls = new CallChecks(this);
    }

    /** Whether the subprogram at {@code start} is the body of one of the object's global functions. */
    private boolean isGlobal(int start, VerifierOptions options) {
        for (List<Instruction> body : options.globalFunctions()) {
            if (GlobalFunctions.matches(slots, start, body)) {
                return true;
            }
        }
        return false;
    }

    private void markPrunePoints() {
        for (int i = 0; i < slots.size(); i++) {
            Instruction insn = slots.get(i);
            if (insn.isLddw()) {
                if (insn.src() == BPF_PSEUDO_FUNC) {
                    int t = i + 1 + insn.imm();
                    if (t >= 0 && t < slots.size()) {
                        prunePoint[t] = true;
                    }
                }
                i++;
                continue;
            }
            if (insn.isConditionalJump()) {
                prunePoint[i] = true;
            } else if (insn.isJump()) {
                int t = insn.jumpTarget(i);
                if (t >= 0 && t < slots.size()) {
                    prunePoint[t] = true;
                }
            } else if (insn.opcode() == LDDW && insn.src() == BPF_PSEUDO_FUNC) {
                int t = i + 1 + insn.imm();
                if (t >= 0 && t < slots.size()) {
                    prunePoint[t] = true;
                }
            } else if (insn.opcode() == CALL && i + 1 < slots.size()) {
                prunePoint[i + 1] = true;
                if (insn.isLocalCall()) {
                    prunePoint[i] = true;
                }
            }
        }
    }

    RuntimeException reject(String message) {
        return new Reject(pc, message);
    }

    Reg[] regs() {
        return state.regs();
    }

    FuncState cur() {
        return state.cur();
    }

    void run() {
        state = new VerifierState();
        FuncState main = new FuncState(-1, 0, 0);
        main.regs[1] = Reg.pointer(RegType.CTX);
        state.frames.add(main);
        pc = 0;
        node = null;
        while (true) {
            boolean pathEnded = step();
            if (pathEnded) {
                endPath();
                if (stack.isEmpty()) {
                    return;
                }
                Work w = stack.pop();
                state = w.state;
                pc = w.pc;
                node = w.node;
                if (options.logLevel() >= 1) {
                    log.append("from ").append("? to ").append(pc).append(": ").append(stateString()).append('\n');
                }
            }
        }
    }

    /** Executes the instruction at {@code pc}; true when the path ends (exit of main, or pruned). */
    private boolean step() {
        if (++processed > options.complexityLimit()) {
            throw reject("BPF program is too large. Processed " + processed + " insn");
        }
        if (pc < 0 || pc >= slots.size()) {
            throw reject("invalid insn idx " + pc + " insn_cnt " + slots.size());
        }
        if (prunePoint[pc] && isStateVisited()) {
            if (options.logLevel() >= 1) {
                log.append(pc).append(": safe\n");
            }
            return true;
        }
        reachable[pc] = true;
        registerFacts.record(pc, cur().regs);
        Instruction insn = slots.get(pc);
        if (options.logLevel() >= 1) {
            if (options.logLevel() >= 2) {
                log.append(pc).append(": ").append(stateString()).append('\n');
            }
            String text = insn.isLddw() && pc + 1 < slots.size()
                ? Disassembler.text(insn).replace("ll", "") : Disassembler.text(insn);
            log.append(pc).append(": (").append(String.format("%02x", insn.opcode())).append(") ").append(text).append('\n');
        }
        int cls = insn.cls();
        switch (cls) {
            case BPF_ALU, BPF_ALU64 -> {
                alu.check(insn);
                pc++;
            }
            case BPF_LDX -> {
                memory.checkLdx(insn);
                pc++;
            }
            case BPF_STX -> {
                memory.checkStx(insn);
                pc++;
            }
            case BPF_ST -> {
                memory.checkSt(insn);
                pc++;
            }
            case BPF_LD -> {
                int mode = insn.opcode() & 0xe0;
                if (mode == BPF_ABS || mode == BPF_IND) {
                    memory.checkLdAbs(insn);
                    pc++;
                } else if (mode == BPF_IMM) {
                    memory.checkLdImm(insn);
                    reachable[pc + 1] = true;
                    pc += 2;
                } else {
                    throw reject("invalid BPF_LD mode");
                }
            }
            case BPF_JMP, BPF_JMP32 -> {
                jmpsProcessed++;
                int op = insn.op();
                if (op == BPF_CALL) {
                    return calls.checkCall(insn);
                } else if (op == BPF_EXIT) {
                    return calls.checkExit(insn);
                } else if (op == BPF_JA) {
                    if (insn.src() != 0 || insn.dst() != 0 || (cls == BPF_JMP ? insn.imm() != 0 : insn.offset() != 0)) {
                        throw reject("BPF_JA uses reserved fields");
                    }
                    pc = insn.jumpTarget(pc);
                } else {
                    branches.check(insn);
                }
            }
            default -> throw reject("unknown insn class " + cls);
        }
        return false;
    }

    /** Queues {@code other} to be explored at {@code target} after the current path (the kernel's push_stack). */
    void pushBranch(int target, VerifierState other) {
        if (node != null) {
            node.branches++;
        }
        stack.push(new Work(target, other, node));
        if (stack.size() > 8192) {
            throw reject("The sequence of " + stack.size() + " jumps is too complex.");
        }
    }

    private void endPath() {
        Node n = node;
        while (n != null) {
            n.branches--;
            if (n.branches > 0) {
                break;
            }
            finished(n);
            n = n.parent;
        }
    }

    /** Every path below {@code n} is safe: it may now prune later arrivals. */
    private void finished(Node n) {
        PcStates ps = explored.get(n.pc);
        List<Node> bucket = ps.inProgress.get(n.hash);
        if (bucket != null && bucket.remove(n)) {
            ps.inProgressCount--;
            if (bucket.isEmpty()) {
                ps.inProgress.remove(n.hash);
            }
        }
        ps.done.add(n);
    }

    /** The kernel's is_state_visited: true when the current state is covered by a safe one. */
    private boolean isStateVisited() {
        PcStates ps = explored.computeIfAbsent(pc, k -> new PcStates());
        int hash = StateEquivalence.exactHash(state);
        List<Node> same = ps.inProgress.get(hash);
        if (same != null) {
            for (Node old : same) {
                // exact equality implies equal hashes: a state on the current path came back unchanged
                if (StateEquivalence.equal(old.state, state, true)) {
                    if (inCallback()) {
                        // a helper calls the callback a bounded number of times: the repeat
                        // of a state being explored adds nothing new
                        return true;
                    }
                    throw new Reject(pc, "infinite loop detected at insn " + pc, "cur state: " + frameString(state)
                        + "\nold state: " + frameString(old.state) + "\n");
                }
            }
        }
        for (java.util.Iterator<Node> it = ps.done.iterator(); it.hasNext(); ) {
            Node old = it.next();
            if (StateEquivalence.equal(old.state, state, false)) {
                old.hits++;
                return true;
            }
            // like the kernel, forget states that keep failing to prune (bounded lists, linear time)
            if (++old.misses > old.hits * 3 + 3) {
                it.remove();
            }
        }
        boolean loopSeen = ps.inProgressCount > 0;
        if (loopSeen && jmpsProcessed - prevJmpsProcessed < 20 && processed - prevInsnProcessed < 100) {
            return false;
        }
        prevJmpsProcessed = jmpsProcessed;
        prevInsnProcessed = processed;
        Node child = new Node(pc, state.copy(), node, hash);
        ps.inProgress.computeIfAbsent(hash, k -> new ArrayList<>()).add(child);
        ps.inProgressCount++;
        node = child;
        return false;
    }

    // ---- register helpers shared by the checks ----

    void checkRegIndex(int regno) {
        if (regno > 10) {
            throw reject("R" + regno + " is invalid");
        }
    }

    /** check_reg_arg(SRC_OP): the register must hold something. */
    Reg readReg(int regno) {
        checkRegIndex(regno);
        Reg r = regs()[regno];
        if (!r.isInit()) {
            throw reject("R" + regno + " !read_ok");
        }
        return r;
    }

    /** check_reg_arg(DST_OP_NO_MARK): the register may be written. */
    void checkWritable(int regno) {
        checkRegIndex(regno);
        if (regno == 10) {
            throw reject("frame pointer is read only");
        }
    }

    void setReg(int regno, Reg r) {
        regs()[regno] = r;
    }

    int newId() {
        return ++idGen;
    }

    /** The map with this index; {@code -2 - i} names the inner-map layout of map-in-map {@code i}. */
    MapSpec map(int index) {
        if (index <= -2) {
            return options.innerMaps().get(-2 - index);
        }
        return index >= 0 && index < maps.size() ? maps.get(index) : null;
    }

    /** Every register and spilled register in every frame, rewritten by {@code f} (bpf_for_each_reg_in_vstate). */
    static void forEachReg(VerifierState st, java.util.function.UnaryOperator<Reg> f) {
        for (FuncState fs : st.frames) {
            for (int i = 0; i < fs.regs.length; i++) {
                fs.regs[i] = f.apply(fs.regs[i]);
            }
            for (int s = 0; s < FuncState.SLOTS; s++) {
                if (fs.isSpilled(s)) {
                    fs.spilled[s] = f.apply(fs.spilled[s]);
                }
            }
        }
    }

    void recordAccess(MemoryAccess a) {
        MemoryAccess prev = accesses[pc];
        if (prev == null) {
            accesses[pc] = a;
            return;
        }
        if (prev.kind() != a.kind() || prev.mapIndex() != a.mapIndex() || prev.frame() != a.frame() || prev.size() != a.size()) {
            accesses[pc] = new MemoryAccess(RegionKind.ANY, -1, -1, Math.min(prev.minOffset(), a.minOffset()),
                Math.max(prev.maxOffset(), a.maxOffset()), Math.max(prev.size(), a.size()));
        } else {
            accesses[pc] = new MemoryAccess(prev.kind(), prev.mapIndex(), prev.frame(), Math.min(prev.minOffset(), a.minOffset()),
                Math.max(prev.maxOffset(), a.maxOffset()), prev.size());
        }
    }

    private boolean inCallback() {
        for (FuncState f : state.frames) {
            if (f.callback) {
                return true;
            }
        }
        return false;
    }

    /** The current frame as the kernel's print_verifier_state prints it. */
    static String frameString(VerifierState st) {
        FuncState fs = st.cur();
        StringBuilder b = new StringBuilder();
        if (fs.frameNo > 0) {
            b.append("frame").append(fs.frameNo).append(": ");
        }
        String sep = "";
        for (int i = 0; i < fs.regs.length; i++) {
            if (fs.regs[i].isInit()) {
                b.append(sep).append('R').append(i).append('=').append(fs.regs[i]);
                sep = " ";
            }
        }
        for (int s = 0; s < FuncState.SLOTS; s++) {
            if (fs.isSpilled(s)) {
                b.append(sep).append("fp").append(-(s + 1) * 8).append('=').append(fs.spilled[s]);
                continue;
            }
            StringBuilder types = new StringBuilder();
            boolean any = false;
            for (int i = 7; i >= 0; i--) {
                byte t = fs.slotType[s * 8 + i];
                any |= t != FuncState.STACK_INVALID;
                types.append(switch (t) {
                    case FuncState.STACK_MISC -> 'm';
                    case FuncState.STACK_ZERO -> '0';
                    case FuncState.STACK_SPILL -> 'r';
                    default -> '?';
                });
            }
            if (any) {
                b.append(sep).append("fp").append(-(s + 1) * 8).append('=').append(types);
            }
        }
        return b.toString();
    }

    String stateString() {
        StringBuilder b = new StringBuilder();
        for (int f = 0; f < state.frames.size(); f++) {
            FuncState fs = state.frames.get(f);
            if (state.frames.size() > 1) {
                b.append("frame").append(f).append(": ");
            }
            for (int i = 0; i < fs.regs.length; i++) {
                if (fs.regs[i].isInit()) {
                    b.append('R').append(i).append('=').append(fs.regs[i]).append(' ');
                }
            }
            for (int s = 0; s < FuncState.SLOTS; s++) {
                if (fs.isSpilled(s)) {
                    b.append("fp").append(-(s + 1) * 8).append('=').append(fs.spilled[s]).append(' ');
                }
            }
        }
        return b.toString().trim();
    }

    static Scalar zero() {
        return Scalar.constant(0);
    }
}
