package io.ebpfjvm.verifier;

import io.ebpfjvm.core.error.VerificationException;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.verifier.cfg.CfgBuilder;
import io.ebpfjvm.verifier.cfg.CfgException;
import io.ebpfjvm.verifier.cfg.ControlFlowGraph;
import io.ebpfjvm.verifier.cfg.Subprogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Static verification the way the Linux kernel's verifier does it for a privileged loader
 * (CAP_BPF and CAP_PERFMON, no load flags): structural checks, then a path-sensitive walk over
 * every path with register and stack state, then the combined stack depth of call chains.
 *
 * <pre>{@code
 * VerifiedProgram v = Verifier.verify(program, ProgramType.XDP, VerifierOptions.defaults());
 * }</pre>
 *
 * A rejection throws {@link VerificationException} with the instruction index, the kernel's
 * message and the log.
 */
public final class Verifier {
    private static final Set<String> SUPPORTED = Set.of("XDP", "SOCKET_FILTER", "SCHED_CLS", "CGROUP_SKB", "KPROBE",
        "TRACEPOINT", "CGROUP_SOCK", "CGROUP_SOCK_POST_BIND4", "CGROUP_SOCK_POST_BIND6");
    private static final int MAX_COMBINED_STACK = 512;

    private Verifier() {
    }

    /** Whether this verifier models {@code type}'s context, helpers and return rules. */
    public static boolean supports(ProgramType type) {
        return type != null && SUPPORTED.contains(type.name());
    }

    public static VerifiedProgram verify(Program program, ProgramType type, VerifierOptions options) {
        return verify(program.slots(), program, type, options);
    }

    /**
     * A program of a loaded object: {@code type} null means the type its section names;
     * {@code maps} are the object's maps in relocation order (null: those in {@code options}).
     */
    public static VerifiedProgram verify(ProgramSpec spec, ProgramType type, MapSet maps, VerifierOptions options) {
        if (spec.unsupported() != null) {
            // what the loader could not link (a kfunc, a CO-RE relocation) leaves no program to check
            throw new VerificationException(-1, spec.unsupported(), spec.unsupported() + "\n");
        }
        ProgramType t = type != null ? type : ProgramType.fromSection(stripOptional(spec.section()));
        if (t == null) {
            throw new VerificationException(-1, "program type of section '" + spec.section()
                + "' not supported by the verifier", "");
        }
        VerifierOptions o = maps != null ? options.withMaps(maps) : options;
        return verify(spec.slots(), Program.unchecked(spec.slots()), t, o);
    }

    private static String stripOptional(String section) {
        return section.startsWith("?") ? section.substring(1) : section;
    }

    private static VerifiedProgram verify(List<Instruction> slots, Program program, ProgramType type, VerifierOptions options) {
        if (!supports(type)) {
            throw new VerificationException(-1, "program type " + (type == null ? "null" : type.name().toLowerCase())
                + " not supported by the verifier", "");
        }
        ControlFlowGraph cfg;
        try {
            cfg = CfgBuilder.build(slots);
        } catch (CfgException e) {
            throw failure(e.pc(), e.getMessage(), "", options, "");
        }
        Checker checker = new Checker(slots, type, options, cfg);
        try {
            checker.run();
            checkMaxStackDepth(checker, slots, cfg);
        } catch (Reject r) {
            throw failure(r.pc, r.getMessage(), checker.log.toString(), options, r.trailer);
        } catch (StackOverflowError | OutOfMemoryError e) {
            throw failure(checker.pc, "BPF program is too complex to verify", checker.log.toString(), options, "");
        }
        List<Subprogram> subs = new ArrayList<>();
        for (Subprogram s : cfg.subprograms()) {
            subs.add(new Subprogram(s.index(), s.start(), s.end(), checker.subprogStackDepth[s.index()]));
        }
        ControlFlowGraph done = new ControlFlowGraph(cfg.blocks(), subs, cfg.loops());
        String log = options.logLevel() > 0
            ? checker.log + "processed " + checker.processed + " insns (limit " + options.complexityLimit() + ")\n" : "";
        return new VerifiedProgram(program, type, checker.accesses, checker.helperIds, checker.reachable, checker.registerFacts, done,
            checker.processed, log);
    }

    private static VerificationException failure(int pc, String message, String log, VerifierOptions options,
                                                 String trailer) {
        StringBuilder b = new StringBuilder(log);
        String line = options.lineInfo() != null && pc >= 0 ? options.lineInfo().apply(pc) : null;
        if (line != null && !line.isEmpty()) {
            b.append("; ").append(line).append('\n');
        }
        b.append(message).append('\n').append(trailer);
        return new VerificationException(pc, message, b.toString());
    }

    /** check_max_stack_depth: the frames of any call chain together fit in 512 bytes. */
    private static void checkMaxStackDepth(Checker c, List<Instruction> slots, ControlFlowGraph cfg) {
        int n = cfg.subprograms().size();
        int[] depth = new int[n];
        for (int i = 0; i < n; i++) {
            depth[i] = (c.subprogStackDepth[i] + 15) & ~15;
        }
        List<List<Integer>> callees = new ArrayList<>();
        for (Subprogram s : cfg.subprograms()) {
            List<Integer> cs = new ArrayList<>();
            for (int pc = s.start(); pc < s.end(); pc++) {
                Instruction insn = slots.get(pc);
                boolean funcRef = insn.isLddw() && insn.src() == io.ebpfjvm.core.isa.Opcodes.BPF_PSEUDO_FUNC;
                if ((insn.isLocalCall() || funcRef) && c.reachable[pc]) {
                    cs.add(c.subprogOfPc[pc + 1 + insn.imm()]);
                }
            }
            callees.add(cs);
        }
        walk(0, depth[0], 1, depth, callees, c);
    }

    private static void walk(int sub, int total, int frames, int[] depth, List<List<Integer>> callees, Checker c) {
        if (total > MAX_COMBINED_STACK) {
            throw new Reject(-1, "combined stack size of " + frames + " calls is " + total + ". Too large");
        }
        if (frames > 8) {
            return;
        }
        for (int callee : callees.get(sub)) {
            walk(callee, total + depth[callee], frames + 1, depth, callees, c);
        }
    }
}
