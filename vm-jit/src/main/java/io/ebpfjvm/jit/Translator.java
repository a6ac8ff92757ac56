package io.ebpfjvm.jit;

import io.ebpfjvm.core.context.ContextLayout;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.Helper;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.map.MapType;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.map.Errno;
import io.ebpfjvm.core.memory.Pointers;
import io.ebpfjvm.core.memory.Regions;
import io.ebpfjvm.verifier.MemoryAccess;
import io.ebpfjvm.verifier.RegisterFacts;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.ebpfjvm.core.isa.Opcodes.*;
import static org.objectweb.asm.Opcodes.*;

/**
 * Turns one program into the bytes of a class: per function one static method whose basic
 * blocks are labelled stretches of bytecode (eBPF registers in {@code long} locals, jumps as
 * JVM branches), or, for a function too large for one method, several region methods joined
 * by a dispatcher that passes the registers in a {@code long[]}. Helpers, map value arrays
 * and the program's {@link JitLink} are class-data constants ({@code MethodHandles.classDataAt}
 * through constant-dynamic), so C2 sees them as constants. Line numbers are eBPF instruction
 * indices, which labels blocks in dumps and stack traces.
 */
final class Translator {
    static final String CLASS = "io/ebpfjvm/jit/EbpfCode";
    private static final String STATE = "io/ebpfjvm/jit/JitState";
    private static final String STATE_D = "L" + STATE + ";";
    private static final String RUNTIME = "io/ebpfjvm/jit/JitRuntime";
    private static final String DIRECT = "io/ebpfjvm/jit/Direct";
    private static final String LINK_D = "Lio/ebpfjvm/jit/JitLink;";
    private static final String ENTRY = "io/ebpfjvm/jit/JitEntry";
    private static final String SEMANTICS = "io/ebpfjvm/core/isa/Semantics";
    private static final String SPACE = "io/ebpfjvm/core/memory/AddressSpace";
    private static final String HELPER = "io/ebpfjvm/core/helper/Helper";
    private static final String MAP = "io/ebpfjvm/core/map/BpfMap";
    /** Map types whose lookup yields a value pointer and whose update and delete are plain. */
    private static final java.util.Set<MapType> DIRECT_MAP_TYPES = java.util.EnumSet.of(MapType.HASH, MapType.ARRAY,
        MapType.PERCPU_HASH, MapType.PERCPU_ARRAY, MapType.LRU_HASH, MapType.LPM_TRIE);
    /** A whole function: (state, frame, r0..r9, packet array); the packet comes last so the other slots stay put. */
    private static final String FN_DESC = "(" + STATE_D + "IJJJJJJJJJJ[B)J";
    /** Slot of the packet-array parameter in a whole function's method. */
    private static final int PACKET_ARG = 22;
    /**
     * The entry function when nothing calls it but the entry: (state, frame, r0, r1, r2, packet),
     * six arguments C2 passes in registers (the registers a run starts with are r1 and r2; r3-r9
     * start at 0). The slots of frame and r0-r2 are those of {@link #FN_DESC}.
     */
    private static final String ENTRY_FN_DESC = "(" + STATE_D + "IJJJ[B)J";
    /** Slot of the packet-array parameter in {@link #ENTRY_FN_DESC}. */
    private static final int ENTRY_PACKET_ARG = 8;
    private static final String ENTER_DESC = "(" + STATE_D + "[BJJ)J";
    private static final String REGION_DESC = "(" + STATE_D + "I[JI)I";
    private static final Handle CLASS_DATA_AT = new Handle(H_INVOKESTATIC, "java/lang/invoke/MethodHandles", "classDataAt",
        "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;I)Ljava/lang/Object;", false);
    /** Bytecode a method may hold before HotSpot refuses to compile it (HugeMethodLimit). */
    static final int HUGE_METHOD_LIMIT = 8000;

    private final Program program;
    private final ControlFlow cfg;
    private final ContextLayout layout;
    private final MapSet maps;
    private final HelperRegistry helpers;
    private final JitOptions options;
    private final int methodBudget;
    private final List<Object> classData = new ArrayList<>();
    /** Instructions some backward jump targets: where an iteration-counting step limit is charged. */
    private final java.util.Set<Integer> loopHeaders = new java.util.HashSet<>();
    private boolean calls;
    /** No run of this program can reach the step limit: nothing to charge. */
    private final boolean uncharged;
    private final Map<Object, Integer> constantIndex = new IdentityHashMap<>();
    /** Whether the entry function takes {@link #ENTRY_FN_DESC}: it is one method and no call or function reference reaches it. */
    private boolean shortEntry;
    /** End label of every generated method, to read its size once the class is written. */
    private final Map<String, Label> methodEnds = new LinkedHashMap<>();
    private ClassWriter cw;
    /**
     * Whether compiled code ever leaves for code that reads the run's address space (helpers,
     * checked accesses, calls, interpreted blocks). Only then does the entry map the packet
     * into it: that reference store costs a GC write barrier on every run with a new array.
     */
    private boolean usesAddressSpace;

    /** The translation: class bytes, class data, and the bytecode size of every method. */
    record Result(byte[] bytes, List<Object> classData, Map<String, Integer> methodSizes) {
        int largestMethod() {
            return methodSizes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        }
    }

    Translator(Program program, ControlFlow cfg, ProgramType type, MapSet maps, HelperRegistry helpers,
               JitOptions options, JitLink link, int methodBudget, long stepLimit) {
        this.program = program;
        this.cfg = cfg;
        this.layout = type.context();
        this.maps = maps;
        this.helpers = helpers;
        this.options = options;
        this.methodBudget = methodBudget;
        constant(link);
        for (int pc = 0; pc < program.size(); pc += program.get(pc).isLddw() ? 2 : 1) {
            Instruction insn = program.get(pc);
            if (insn.isJump() && insn.jumpTarget(pc) <= pc) {
                loopHeaders.add(insn.jumpTarget(pc));
            }
            int cls = insn.cls();
            if ((cls == BPF_JMP || cls == BPF_JMP32) && insn.op() == BPF_CALL) {
                calls = true;
            }
        }
        // Without back-edges or calls every instruction runs at most once: a program no longer
        // than the step limit cannot exhaust it, so its blocks are not charged (cBPF filters).
        uncharged = loopHeaders.isEmpty() && !calls && program.size() <= stepLimit;
    }

    Result translate() {
        cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                // Only exception handlers merge reference types; Object is a safe answer without loading classes.
                return "java/lang/Object";
            }
        };
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, CLASS, null, "java/lang/Object", new String[] {ENTRY});
        MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        for (ControlFlow.Function f : cfg.functions) {
            List<List<ControlFlow.Block>> regions = plan(f);
            if (f.start() == 0) {
                shortEntry = regions.size() == 1 && !entryReferenced();
            }
            if (regions.size() == 1) {
                new MethodGen(f, regions.get(0), -1).emit();
            } else {
                for (int k = 0; k < regions.size(); k++) {
                    new MethodGen(f, regions.get(k), k).emit();
                }
                emitDispatcher(f, regions);
            }
        }
        emitEnter();
        emitCallback();
        emitStaticInit();
        cw.visitEnd();
        byte[] bytes = cw.toByteArray();
        Map<String, Integer> sizes = new LinkedHashMap<>();
        methodEnds.forEach((name, end) -> sizes.put(name, end.getOffset()));
        return new Result(bytes, List.copyOf(classData), sizes);
    }

    /** Whether a bpf-to-bpf call or a function reference names instruction 0. */
    private boolean entryReferenced() {
        for (int pc = 0; pc < program.size(); pc += program.get(pc).isLddw() ? 2 : 1) {
            Instruction insn = program.get(pc);
            if ((insn.isLocalCall() || insn.isLddw() && insn.src() == BPF_PSEUDO_FUNC) && insn.callTarget(pc) == 0) {
                return true;
            }
        }
        return false;
    }

    private boolean shortForm(int start) {
        return start == 0 && shortEntry;
    }

    /** The descriptor of function {@code start}'s method. */
    private String functionDescriptor(int start) {
        return shortForm(start) ? ENTRY_FN_DESC : FN_DESC;
    }

    static String functionName(int start) {
        return "f" + start;
    }

    // ---- planning -------------------------------------------------------------------------

    /** The function's blocks cut into regions whose estimated bytecode fits the budget. */
    private List<List<ControlFlow.Block>> plan(ControlFlow.Function f) {
        List<ControlFlow.Block> all = cfg.blocks.subList(f.firstBlock(), f.lastBlock() + 1);
        int total = 0;
        for (ControlFlow.Block b : all) {
            total += estimate(b);
        }
        List<List<ControlFlow.Block>> regions = new ArrayList<>();
        if (total + 200 <= methodBudget) {
            regions.add(all);
            return regions;
        }
        List<ControlFlow.Block> current = new ArrayList<>();
        int size = 400;
        for (ControlFlow.Block b : all) {
            int e = estimate(b) + 8;
            if (!current.isEmpty() && size + e > methodBudget) {
                regions.add(current);
                current = new ArrayList<>();
                size = 400;
            }
            current.add(b);
            size += e;
        }
        regions.add(current);
        return regions;
    }

    /** A generous guess of a block's bytecode size; the real sizes are measured afterwards. */
    private int estimate(ControlFlow.Block b) {
        int size = 30;
        if (options.interpretedBlocks().contains(b.start())) {
            size += 200;
        }
        for (int pc = b.start(); pc < b.end(); pc++) {
            Instruction insn = program.get(pc);
            size += switch (insn.cls()) {
                case BPF_ALU, BPF_ALU64 -> 16;
                case BPF_JMP, BPF_JMP32 -> insn.op() == BPF_CALL ? 80 : insn.isExit() ? 4 : 110;
                case BPF_LDX -> 85;
                case BPF_ST, BPF_STX -> 45;
                default -> insn.isLddw() ? 12 : 60;
            };
            if (insn.isLddw()) {
                pc++;
            }
        }
        return size;
    }

    // ---- constants ------------------------------------------------------------------------

    private int constant(Object value) {
        return constantIndex.computeIfAbsent(value, v -> {
            classData.add(v);
            return classData.size() - 1;
        });
    }

    /** Every constant-dynamic the code loads, resolved once in {@code <clinit>}. */
    private final Map<Integer, ConstantDynamic> condys = new java.util.TreeMap<>();

    private ConstantDynamic condy(int index, String descriptor) {
        return condys.computeIfAbsent(index, i -> new ConstantDynamic("_", descriptor, CLASS_DATA_AT, i));
    }

    /**
     * Resolves every class-data constant at initialisation: C1 and C2 refuse to compile a method
     * holding a constant-dynamic not yet resolved (as in a fault path that never ran).
     */
    private void emitStaticInit() {
        MethodVisitor mv = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        mv.visitCode();
        for (ConstantDynamic c : condys.values()) {
            mv.visitLdcInsn(c);
            mv.visitInsn(POP);
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    // ---- dispatcher and entry points ------------------------------------------------------

    /** {@code f<start>(s, frame, r1..r5)} for a split function: runs region methods until one exits. */
    private void emitDispatcher(ControlFlow.Function f, List<List<ControlFlow.Block>> regions) {
        String name = functionName(f.start());
        MethodVisitor mv = cw.visitMethod(ACC_STATIC | ACC_PRIVATE, name, FN_DESC, null, null);
        mv.visitCode();
        usesAddressSpace = true; // region methods read the packet from the address space
        int regs = PACKET_ARG + 1;
        int pcSlot = PACKET_ARG + 2;
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, STATE, "frameRegs", "[[J");
        mv.visitVarInsn(ILOAD, 1);
        mv.visitInsn(AALOAD);
        mv.visitVarInsn(ASTORE, regs);
        for (int r = 0; r <= 9; r++) {
            mv.visitVarInsn(ALOAD, regs);
            push(mv, r);
            mv.visitVarInsn(LLOAD, 2 + 2 * r);
            mv.visitInsn(LASTORE);
        }
        push(mv, f.start());
        mv.visitVarInsn(ISTORE, pcSlot);
        // Every block some other region (or the caller) enters, mapped to its region.
        Map<Integer, Integer> entries = new java.util.TreeMap<>();
        entries.put(f.start(), 0);
        for (int k = 0; k < regions.size(); k++) {
            for (int target : MethodGen.externalTargets(this, regions, k)) {
                entries.put(target, regionOf(regions, target));
            }
        }
        Label loop = new Label();
        Label done = new Label();
        Label bad = new Label();
        mv.visitLabel(loop);
        int[] keys = entries.keySet().stream().mapToInt(Integer::intValue).toArray();
        Label[] regionLabels = new Label[regions.size()];
        for (int k = 0; k < regionLabels.length; k++) {
            regionLabels[k] = new Label();
        }
        Label[] targets = new Label[keys.length];
        for (int i = 0; i < keys.length; i++) {
            targets[i] = regionLabels[entries.get(keys[i])];
        }
        mv.visitVarInsn(ILOAD, pcSlot);
        mv.visitLookupSwitchInsn(bad, keys, targets);
        for (int k = 0; k < regions.size(); k++) {
            mv.visitLabel(regionLabels[k]);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ILOAD, 1);
            mv.visitVarInsn(ALOAD, regs);
            mv.visitVarInsn(ILOAD, pcSlot);
            mv.visitMethodInsn(INVOKESTATIC, CLASS, name + "_r" + k, REGION_DESC, false);
            mv.visitInsn(DUP);
            mv.visitVarInsn(ISTORE, pcSlot);
            mv.visitJumpInsn(IFGE, loop);
            mv.visitJumpInsn(GOTO, done);
        }
        mv.visitLabel(bad);
        mv.visitVarInsn(ILOAD, pcSlot);
        mv.visitLdcInsn("internal JIT error: no region enters instruction");
        mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "fail", "(ILjava/lang/String;)Lio/ebpfjvm/core/error/EbpfRuntimeException;", false);
        mv.visitInsn(ATHROW);
        mv.visitLabel(done);
        mv.visitVarInsn(ALOAD, regs);
        mv.visitInsn(ICONST_0);
        mv.visitInsn(LALOAD);
        mv.visitInsn(LRETURN);
        Label end = new Label();
        mv.visitLabel(end);
        methodEnds.put(name, end);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    static int regionOf(List<List<ControlFlow.Block>> regions, int pc) {
        for (int k = 0; k < regions.size(); k++) {
            for (ControlFlow.Block b : regions.get(k)) {
                if (b.start() == pc) {
                    return k;
                }
            }
        }
        return -1;
    }

    /** {@code enter(s, packet, r1, r2)}: emitted last, when it is known whether the code needs the packet mapped. */
    private void emitEnter() {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "enter", ENTER_DESC, null, null);
        mv.visitCode();
        if (usesAddressSpace) {
            mv.visitVarInsn(ALOAD, 1);
            mv.visitVarInsn(ALOAD, 2);
            mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "mapPacket", "(" + STATE_D + "[B)V", false);
        }
        mv.visitVarInsn(ALOAD, 1);
        mv.visitInsn(ICONST_0);
        mv.visitInsn(LCONST_0);
        mv.visitVarInsn(LLOAD, 3);
        mv.visitVarInsn(LLOAD, 5);
        if (!shortEntry) {
            for (int r = 3; r <= 9; r++) {
                mv.visitInsn(LCONST_0);
            }
        }
        mv.visitVarInsn(ALOAD, 2);
        mv.visitMethodInsn(INVOKESTATIC, CLASS, functionName(0), functionDescriptor(0), false);
        mv.visitInsn(LRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void emitCallback() {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC, "callback", "(" + STATE_D + "IIJJ)J", null, null);
        mv.visitCode();
        // A callback is a function some reference names: never the short-form entry.
        int[] keys = cfg.functions.stream().mapToInt(ControlFlow.Function::start)
            .filter(start -> !shortForm(start)).toArray();
        Label[] labels = new Label[keys.length];
        Label bad = new Label();
        for (int i = 0; i < keys.length; i++) {
            labels[i] = new Label();
        }
        mv.visitVarInsn(ILOAD, 2);
        mv.visitLookupSwitchInsn(bad, keys, labels);
        for (int i = 0; i < keys.length; i++) {
            mv.visitLabel(labels[i]);
            mv.visitVarInsn(ALOAD, 1);
            mv.visitVarInsn(ILOAD, 3);
            mv.visitInsn(LCONST_0);
            mv.visitVarInsn(LLOAD, 4);
            mv.visitVarInsn(LLOAD, 6);
            for (int r = 3; r <= 9; r++) {
                mv.visitInsn(LCONST_0);
            }
            // Callbacks come from bpf_loop, a helper: the packet is mapped by then.
            mv.visitVarInsn(ALOAD, 1);
            mv.visitFieldInsn(GETFIELD, STATE, "memory", "L" + SPACE + ";");
            push(mv, Regions.PACKET);
            mv.visitMethodInsn(INVOKEVIRTUAL, SPACE, "mapped", "(I)[B", false);
            mv.visitMethodInsn(INVOKESTATIC, CLASS, functionName(keys[i]), FN_DESC, false);
            mv.visitInsn(LRETURN);
        }
        mv.visitLabel(bad);
        mv.visitVarInsn(ALOAD, 1);
        mv.visitFieldInsn(GETFIELD, STATE, "pc", "I");
        mv.visitLdcInsn("bpf_loop callback is not a function pointer");
        mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "fail", "(ILjava/lang/String;)Lio/ebpfjvm/core/error/EbpfRuntimeException;", false);
        mv.visitInsn(ATHROW);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    static void push(MethodVisitor mv, int v) {
        if (v >= -1 && v <= 5) {
            mv.visitInsn(ICONST_0 + v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            mv.visitIntInsn(BIPUSH, v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            mv.visitIntInsn(SIPUSH, v);
        } else {
            mv.visitLdcInsn(v);
        }
    }

    static void push(MethodVisitor mv, long v) {
        if (v == 0 || v == 1) {
            mv.visitInsn(LCONST_0 + (int) v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            push(mv, (int) v);
            mv.visitInsn(I2L);
        } else {
            mv.visitLdcInsn(v);
        }
    }

    // ---- one method: a whole function or one region of it ---------------------------------

    /** Emits one method holding {@code blocks}; {@code region} -1 means the whole function. */
    private final class MethodGen {
        private final BlockValues known = new BlockValues();
        private final ControlFlow.Function function;
        private final List<ControlFlow.Block> blocks;
        private final int region;
        private final boolean split;
        private final Map<Integer, Label> blockLabels = new java.util.HashMap<>();
        private final Map<Integer, Label> trampolines = new java.util.TreeMap<>();
        private final List<Runnable> stubs = new ArrayList<>();
        private final Label exit = new Label();
        private MethodVisitor mv;
        // local slots
        private final int[] reg = new int[11];
        private final int r10;
        private final int budget;
        private final int fb;
        private final int stack;
        private final int mem;
        private final int pkt;
        private final int pbase;
        private final int ctx;
        private final int plen;
        private final int tmp;
        private final int pktw;
        private final int regsSlot;
        /** Int locals of r0..r9 for values {@link NarrowRegisters} proves narrow; null when none are. */
        private final NarrowRegisters narrow;
        private final int[] ireg = new int[10];
        /** The instruction being emitted, and the registers it has written so far. */
        private int curPc = -1;
        private int definedHere;

        MethodGen(ControlFlow.Function function, List<ControlFlow.Block> blocks, int region) {
            this.function = function;
            this.blocks = blocks;
            this.region = region;
            this.split = region >= 0;
            int next;
            if (split) {
                for (int r = 0; r <= 9; r++) {
                    reg[r] = 4 + 2 * r;
                }
                regsSlot = 2;
                next = 24;
            } else {
                for (int r = 0; r <= 9; r++) {
                    reg[r] = 2 + 2 * r;
                }
                next = PACKET_ARG + 1;
                regsSlot = -1;
            }
            r10 = next;
            reg[10] = r10;
            budget = next + 2;
            fb = next + 4;
            stack = next + 5;
            mem = next + 6;
            pkt = next + 7;
            pbase = next + 8;
            ctx = next + 9;
            // ctx + 1 holds the register file of an interpreted block in whole-function methods.
            plen = next + 11;
            tmp = next + 12;
            pktw = next + 14;
            for (int r = 0; r < ireg.length; r++) {
                ireg[r] = next + 15 + r;
            }
            for (ControlFlow.Block b : blocks) {
                blockLabels.put(b.start(), new Label());
            }
            // Region methods and interpreted blocks exchange registers as a long[]: all stay long there.
            boolean interpreted = blocks.stream().anyMatch(b -> options.interpretedBlocks().contains(b.start()));
            narrow = split || interpreted || options.registers() == RegisterFacts.none() ? null
                : NarrowRegisters.of(program, blocks, cfg::successors, options.registers());
        }

        /** Block starts of {@code regions.get(k)} that are entered from outside it. */
        static List<Integer> externalTargets(Translator t, List<List<ControlFlow.Block>> regions, int k) {
            List<Integer> out = new ArrayList<>();
            java.util.Set<Integer> mine = new java.util.HashSet<>();
            for (ControlFlow.Block b : regions.get(k)) {
                mine.add(b.start());
            }
            for (ControlFlow.Block b : regions.get(k)) {
                for (int target : t.cfg.successors(b)) {
                    if (!mine.contains(target) && target < t.program.size()) {
                        out.add(target);
                    }
                }
            }
            return out;
        }

        String name() {
            String base = functionName(function.start());
            return split ? base + "_r" + region : base;
        }

        void emit() {
            mv = new AddressSpaceUse(cw.visitMethod(ACC_STATIC | ACC_PRIVATE, name(), split ? REGION_DESC
                : functionDescriptor(function.start()), null, null));
            mv.visitCode();
            prologue();
            for (int i = 0; i < blocks.size(); i++) {
                ControlFlow.Block b = blocks.get(i);
                ControlFlow.Block next = i + 1 < blocks.size() ? blocks.get(i + 1) : null;
                emitBlock(b, next);
            }
            // Shared exit: r0 is the result.
            mv.visitLabel(exit);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(LLOAD, budget);
            mv.visitFieldInsn(PUTFIELD, STATE, "budget", "J");
            if (split) {
                mv.visitVarInsn(ALOAD, regsSlot);
                mv.visitInsn(ICONST_0);
                mv.visitVarInsn(LLOAD, reg[0]);
                mv.visitInsn(LASTORE);
                mv.visitInsn(ICONST_M1);
                mv.visitInsn(IRETURN);
            } else {
                mv.visitVarInsn(LLOAD, reg[0]);
                mv.visitInsn(LRETURN);
            }
            trampolines.forEach((target, label) -> {
                mv.visitLabel(label);
                spill(regsSlot);
                mv.visitVarInsn(ALOAD, 0);
                mv.visitVarInsn(LLOAD, budget);
                mv.visitFieldInsn(PUTFIELD, STATE, "budget", "J");
                push(mv, target);
                mv.visitInsn(IRETURN);
            });
            for (Runnable stub : stubs) {
                stub.run();
            }
            Label end = new Label();
            mv.visitLabel(end);
            methodEnds.put(name(), end);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }

        private void prologue() {
            mv.visitVarInsn(ILOAD, 1);
            mv.visitMethodInsn(INVOKESTATIC, "io/ebpfjvm/core/memory/Regions", "framePointer", "(I)J", false);
            mv.visitVarInsn(LSTORE, r10);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, STATE, "budget", "J");
            mv.visitVarInsn(LSTORE, budget);
            mv.visitVarInsn(ILOAD, 1);
            push(mv, 9);
            mv.visitInsn(ISHL);
            mv.visitVarInsn(ISTORE, fb);
            loadField("stack", "[B", stack);
            loadField("memory", "L" + SPACE + ";", mem);
            if (split) {
                // Regions come from the dispatcher, which makes the entry map the packet.
                mv.visitVarInsn(ALOAD, mem);
                push(mv, Regions.PACKET);
                mv.visitMethodInsn(INVOKEVIRTUAL, SPACE, "mapped", "(I)[B", false);
            } else {
                mv.visitVarInsn(ALOAD, shortForm(function.start()) ? ENTRY_PACKET_ARG : PACKET_ARG);
            }
            mv.visitVarInsn(ASTORE, pkt);
            if (!split && shortForm(function.start())) {
                // r3-r9 are not arguments of the short entry: a run starts with them at 0.
                for (int r = 3; r <= 9; r++) {
                    mv.visitInsn(LCONST_0);
                    mv.visitVarInsn(LSTORE, reg[r]);
                }
            }
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, STATE, "packetBase", "I");
            mv.visitVarInsn(ISTORE, pbase);
            loadField("context", "[B", ctx);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, STATE, "packetLength", "I");
            mv.visitVarInsn(ISTORE, plen);
            // pktw = packetWritable ? packet : EMPTY
            Label readOnly = new Label();
            Label chosen = new Label();
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, STATE, "packetWritable", "Z");
            mv.visitJumpInsn(IFEQ, readOnly);
            mv.visitVarInsn(ALOAD, pkt);
            mv.visitJumpInsn(GOTO, chosen);
            mv.visitLabel(readOnly);
            mv.visitFieldInsn(GETSTATIC, STATE, "EMPTY", "[B");
            mv.visitLabel(chosen);
            mv.visitVarInsn(ASTORE, pktw);
            if (split) {
                reload(regsSlot);
                // Enter at the block the dispatcher names.
                List<Integer> entries = new ArrayList<>();
                for (ControlFlow.Block b : blocks) {
                    entries.add(b.start());
                }
                int[] keys = entries.stream().mapToInt(Integer::intValue).toArray();
                Label[] labels = new Label[keys.length];
                for (int i = 0; i < keys.length; i++) {
                    labels[i] = blockLabels.get(keys[i]);
                }
                Label bad = new Label();
                mv.visitVarInsn(ILOAD, 3);
                mv.visitLookupSwitchInsn(bad, keys, labels);
                stubs.add(() -> {
                    mv.visitLabel(bad);
                    mv.visitVarInsn(ILOAD, 3);
                    mv.visitLdcInsn("internal JIT error: region does not hold instruction");
                    mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "fail", "(ILjava/lang/String;)Lio/ebpfjvm/core/error/EbpfRuntimeException;", false);
                    mv.visitInsn(ATHROW);
                });
            }
        }

        private void loadField(String field, String desc, int slot) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, STATE, field, desc);
            mv.visitVarInsn(ASTORE, slot);
        }

        /** Stores r0..r10 into the long[] in {@code slot}. */
        private void spill(int slot) {
            for (int r = 0; r <= 10; r++) {
                mv.visitVarInsn(ALOAD, slot);
                push(mv, r);
                mv.visitVarInsn(LLOAD, reg[r]);
                mv.visitInsn(LASTORE);
            }
        }

        private void reload(int slot) {
            for (int r = 0; r <= 9; r++) {
                mv.visitVarInsn(ALOAD, slot);
                push(mv, r);
                mv.visitInsn(LALOAD);
                mv.visitVarInsn(LSTORE, reg[r]);
            }
        }

        /** Where a branch to {@code target} goes: its block here, or a trampoline back to the dispatcher. */
        private Label target(int target) {
            Label l = blockLabels.get(target);
            if (l != null) {
                return l;
            }
            if (!split) {
                throw new IllegalStateException("no block at " + target);
            }
            return trampolines.computeIfAbsent(target, t -> new Label());
        }

        private void emitBlock(ControlFlow.Block b, ControlFlow.Block next) {
            mv.visitLabel(blockLabels.get(b.start()));
            chargeBudget(b);
            boolean interpreted = options.interpretedBlocks().contains(b.start());
            int segmentStart = -1;
            known.reset();
            for (int pc = b.start(); pc < b.end(); pc += program.get(pc).isLddw() ? 2 : 1) {
                Instruction insn = program.get(pc);
                if (interpreted && BlockInterpreter.handles(insn)) {
                    if (segmentStart < 0) {
                        segmentStart = pc;
                    }
                    continue;
                }
                if (segmentStart >= 0) {
                    interpretSegment(segmentStart, pc);
                    segmentStart = -1;
                    known.reset();
                }
                Label here = new Label();
                mv.visitLabel(here);
                mv.visitLineNumber(pc, here);
                curPc = pc;
                definedHere = 0;
                emitInstruction(pc, insn);
                known.after(insn);
            }
            if (segmentStart >= 0) {
                interpretSegment(segmentStart, b.end());
            }
            if (cfg.fallsThrough(b)) {
                if (b.end() >= program.size()) {
                    fail(program.size() - 1, "fell off the end of the program: expected exit or a jump");
                } else if (next == null || next.start() != b.end()) {
                    mv.visitJumpInsn(GOTO, target(b.end()));
                }
            }
        }

        private void chargeBudget(ControlFlow.Block b) {
            if (uncharged) {
                return;
            }
            if (options.iterationLimit()) {
                if (loopHeaders.contains(b.start())) {
                    chargeIteration(b);
                }
                return;
            }
            mv.visitVarInsn(LLOAD, budget);
            push(mv, (long) b.count());
            mv.visitInsn(LSUB);
            mv.visitInsn(DUP2);
            mv.visitVarInsn(LSTORE, budget);
            mv.visitInsn(LCONST_0);
            mv.visitInsn(LCMP);
            Label over = new Label();
            mv.visitJumpInsn(IFLT, over);
            stubs.add(() -> {
                mv.visitLabel(over);
                mv.visitLdcInsn(condy(0, LINK_D));
                push(mv, b.start());
                mv.visitVarInsn(LLOAD, budget);
                push(mv, b.count());
                mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "stepLimit", "(" + LINK_D + "IJI)Lio/ebpfjvm/core/error/EbpfRuntimeException;", false);
                mv.visitInsn(ATHROW);
            });
        }

        /** One loop iteration off the budget; a run out of it stops at the loop's first instruction. */
        private void chargeIteration(ControlFlow.Block b) {
            mv.visitVarInsn(LLOAD, budget);
            mv.visitInsn(LCONST_1);
            mv.visitInsn(LSUB);
            mv.visitInsn(DUP2);
            mv.visitVarInsn(LSTORE, budget);
            mv.visitInsn(LCONST_0);
            mv.visitInsn(LCMP);
            Label over = new Label();
            mv.visitJumpInsn(IFLT, over);
            stubs.add(() -> {
                mv.visitLabel(over);
                mv.visitLdcInsn(condy(0, LINK_D));
                push(mv, b.start());
                mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "iterationLimit", "(" + LINK_D + "I)Lio/ebpfjvm/core/error/EbpfRuntimeException;", false);
                mv.visitInsn(ATHROW);
            });
        }

        private void interpretSegment(int from, int to) {
            int regs = regsSlot;
            if (!split) {
                regs = ctx + 1;
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, STATE, "frameRegs", "[[J");
                mv.visitVarInsn(ILOAD, 1);
                mv.visitInsn(AALOAD);
                mv.visitVarInsn(ASTORE, regs);
            }
            spill(regs);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitLdcInsn(condy(0, LINK_D));
            mv.visitVarInsn(ALOAD, regs);
            push(mv, from);
            push(mv, to);
            mv.visitMethodInsn(INVOKESTATIC, "io/ebpfjvm/jit/BlockInterpreter", "run", "(" + STATE_D + LINK_D + "[JII)V", false);
            reload(regs);
        }

        private void fail(int pc, String message) {
            push(mv, pc);
            mv.visitLdcInsn(message);
            mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "fail", "(ILjava/lang/String;)Lio/ebpfjvm/core/error/EbpfRuntimeException;", false);
            mv.visitInsn(ATHROW);
        }

        /** Pushes register {@code r} as a long. */
        private void load(int r) {
            if (narrowAt(r)) {
                mv.visitVarInsn(ILOAD, ireg[r]);
                mv.visitInsn(I2L);
            } else {
                mv.visitVarInsn(LLOAD, reg[r]);
            }
        }

        /** Pushes the low 32 bits of register {@code r}. */
        private void loadInt(int r) {
            if (narrowAt(r)) {
                mv.visitVarInsn(ILOAD, ireg[r]);
            } else {
                mv.visitVarInsn(LLOAD, reg[r]);
                mv.visitInsn(L2I);
            }
        }

        /** Whether the value of {@code r} the current instruction sees lives in the int local. */
        private boolean narrowAt(int r) {
            if (narrow == null || r >= ireg.length) {
                return false;
            }
            return (definedHere & (1 << r)) != 0 ? narrow.def(curPc, r) : narrow.use(curPc, r);
        }

        private boolean narrowDef(int pc, int r) {
            return narrow != null && narrow.def(pc, r);
        }

        /** Stores the long on the stack into {@code r}, as the instruction at {@code pc} defines it. */
        private void store(int r, int pc) {
            if (r == R10) {
                throw new JitUnsupportedException("insn " + pc + ": writes r10, which is read-only");
            }
            if (narrowDef(pc, r)) {
                mv.visitInsn(L2I);
                mv.visitVarInsn(ISTORE, ireg[r]);
            } else {
                mv.visitVarInsn(LSTORE, reg[r]);
            }
            if (pc == curPc) {
                definedHere |= 1 << r;
            }
        }

        /** Stores a 32-bit ALU result (the int on the stack) into {@code r}, zero-extended. */
        private void storeInt32(int r, int pc) {
            if (narrowDef(pc, r)) {
                // Narrow means the zero-extended value fits an int: bit 31 is clear, the int is the value.
                mv.visitVarInsn(ISTORE, ireg[r]);
                if (pc == curPc) {
                    definedHere |= 1 << r;
                }
            } else {
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "toUnsignedLong", "(I)J", false);
                store(r, pc);
            }
        }

        /**
         * A 64-bit ALU operation into a narrow register computed in 32 bits: for these operations
         * the low 32 bits of the result depend only on the low 32 bits of the operands, and the
         * verifier proves the whole result fits an int. False when the operation has no such form.
         */
        private boolean alu64Narrow(int pc, Instruction insn) {
            int op = insn.op();
            int dst = insn.dst();
            boolean x = source(insn.opcode()) == BPF_X;
            if (!narrowDef(pc, dst)) {
                return false;
            }
            switch (op) {
                case BPF_ADD, BPF_SUB, BPF_MUL, BPF_OR, BPF_AND, BPF_XOR -> intArithmetic(insn, x);
                case BPF_LSH -> {
                    if (x || (insn.imm() & 63) >= 32) {
                        return false;
                    }
                    loadInt(dst);
                    push(mv, insn.imm() & 63);
                    mv.visitInsn(ISHL);
                }
                case BPF_NEG -> {
                    loadInt(dst);
                    mv.visitInsn(INEG);
                }
                case BPF_MOV -> {
                    if (!x) {
                        push(mv, (int) io.ebpfjvm.core.isa.Semantics.movsx64(insn.offset(), insn.imm()));
                    } else if (insn.offset() == 0) {
                        loadInt(insn.src());
                    } else {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
            mv.visitVarInsn(ISTORE, ireg[dst]);
            definedHere |= 1 << dst;
            return true;
        }

        private void emitInstruction(int pc, Instruction insn) {
            switch (insn.cls()) {
                case BPF_ALU64 -> alu64(pc, insn);
                case BPF_ALU -> alu32(pc, insn);
                case BPF_JMP, BPF_JMP32 -> jump(pc, insn);
                case BPF_LDX -> loadX(pc, insn);
                case BPF_ST, BPF_STX -> store(pc, insn);
                default -> ld(pc, insn);
            }
        }

        // ---- ALU ----

        private void alu64(int pc, Instruction insn) {
            if (alu64Narrow(pc, insn)) {
                return;
            }
            int op = insn.op();
            int dst = insn.dst();
            boolean x = source(insn.opcode()) == BPF_X;
            switch (op) {
                case BPF_ADD, BPF_SUB, BPF_MUL, BPF_OR, BPF_AND, BPF_XOR -> {
                    load(dst);
                    src64(insn, x);
                    mv.visitInsn(switch (op) {
                        case BPF_ADD -> LADD;
                        case BPF_SUB -> LSUB;
                        case BPF_MUL -> LMUL;
                        case BPF_OR -> LOR;
                        case BPF_AND -> LAND;
                        default -> LXOR;
                    });
                }
                case BPF_LSH, BPF_RSH, BPF_ARSH -> {
                    load(dst);
                    shiftCount(insn, x);
                    mv.visitInsn(op == BPF_LSH ? LSHL : op == BPF_RSH ? LUSHR : LSHR);
                }
                case BPF_NEG -> {
                    load(dst);
                    mv.visitInsn(LNEG);
                }
                case BPF_MOV -> {
                    if (!x) {
                        push(mv, io.ebpfjvm.core.isa.Semantics.movsx64(insn.offset(), insn.imm()));
                    } else if (insn.offset() == 0) {
                        load(insn.src());
                    } else {
                        push(mv, (int) insn.offset());
                        load(insn.src());
                        semantics("movsx64", "(IJ)J");
                    }
                }
                case BPF_DIV, BPF_MOD -> {
                    load(dst);
                    src64(insn, x);
                    boolean unsigned = insn.offset() == 0;
                    semantics(op == BPF_DIV ? (unsigned ? "udiv64" : "sdiv64") : (unsigned ? "umod64" : "smod64"), "(JJ)J");
                }
                case BPF_END -> {
                    push(mv, insn.imm());
                    load(dst);
                    semantics("bswap", "(IJ)J");
                }
                default -> throw new JitUnsupportedException("insn " + pc + ": unknown ALU64 operation 0x" + Integer.toHexString(op));
            }
            store(dst, pc);
        }

        private void alu32(int pc, Instruction insn) {
            int op = insn.op();
            int dst = insn.dst();
            boolean x = source(insn.opcode()) == BPF_X;
            if (op == BPF_END) {
                push(mv, insn.imm());
                load(dst);
                semantics(x ? "bswap" : "toLittleEndian", "(IJ)J");
                store(dst, pc);
                return;
            }
            switch (op) {
                case BPF_ADD, BPF_SUB, BPF_MUL, BPF_OR, BPF_AND, BPF_XOR -> intArithmetic(insn, x);
                case BPF_LSH, BPF_RSH, BPF_ARSH -> {
                    loadInt(dst);
                    src32(insn, x);
                    mv.visitInsn(op == BPF_LSH ? ISHL : op == BPF_RSH ? IUSHR : ISHR);
                }
                case BPF_NEG -> {
                    loadInt(dst);
                    mv.visitInsn(INEG);
                }
                case BPF_MOV -> {
                    if (!x) {
                        push(mv, io.ebpfjvm.core.isa.Semantics.movsx32(insn.offset(), insn.imm()));
                    } else if (insn.offset() == 0) {
                        loadInt(insn.src());
                    } else {
                        push(mv, (int) insn.offset());
                        loadInt(insn.src());
                        semantics("movsx32", "(II)I");
                    }
                }
                case BPF_DIV, BPF_MOD -> {
                    loadInt(dst);
                    src32(insn, x);
                    boolean unsigned = insn.offset() == 0;
                    semantics(op == BPF_DIV ? (unsigned ? "udiv32" : "sdiv32") : (unsigned ? "umod32" : "smod32"), "(II)I");
                }
                default -> throw new JitUnsupportedException("insn " + pc + ": unknown ALU operation 0x" + Integer.toHexString(op));
            }
            // 32-bit results are zero-extended.
            storeInt32(dst, pc);
        }

        /** dst OP src (or imm) on the low 32 bits: ADD, SUB, MUL, OR, AND, XOR. */
        private void intArithmetic(Instruction insn, boolean x) {
            loadInt(insn.dst());
            src32(insn, x);
            mv.visitInsn(switch (insn.op()) {
                case BPF_ADD -> IADD;
                case BPF_SUB -> ISUB;
                case BPF_MUL -> IMUL;
                case BPF_OR -> IOR;
                case BPF_AND -> IAND;
                default -> IXOR;
            });
        }

        private void src64(Instruction insn, boolean x) {
            if (x) {
                load(insn.src());
            } else {
                push(mv, (long) insn.imm());
            }
        }

        private void src32(Instruction insn, boolean x) {
            if (x) {
                loadInt(insn.src());
            } else {
                push(mv, insn.imm());
            }
        }

        private void shiftCount(Instruction insn, boolean x) {
            if (x) {
                load(insn.src());
                mv.visitInsn(L2I);
            } else {
                // The JVM masks the count with 63 exactly as Java's long shift in Semantics does.
                push(mv, insn.imm());
            }
        }

        private void semantics(String name, String desc) {
            mv.visitMethodInsn(INVOKESTATIC, SEMANTICS, name, desc, false);
        }

        // ---- jumps, calls, exit ----

        private void jump(int pc, Instruction insn) {
            int op = insn.op();
            if (op == BPF_EXIT) {
                if (narrowAt(0)) {
                    // The shared exit returns the long local.
                    load(0);
                    mv.visitVarInsn(LSTORE, reg[0]);
                }
                mv.visitJumpInsn(GOTO, exit);
                return;
            }
            if (op == BPF_CALL) {
                call(pc, insn);
                return;
            }
            int target = insn.jumpTarget(pc);
            if (op == BPF_JA) {
                mv.visitJumpInsn(GOTO, target(target));
                return;
            }
            boolean x = source(insn.opcode()) == BPF_X;
            Label to = target(target);
            if (packetCompare(pc, insn, x, to) || intCompare(pc, insn, x, to)) {
                return;
            }
            if (insn.cls() == BPF_JMP) {
                load(insn.dst());
                src64(insn, x);
                switch (op) {
                    case BPF_JSET -> {
                        mv.visitInsn(LAND);
                        mv.visitInsn(LCONST_0);
                        mv.visitInsn(LCMP);
                        mv.visitJumpInsn(IFNE, to);
                    }
                    case BPF_JEQ, BPF_JNE, BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE -> {
                        mv.visitInsn(LCMP);
                        mv.visitJumpInsn(signedBranch(op), to);
                    }
                    default -> {
                        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "compareUnsigned", "(JJ)I", false);
                        mv.visitJumpInsn(unsignedBranch(op), to);
                    }
                }
            } else {
                load(insn.dst());
                mv.visitInsn(L2I);
                src32(insn, x);
                switch (op) {
                    case BPF_JSET -> {
                        mv.visitInsn(IAND);
                        mv.visitJumpInsn(IFNE, to);
                    }
                    case BPF_JEQ -> mv.visitJumpInsn(IF_ICMPEQ, to);
                    case BPF_JNE -> mv.visitJumpInsn(IF_ICMPNE, to);
                    case BPF_JSGT -> mv.visitJumpInsn(IF_ICMPGT, to);
                    case BPF_JSGE -> mv.visitJumpInsn(IF_ICMPGE, to);
                    case BPF_JSLT -> mv.visitJumpInsn(IF_ICMPLT, to);
                    case BPF_JSLE -> mv.visitJumpInsn(IF_ICMPLE, to);
                    default -> {
                        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "compareUnsigned", "(II)I", false);
                        mv.visitJumpInsn(unsignedBranch(op), to);
                    }
                }
            }
        }

        /**
         * Two pointers into the packet compare as their offsets: same region, offsets far inside
         * int (packet arrays are under 2 GiB, the verifier bounds pointer offsets by 2^29).
         */
        private boolean packetCompare(int pc, Instruction insn, boolean x, Label to) {
            int op = insn.op();
            RegisterFacts facts = options.registers();
            if (insn.cls() != BPF_JMP || !x || op == BPF_JSET
                || !facts.packetPointer(pc, insn.dst()) || !facts.packetPointer(pc, insn.src())) {
                return false;
            }
            loadInt(insn.dst());
            loadInt(insn.src());
            mv.visitJumpInsn(intBranch(op), to);
            return true;
        }

        /**
         * A 32-bit jump, or a 64-bit one between narrow values, as an int comparison. With the
         * verifier's range of the register, an equality with its bound becomes an ordering
         * ({@code w4 == 0x600} on [2, 0x600] is {@code w4 >= 0x600}), the exit test C2 needs to
         * see a counted loop; unsigned orderings of values proven non-negative become signed.
         */
        private boolean intCompare(int pc, Instruction insn, boolean x, Label to) {
            int dst = insn.dst();
            boolean wide = insn.cls() == BPF_JMP;
            if (wide && !(narrowAt(dst) && (!x || narrowAt(insn.src())))) {
                return false;
            }
            int op = insn.op();
            RegisterFacts facts = options.registers();
            boolean known = facts.intScalar(pc, dst);
            int k = insn.imm();
            if (!x && known && (op == BPF_JEQ || op == BPF_JNE)) {
                int lo = facts.min(pc, dst);
                int hi = facts.max(pc, dst);
                if (lo < hi && k == hi) {
                    op = op == BPF_JEQ ? BPF_JSGE : BPF_JSLT;
                } else if (lo < hi && k == lo) {
                    op = op == BPF_JEQ ? BPF_JSLE : BPF_JSGT;
                }
            }
            boolean nonNegative = known && facts.min(pc, dst) >= 0
                && (x ? facts.intScalar(pc, insn.src()) && facts.min(pc, insn.src()) >= 0 : k >= 0);
            loadInt(dst);
            if (x) {
                loadInt(insn.src());
            } else {
                push(mv, k);
            }
            if (op == BPF_JSET) {
                // For sign-extended ints the 64-bit AND is non-zero exactly when the 32-bit one is.
                mv.visitInsn(IAND);
                mv.visitJumpInsn(IFNE, to);
            } else if (nonNegative || op == BPF_JEQ || op == BPF_JNE || op == BPF_JSGT || op == BPF_JSGE
                || op == BPF_JSLT || op == BPF_JSLE) {
                mv.visitJumpInsn(intBranch(op), to);
            } else {
                // Unsigned order of sign-extended ints is the unsigned order of the ints.
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "compareUnsigned", "(II)I", false);
                mv.visitJumpInsn(unsignedBranch(op), to);
            }
            return true;
        }

        /** IF_ICMPxx for a jump operation; unsigned orderings only for operands known non-negative. */
        private int intBranch(int op) {
            return switch (op) {
                case BPF_JEQ -> IF_ICMPEQ;
                case BPF_JNE -> IF_ICMPNE;
                case BPF_JSGT -> IF_ICMPGT;
                case BPF_JSGE -> IF_ICMPGE;
                case BPF_JSLT -> IF_ICMPLT;
                case BPF_JSLE -> IF_ICMPLE;
                case BPF_JGT -> IF_ICMPGT;
                case BPF_JGE -> IF_ICMPGE;
                case BPF_JLT -> IF_ICMPLT;
                case BPF_JLE -> IF_ICMPLE;
                default -> throw new JitUnsupportedException("unknown jump operation 0x" + Integer.toHexString(op));
            };
        }

        private int signedBranch(int op) {
            return switch (op) {
                case BPF_JEQ -> IFEQ;
                case BPF_JNE -> IFNE;
                case BPF_JSGT -> IFGT;
                case BPF_JSGE -> IFGE;
                case BPF_JSLT -> IFLT;
                default -> IFLE;
            };
        }

        private int unsignedBranch(int op) {
            return switch (op) {
                case BPF_JGT -> IFGT;
                case BPF_JGE -> IFGE;
                case BPF_JLT -> IFLT;
                case BPF_JLE -> IFLE;
                default -> throw new JitUnsupportedException("unknown jump operation 0x" + Integer.toHexString(op));
            };
        }

        private void call(int pc, Instruction insn) {
            if (insn.opcode() == CALLX) {
                setPc(pc);
                saveBudget();
                mv.visitLdcInsn(condy(0, LINK_D));
                mv.visitVarInsn(ALOAD, 0);
                mv.visitVarInsn(ILOAD, 1);
                load(insn.dst());
                for (int r = 1; r <= 5; r++) {
                    load(r);
                }
                push(mv, pc);
                mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "callDynamic", "(" + LINK_D + STATE_D + "IJJJJJJI)J", false);
                store(0, pc);
                restoreBudget();
                exitIfStopped();
                return;
            }
            if (insn.src() == BPF_PSEUDO_CALL) {
                localCall(pc, insn.callTarget(pc));
                return;
            }
            if (insn.src() == BPF_PSEUDO_KFUNC_CALL) {
                fail(pc, "kfunc calls are not supported (btf id " + insn.imm() + ")");
                return;
            }
            int id = insn.imm();
            if (id == JitRuntime.HELPER_TAIL_CALL) {
                tailCall(pc);
            } else if (id == JitRuntime.HELPER_LOOP) {
                bpfLoop(pc);
            } else if (helpers.get(id) == null) {
                fail(pc, "unknown helper " + id + ": not registered");
            } else if (!directMapCall(pc, id)) {
                helper(pc, id);
            }
        }

        private void setPc(int pc) {
            mv.visitVarInsn(ALOAD, 0);
            push(mv, pc);
            mv.visitFieldInsn(PUTFIELD, STATE, "pc", "I");
        }

        private void saveBudget() {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(LLOAD, budget);
            mv.visitFieldInsn(PUTFIELD, STATE, "budget", "J");
        }

        private void restoreBudget() {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, STATE, "budget", "J");
            mv.visitVarInsn(LSTORE, budget);
        }

        private void exitIfStopped() {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, STATE, "stop", "Z");
            mv.visitJumpInsn(IFNE, exit);
        }

        /**
         * A kernel map helper whose map (r1) and stack key (r2) and value (r3, for update) the
         * block proves: calls the map with the key's stack index, skipping the helper's
         * handle and pointer decoding. Same results as the helper; false when not applicable.
         */
        private boolean directMapCall(int pc, int id) {
            Helper registered = helpers.get(id);
            boolean lookup = id == KernelHelpers.MAP_LOOKUP_ELEM && registered == KernelHelpers.MAP_LOOKUP;
            boolean update = id == KernelHelpers.MAP_UPDATE_ELEM && registered == KernelHelpers.MAP_UPDATE;
            boolean delete = id == KernelHelpers.MAP_DELETE_ELEM && registered == KernelHelpers.MAP_DELETE;
            int m = known.mapIndex(1);
            if (!(lookup || update || delete) || m < 0 || m >= maps.size() || !DIRECT_MAP_TYPES.contains(maps.get(m).type())) {
                return false;
            }
            BpfMap map = maps.get(m);
            if (!onStack(2, map.spec().keySize()) || (update && !onStack(3, map.spec().valueSize()))) {
                return false;
            }
            setPc(pc);
            mv.visitLdcInsn(condy(constant(map), "L" + MAP + ";"));
            stackIndex(2);
            if (lookup) {
                mv.visitMethodInsn(INVOKEVIRTUAL, MAP, "lookupSlot", "([BI)I", false);
                // slot < 0 -> NULL, else a pointer to the value: what the helper returns.
                Label missing = new Label();
                Label done = new Label();
                mv.visitInsn(DUP);
                mv.visitJumpInsn(IFLT, missing);
                mv.visitInsn(I2L);
                push(mv, Pointers.make(Regions.mapValues(m), 0));
                mv.visitInsn(LADD);
                mv.visitJumpInsn(GOTO, done);
                mv.visitLabel(missing);
                mv.visitInsn(POP);
                mv.visitInsn(LCONST_0);
                mv.visitLabel(done);
            } else if (update) {
                stackIndex(3);
                load(4);
                mv.visitMethodInsn(INVOKEVIRTUAL, MAP, "update", "([BI[BIJ)J", false);
            } else {
                mv.visitMethodInsn(INVOKEVIRTUAL, MAP, "delete", "([BI)J", false);
            }
            store(0, pc);
            return true;
        }

        /** Whether register r points at {@code size} bytes inside the current stack frame. */
        private boolean onStack(int r, int size) {
            long off = known.stackOffset(r);
            return known.onStack(r) && off >= -STACK_SIZE && off + size <= 0;
        }

        /** Pushes the stack array and the index register {@code r} (known r10 + k) points at. */
        private void stackIndex(int r) {
            mv.visitVarInsn(ALOAD, stack);
            mv.visitVarInsn(ILOAD, fb);
            push(mv, STACK_SIZE + (int) known.stackOffset(r));
            mv.visitInsn(IADD);
        }

        private void helper(int pc, int id) {
            setPc(pc);
            mv.visitLdcInsn(condy(constant(helpers.get(id)), "L" + HELPER + ";"));
            mv.visitVarInsn(ALOAD, 0);
            for (int r = 1; r <= 5; r++) {
                load(r);
            }
            Label start = new Label();
            Label end = new Label();
            Label handler = new Label();
            mv.visitTryCatchBlock(start, end, handler, "java/lang/RuntimeException");
            mv.visitLabel(start);
            mv.visitMethodInsn(INVOKEINTERFACE, HELPER, "call", "(Lio/ebpfjvm/core/helper/HelperContext;JJJJJ)J", true);
            mv.visitLabel(end);
            store(0, pc);
            exitIfStopped();
            String name = String.valueOf(helpers.name(id));
            stubs.add(() -> {
                mv.visitLabel(handler);
                push(mv, id);
                mv.visitLdcInsn(name);
                push(mv, pc);
                mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "helperFailed",
                    "(Ljava/lang/RuntimeException;ILjava/lang/String;I)Ljava/lang/RuntimeException;", false);
                mv.visitInsn(ATHROW);
            });
        }

        private void localCall(int pc, int target) {
            Label deep = new Label();
            mv.visitVarInsn(ILOAD, 1);
            push(mv, MAX_CALL_FRAMES - 1);
            mv.visitJumpInsn(IF_ICMPGE, deep);
            stubs.add(() -> {
                mv.visitLabel(deep);
                push(mv, pc);
                mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "tooDeep", "(I)Lio/ebpfjvm/core/error/EbpfRuntimeException;", false);
                mv.visitInsn(ATHROW);
            });
            saveBudget();
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ILOAD, 1);
            mv.visitInsn(ICONST_1);
            mv.visitInsn(IADD);
            // The callee starts from the caller's registers, as in the interpreter (a verified callee reads only r1-r5).
            for (int r = 0; r <= 9; r++) {
                load(r);
            }
            mv.visitVarInsn(ALOAD, pkt);
            mv.visitMethodInsn(INVOKESTATIC, CLASS, functionName(target), functionDescriptor(target), false);
            store(0, pc);
            restoreBudget();
            exitIfStopped();
        }

        private void tailCall(int pc) {
            setPc(pc);
            saveBudget();
            mv.visitLdcInsn(condy(0, LINK_D));
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ILOAD, 1);
            load(2);
            load(3);
            push(mv, pc);
            mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "tailCallTarget",
                "(" + LINK_D + STATE_D + "IJJI)L" + ENTRY + ";", false);
            Label notTaken = new Label();
            Label after = new Label();
            mv.visitInsn(DUP);
            mv.visitJumpInsn(IFNULL, notTaken);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ALOAD, pkt);
            load(1);
            load(2);
            mv.visitMethodInsn(INVOKEINTERFACE, ENTRY, "enter", ENTER_DESC, true);
            store(0, pc);
            restoreBudget();
            mv.visitJumpInsn(GOTO, exit);
            mv.visitLabel(notTaken);
            mv.visitInsn(POP);
            push(mv, (long) -Errno.ENOENT);
            store(0, pc);
            mv.visitLabel(after);
        }

        private void bpfLoop(int pc) {
            setPc(pc);
            saveBudget();
            mv.visitLdcInsn(condy(0, LINK_D));
            mv.visitVarInsn(ALOAD, 0);
            mv.visitVarInsn(ILOAD, 1);
            for (int r = 1; r <= 4; r++) {
                load(r);
            }
            push(mv, pc);
            mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "bpfLoop", "(" + LINK_D + STATE_D + "IJJJJI)J", false);
            store(0, pc);
            restoreBudget();
            exitIfStopped();
        }

        // ---- loads, stores, atomics ----

        private void loadX(int pc, Instruction insn) {
            int size = sizeBytes(insn.opcode());
            boolean signedLoad = mode(insn.opcode()) == BPF_MEMSX;
            boolean signed = signedLoad;
            Access a = plan(pc, insn.src(), insn.offset(), size, false);
            if (a == Access.CTX_DATA || a == Access.CTX_DATA_END) {
                push(mv, Pointers.make(Regions.PACKET, 0));
                if (a == Access.CTX_DATA_END) {
                    mv.visitVarInsn(ALOAD, 0);
                    mv.visitFieldInsn(GETFIELD, STATE, "packetLength", "I");
                    mv.visitInsn(I2L);
                    mv.visitInsn(LADD);
                }
            } else if (a == Access.TAGGED) {
                Label done = null;
                if (insn.src() != R10) {
                    done = new Label();
                    packetFastPath(insn.src(), insn.offset(), size, signedLoad, done);
                }
                if (layout != null) {
                    mv.visitVarInsn(ALOAD, 0);
                    address(insn.src(), insn.offset());
                    push(mv, size);
                    push(mv, pc);
                    mv.visitMethodInsn(INVOKESTATIC, RUNTIME, signed ? "loadSigned" : "load", "(" + STATE_D + "JII)J", false);
                    signed = false;
                } else {
                    mv.visitVarInsn(ALOAD, mem);
                    address(insn.src(), insn.offset());
                    push(mv, size);
                    push(mv, pc);
                    mv.visitMethodInsn(INVOKEVIRTUAL, SPACE, "load", "(JII)J", false);
                }
                if (signed) {
                    mv.visitInsn(L2I);
                    if (size == 1) {
                        mv.visitInsn(I2B);
                    } else if (size == 2) {
                        mv.visitInsn(I2S);
                    }
                    mv.visitInsn(I2L);
                }
                if (done != null) {
                    mv.visitLabel(done);
                }
            } else {
                guarded(pc, () -> {
                    arrayAndIndex(a, insn.src(), insn.offset(), pc);
                    String name = (signedLoad && size < 8 ? "s" : "u") + size * 8;
                    mv.visitMethodInsn(INVOKESTATIC, DIRECT, name, "([BI)J", false);
                });
            }
            store(insn.dst(), pc);
        }

        private void store(int pc, Instruction insn) {
            int size = sizeBytes(insn.opcode());
            boolean immediate = insn.cls() == BPF_ST;
            if (!immediate && mode(insn.opcode()) == BPF_ATOMIC) {
                atomic(pc, insn, size);
                return;
            }
            Access a = plan(pc, insn.dst(), insn.offset(), size, true);
            Runnable value = () -> {
                if (immediate) {
                    push(mv, (long) insn.imm());
                } else {
                    load(insn.src());
                }
            };
            if (a == Access.TAGGED) {
                if (layout != null) {
                    mv.visitVarInsn(ALOAD, 0);
                    address(insn.dst(), insn.offset());
                    push(mv, size);
                    value.run();
                    push(mv, pc);
                    mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "store", "(" + STATE_D + "JIJI)V", false);
                } else {
                    mv.visitVarInsn(ALOAD, mem);
                    address(insn.dst(), insn.offset());
                    push(mv, size);
                    value.run();
                    push(mv, pc);
                    mv.visitMethodInsn(INVOKEVIRTUAL, SPACE, "store", "(JIJI)V", false);
                }
                return;
            }
            guarded(pc, () -> {
                arrayAndIndex(a == Access.PACKET ? Access.PACKET_STORE : a, insn.dst(), insn.offset(), pc);
                value.run();
                mv.visitMethodInsn(INVOKESTATIC, DIRECT, "st" + size * 8, "([BIJ)V", false);
            });
        }

        private void atomic(int pc, Instruction insn, int size) {
            int aop = insn.imm();
            Access a = plan(pc, insn.dst(), insn.offset(), size, true);
            // size, op, operand (src), expected (r0 for cmpxchg), instruction: both paths take them.
            Runnable operands = () -> {
                push(mv, size);
                push(mv, aop);
                load(insn.src());
                load(0);
                push(mv, pc);
            };
            if (a == Access.STACK || a == Access.STACK_R10 || a == Access.MAP_VALUE) {
                // A proven stack slot or map value: the JVM's atomic access modes on its array.
                guarded(pc, () -> {
                    arrayAndIndex(a, insn.dst(), insn.offset(), pc);
                    operands.run();
                    mv.visitMethodInsn(INVOKESTATIC, DIRECT, "atomic", "([BIIIJJI)J", false);
                });
            } else {
                mv.visitVarInsn(ALOAD, mem);
                address(insn.dst(), insn.offset());
                operands.run();
                mv.visitMethodInsn(INVOKEVIRTUAL, SPACE, "atomic", "(JIIJJI)J", false);
            }
            if (aop == BPF_CMPXCHG) {
                store(0, pc);
            } else if ((aop & BPF_FETCH) != 0) {
                store(insn.src(), pc);
            } else {
                mv.visitInsn(POP2);
            }
        }

        /**
         * Without a fact, a load through a register tests the tag inline: a pointer into the
         * packet whose bytes lie inside it is read straight from the array (the same check
         * the address space makes), anything else falls through to the checked path below.
         * Leaves the value on the stack and jumps to {@code done} when it applies.
         */
        private void packetFastPath(int base, int offset, int size, boolean signed, Label done) {
            Label slow = new Label();
            address(base, offset);
            mv.visitVarInsn(LSTORE, tmp);
            mv.visitVarInsn(LLOAD, tmp);
            push(mv, 32);
            mv.visitInsn(LUSHR);
            push(mv, (long) Regions.PACKET);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFNE, slow);
            mv.visitVarInsn(LLOAD, tmp);
            mv.visitLdcInsn(0xffffffffL);
            mv.visitInsn(LAND);
            jumpIfPastPacketEnd(size, slow);
            packetArrayAndIndex();
            mv.visitMethodInsn(INVOKESTATIC, DIRECT, (signed && size < 8 ? "s" : "u") + size * 8, "([BI)J", false);
            mv.visitJumpInsn(GOTO, done);
            mv.visitLabel(slow);
        }

        /** Jumps to {@code to} when {@code size} bytes at the packet offset on the stack (a long) pass the packet's end. */
        private void jumpIfPastPacketEnd(int size, Label to) {
            push(mv, (long) size);
            mv.visitInsn(LADD);
            mv.visitVarInsn(ILOAD, plen);
            mv.visitInsn(I2L);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFGT, to);
        }

        /** Pushes the packet array and the index of the packet offset held in {@code tmp}. */
        private void packetArrayAndIndex() {
            mv.visitVarInsn(ALOAD, pkt);
            mv.visitVarInsn(ILOAD, pbase);
            mv.visitVarInsn(LLOAD, tmp);
            mv.visitInsn(L2I);
            mv.visitInsn(IADD);
        }

        private void address(int base, int offset) {
            load(base);
            if (offset != 0) {
                push(mv, (long) offset);
                mv.visitInsn(LADD);
            }
        }

        /** Runs {@code body} under a handler that turns the JVM's bounds check into a fault naming {@code pc}. */
        private void guarded(int pc, Runnable body) {
            Label start = new Label();
            Label end = new Label();
            Label handler = new Label();
            mv.visitTryCatchBlock(start, end, handler, "java/lang/IndexOutOfBoundsException");
            mv.visitLabel(start);
            body.run();
            mv.visitLabel(end);
            stubs.add(() -> {
                mv.visitLabel(handler);
                push(mv, pc);
                mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "outOfBounds", "(Ljava/lang/RuntimeException;I)Lio/ebpfjvm/core/error/EbpfRuntimeException;", false);
                mv.visitInsn(ATHROW);
            });
        }

        private void arrayAndIndex(Access a, int base, int offset, int pc) {
            switch (a) {
                case STACK_R10 -> {
                    mv.visitVarInsn(ALOAD, stack);
                    mv.visitVarInsn(ILOAD, fb);
                    push(mv, STACK_SIZE + offset);
                    mv.visitInsn(IADD);
                }
                case STACK -> {
                    mv.visitVarInsn(ALOAD, stack);
                    address(base, offset);
                    mv.visitMethodInsn(INVOKESTATIC, DIRECT, "stackIndex", "(J)I", false);
                }
                case PACKET, PACKET_STORE -> {
                    mv.visitVarInsn(ALOAD, a == Access.PACKET ? pkt : pktw);
                    mv.visitVarInsn(ILOAD, pbase);
                    address(base, offset);
                    mv.visitInsn(L2I);
                    mv.visitInsn(IADD);
                }
                case MAP_VALUE -> {
                    int map = options.facts().access(pc).mapIndex();
                    mv.visitLdcInsn(condy(constant(maps.get(map).values()), "[B"));
                    address(base, offset);
                    mv.visitInsn(L2I);
                }
                case CONTEXT -> {
                    mv.visitVarInsn(ALOAD, ctx);
                    address(base, offset);
                    mv.visitInsn(L2I);
                }
                default -> throw new IllegalStateException(a.toString());
            }
        }

        private void ld(int pc, Instruction insn) {
            if (insn.isLddw()) {
                long value = switch (insn.src()) {
                    case BPF_PSEUDO_NONE -> program.wideImmediate(pc);
                    case BPF_PSEUDO_MAP_FD -> Regions.mapHandle(insn.imm());
                    case BPF_PSEUDO_MAP_VALUE -> Pointers.make(Regions.mapValues(insn.imm()), program.wideImmediate(pc) >>> 32);
                    case BPF_PSEUDO_FUNC -> Pointers.make(Regions.CODE, pc + 1 + insn.imm());
                    default -> Long.MIN_VALUE;
                };
                if (value == Long.MIN_VALUE && insn.src() != BPF_PSEUDO_NONE) {
                    fail(pc, "lddw with pseudo source " + insn.src()
                        + " (BTF or map-index reference) is not supported by the interpreter");
                    return;
                }
                push(mv, value);
                store(insn.dst(), pc);
                return;
            }
            int mode = mode(insn.opcode());
            if (mode != BPF_ABS && mode != BPF_IND) {
                throw new JitUnsupportedException("insn " + pc + ": unknown load opcode 0x" + Integer.toHexString(insn.opcode()));
            }
            // Legacy packet load, inline: a big-endian read of the packet array, or the end of
            // the run with r0 = 0 when the bytes are not all inside the packet (as the kernel does).
            int size = sizeBytes(insn.opcode());
            if (size == 8) {
                throw new JitUnsupportedException("insn " + pc + ": legacy packet load of 8 bytes");
            }
            if (mode == BPF_IND) {
                load(insn.src());
                push(mv, (long) insn.imm());
                mv.visitInsn(LADD);
                mv.visitInsn(L2I);
                mv.visitInsn(I2L);
            } else {
                push(mv, (long) insn.imm());
            }
            mv.visitVarInsn(LSTORE, tmp);
            Label outside = new Label();
            mv.visitVarInsn(LLOAD, tmp);
            mv.visitInsn(LCONST_0);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFLT, outside);
            mv.visitVarInsn(LLOAD, tmp);
            jumpIfPastPacketEnd(size, outside);
            guarded(pc, () -> {
                packetArrayAndIndex();
                mv.visitMethodInsn(INVOKESTATIC, DIRECT, size == 1 ? "u8" : "be" + size * 8, "([BI)J", false);
            });
            stubs.add(() -> {
                mv.visitLabel(outside);
                mv.visitVarInsn(ALOAD, 0);
                mv.visitInsn(ICONST_1);
                mv.visitFieldInsn(PUTFIELD, STATE, "stop", "Z");
                mv.visitInsn(LCONST_0);
                store(0, pc);
                mv.visitJumpInsn(GOTO, exit);
            });
            store(0, pc);
            // Like a helper call, the packet loads leave r1-r5 at 0.
            for (int r = 1; r <= 5; r++) {
                mv.visitInsn(LCONST_0);
                store(r, pc);
            }
        }

        /** How the access at {@code pc} through {@code base + offset} is emitted. */
        private Access plan(int pc, int base, int offset, int size, boolean write) {
            if (base == R10 && offset >= -STACK_SIZE && offset + size <= 0) {
                return Access.STACK_R10;
            }
            MemoryAccess fact = options.facts().access(pc);
            if (fact == null) {
                return Access.TAGGED;
            }
            return switch (fact.kind()) {
                case STACK -> Access.STACK;
                case PACKET -> Access.PACKET;
                case MAP_VALUE -> fact.mapIndex() >= 0 && fact.mapIndex() < maps.size()
                    && !(write && maps.get(fact.mapIndex()).spec().readOnly()) ? Access.MAP_VALUE : Access.TAGGED;
                case CONTEXT -> contextAccess(fact, size, write);
                default -> Access.TAGGED;
            };
        }

        private Access contextAccess(MemoryAccess fact, int size, boolean write) {
            if (layout == null || !fact.constantOffset() || fact.minOffset() < 0 || fact.minOffset() + size > layout.size()) {
                return Access.TAGGED;
            }
            int o = (int) fact.minOffset();
            if (write) {
                return layout.storeProblem(o, size) == null ? Access.CONTEXT : Access.TAGGED;
            }
            long atZero = layout.pointerLoad(o, size, 0);
            if (atZero == Long.MIN_VALUE) {
                return Access.CONTEXT;
            }
            return layout.pointerLoad(o, size, 1) != atZero ? Access.CTX_DATA_END : Access.CTX_DATA;
        }
    }

    /**
     * Watches a function's code for calls that may read the run's address space: anything but
     * the pure instruction semantics, the direct array accessors, direct map calls (keys and
     * values in arrays they are handed) and the runtime's error constructors.
     */
    private final class AddressSpaceUse extends MethodVisitor {
        AddressSpaceUse(MethodVisitor next) {
            super(org.objectweb.asm.Opcodes.ASM9, next);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
            if (!selfContained(owner, name)) {
                usesAddressSpace = true;
            }
            super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
        }

        private boolean selfContained(String owner, String name) {
            return switch (owner) {
                case DIRECT, SEMANTICS, MAP, "java/lang/Long", "java/lang/Integer", "java/lang/Math",
                     "io/ebpfjvm/core/memory/Regions" -> true;
                case RUNTIME -> switch (name) {
                    case "outOfBounds", "iterationLimit", "stepLimit", "fail", "tooDeep" -> true;
                    default -> false;
                };
                default -> false;
            };
        }
    }

    private enum Access { TAGGED, STACK_R10, STACK, PACKET, PACKET_STORE, MAP_VALUE, CONTEXT, CTX_DATA, CTX_DATA_END }
}
