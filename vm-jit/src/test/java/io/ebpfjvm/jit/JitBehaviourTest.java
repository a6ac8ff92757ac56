package io.ebpfjvm.jit;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.context.ContextLayout;
import io.ebpfjvm.core.context.PacketMetadata;
import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.ConformanceHelpers;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.interp.Interpreter;
import io.ebpfjvm.verifier.MemoryAccess;
import io.ebpfjvm.verifier.RegionKind;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.ebpfjvm.core.isa.Opcodes.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The JIT's promises beyond conformance: facts, fallback, limits, size, threads, allocation. */
class JitBehaviourTest {
    private static final String WORK = """
        mov %r0, 0
        mov %r3, 0
        loop:
        ldxb %r4, [%r1+0]
        add %r0, %r4
        stxdw [%r10-8], %r0
        call local twice
        add %r3, 1
        jlt %r3, 20, loop
        mov %r6, %r0
        call 2
        mov %r0, %r6
        exit
        twice:
        ldxdw %r5, [%r10-8]
        lsh %r0, 1
        exit
        """;

    private static ExecutableProgram jit(Program p, ProgramType type, JitOptions options) {
        return Jit.compile(p, type, MapSet.empty(), ConformanceHelpers.registry(), ExecutionOptions.defaults(), options);
    }

    private static ExecutableProgram interp(Program p, ProgramType type) {
        return Interpreter.compile(new ProgramSpec("p", "raw", p.slots()), type, MapSet.empty(), ConformanceHelpers.registry(),
            ExecutionOptions.defaults());
    }

    private static String text(Program p, ProgramType type, JitOptions options) {
        return JitDump.text(Jit.generate(p, type, MapSet.empty(), ConformanceHelpers.registry(), ExecutionOptions.defaults(),
            options).bytes());
    }

    @Test
    void noAllocationPerRun() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ExecutableProgram p = jit(Assembler.assemble(WORK), ProgramType.RAW_MEMORY, JitOptions.defaults().withStrict(true));
        byte[] packet = {3, 0, 0, 0};
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(64);
        direct.put(0, (byte) 3);
        long sink = 0;
        for (int i = 0; i < 50_000; i++) {
            sink += p.run(packet, 0, 4) + p.run(direct);
        }
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            sink += p.run(packet, 0, 4) + p.run(direct);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(interp(Assembler.assemble(WORK), ProgramType.RAW_MEMORY).run(packet, 0, 4), p.run(packet, 0, 4));
        assertNotEquals(0, sink);
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes over 100000 runs");
    }

    @Test
    void atomicsAreExactAcrossThreads() throws Exception {
        Program p = Assembler.assemble("""
            mov %r2, 1
            lock add [%r1+0], %r2
            lock add32 [%r1+8], %r2
            mov %r0, 0
            exit
            """);
        ExecutableProgram prog = jit(p, ProgramType.RAW_MEMORY, JitOptions.defaults().withStrict(true));
        byte[] shared = new byte[16];
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            done.add(pool.submit(() -> {
                for (int i = 0; i < 25_000; i++) {
                    prog.run(shared);
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(shared).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(100_000L, b.getLong(0));
        assertEquals(100_000, b.getInt(8));
    }

    // ---- facts -------------------------------------------------------------------------------

    /** r2 = r10 - 16; *(u64 *)(r2 + 8) = r1's packet byte 0..7; r0 = *(u32 *)(r2 + 8) + packet[4]. */
    private static Program stackAndPacket() {
        return Program.of(List.of(
            Instruction.of(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),
            Instruction.of(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -16),
            Instruction.of(BPF_LDX | BPF_MEM | BPF_DW, 3, 1, 0, 0),          // 2: packet
            Instruction.of(BPF_STX | BPF_MEM | BPF_DW, 2, 3, 8, 0),          // 3: stack via r2
            Instruction.of(BPF_LDX | BPF_MEM | BPF_W, 0, 2, 8, 0),           // 4: stack via r2
            Instruction.of(BPF_LDX | BPF_MEM | BPF_B, 4, 1, 4, 0),           // 5: packet
            Instruction.of(BPF_ST | BPF_MEM | BPF_H, 1, 0, 6, 0x7777),      // 6: packet store
            Instruction.of(BPF_ALU64 | BPF_ADD | BPF_X, 0, 4, 0, 0),
            Instruction.of(EXIT, 0, 0, 0, 0)));
    }

    private static final Map<Integer, MemoryAccess> STACK_AND_PACKET_FACTS = Map.of(
        2, new MemoryAccess(RegionKind.PACKET, -1, -1, 0, 0, 8),
        3, new MemoryAccess(RegionKind.STACK, -1, 0, -8, -8, 8),
        4, new MemoryAccess(RegionKind.STACK, -1, 0, -8, -8, 4),
        5, new MemoryAccess(RegionKind.PACKET, -1, -1, 4, 4, 1),
        6, new MemoryAccess(RegionKind.PACKET, -1, -1, 6, 6, 2));

    @Test
    void provenStackAndPacketAccessesBecomeDirectAndAgree() {
        Program p = stackAndPacket();
        JitOptions withFacts = JitOptions.defaults().withStrict(true).withFacts(STACK_AND_PACKET_FACTS::get);
        String direct = text(p, ProgramType.RAW_MEMORY, withFacts);
        String tagged = text(p, ProgramType.RAW_MEMORY, JitOptions.defaults());
        assertFalse(direct.contains("AddressSpace.load"), direct);
        assertTrue(direct.contains("Direct.stackIndex"), direct);
        assertTrue(direct.contains("Direct.u64"), direct);
        assertTrue(tagged.contains("AddressSpace.load"), tagged);
        byte[] packet = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        byte[] a = packet.clone();
        byte[] b = packet.clone();
        byte[] c = packet.clone();
        long expected = interp(p, ProgramType.RAW_MEMORY).run(a);
        assertEquals(expected, jit(p, ProgramType.RAW_MEMORY, withFacts).run(b));
        assertEquals(expected, jit(p, ProgramType.RAW_MEMORY, JitOptions.defaults().withStrict(true)).run(c));
        assertArrayEquals(a, b);
        assertArrayEquals(a, c);
        // A packet that starts inside a larger array: direct accesses add the window start.
        byte[] window = new byte[20];
        System.arraycopy(packet, 0, window, 5, packet.length);
        assertEquals(expected, jit(p, ProgramType.RAW_MEMORY, withFacts).run(window, 5, packet.length));
    }

    @Test
    void provenPacketStoresStillFaultOnAReadOnlyBuffer() {
        Program p = stackAndPacket();
        ExecutableProgram prog = jit(p, ProgramType.RAW_MEMORY, JitOptions.defaults().withStrict(true)
            .withFacts(STACK_AND_PACKET_FACTS::get));
        byte[] bytes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        java.nio.ByteBuffer readOnly = java.nio.ByteBuffer.wrap(bytes.clone()).asReadOnlyBuffer();
        EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class, () -> prog.run(readOnly));
        assertEquals(6, e.instructionIndex());
        assertThrows(EbpfRuntimeException.class, () -> interp(p, ProgramType.RAW_MEMORY).run(readOnly));
        byte[] after = new byte[bytes.length];
        readOnly.get(0, after);
        assertArrayEquals(bytes, after);
        // The same program over a writable buffer stores.
        java.nio.ByteBuffer writable = java.nio.ByteBuffer.wrap(bytes.clone());
        assertEquals(interp(p, ProgramType.RAW_MEMORY).run(bytes.clone()), prog.run(writable));
        assertEquals(0x77, writable.get(6));
    }

    @Test
    void aWrongFactIsStoppedByTheArrayBoundsCheckAndNamesTheInstruction() {
        Program p = stackAndPacket();
        // The packet is 4 bytes: the "proven" 8-byte load at insn 2 runs off the array.
        ExecutableProgram prog = jit(p, ProgramType.RAW_MEMORY, JitOptions.defaults().withStrict(true)
            .withFacts(STACK_AND_PACKET_FACTS::get));
        EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class, () -> prog.run(new byte[4]));
        assertEquals(2, e.instructionIndex());
        assertTrue(e.getMessage().contains("bounds check"), e.getMessage());
        // Without facts the checked path reports it the interpreter's way.
        EbpfRuntimeException checked = assertThrows(EbpfRuntimeException.class,
            () -> jit(p, ProgramType.RAW_MEMORY, JitOptions.defaults().withStrict(true)).run(new byte[4]));
        EbpfRuntimeException reference = assertThrows(EbpfRuntimeException.class,
            () -> interp(p, ProgramType.RAW_MEMORY).run(new byte[4]));
        assertEquals(reference.getMessage(), checked.getMessage());
    }

    @Test
    void provenContextLoadsReadPacketPointersAndFields() {
        // XDP: r2 = ctx->data; r3 = ctx->data_end; r4 = ctx->ingress_ifindex;
        // r0 = (data_end - data) * 1000 + ifindex + first packet byte.
        Program p = Program.of(List.of(
            Instruction.of(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0),
            Instruction.of(BPF_LDX | BPF_MEM | BPF_W, 3, 1, 4, 0),
            Instruction.of(BPF_LDX | BPF_MEM | BPF_W, 4, 1, ContextLayout.XDP_INGRESS_IFINDEX, 0),
            Instruction.of(BPF_LDX | BPF_MEM | BPF_B, 5, 2, 0, 0),
            Instruction.of(BPF_ALU64 | BPF_MOV | BPF_X, 0, 3, 0, 0),
            Instruction.of(BPF_ALU64 | BPF_SUB | BPF_X, 0, 2, 0, 0),
            Instruction.of(BPF_ALU64 | BPF_MUL | BPF_K, 0, 0, 0, 1000),
            Instruction.of(BPF_ALU64 | BPF_ADD | BPF_X, 0, 4, 0, 0),
            Instruction.of(BPF_ALU64 | BPF_ADD | BPF_X, 0, 5, 0, 0),
            Instruction.of(EXIT, 0, 0, 0, 0)));
        Map<Integer, MemoryAccess> facts = Map.of(
            0, new MemoryAccess(RegionKind.CONTEXT, -1, -1, 0, 0, 4),
            1, new MemoryAccess(RegionKind.CONTEXT, -1, -1, 4, 4, 4),
            2, new MemoryAccess(RegionKind.CONTEXT, -1, -1, ContextLayout.XDP_INGRESS_IFINDEX, ContextLayout.XDP_INGRESS_IFINDEX, 4),
            3, new MemoryAccess(RegionKind.PACKET, -1, -1, 0, 0, 1));
        JitOptions withFacts = JitOptions.defaults().withStrict(true).withFacts(facts::get);
        String code = text(p, ProgramType.XDP, withFacts);
        assertFalse(code.contains("JitRuntime.load"), code);
        PacketMetadata meta = PacketMetadata.defaults().field(ContextLayout.XDP_INGRESS_IFINDEX, 7);
        byte[] packet = {42, 1, 2, 3, 4, 5};
        long expected = interp(p, ProgramType.XDP).run(packet, 0, packet.length, meta);
        assertEquals(6 * 1000 + 7 + 42, expected);
        assertEquals(expected, jit(p, ProgramType.XDP, withFacts).run(packet, 0, packet.length, meta));
        assertEquals(expected, jit(p, ProgramType.XDP, JitOptions.defaults().withStrict(true)).run(packet, 0, packet.length, meta));
    }

    @Test
    void provenMapValueAccessesUseTheValueArrayDirectly() {
        MapSet interpMaps = GeneratedPrograms.maps();
        MapSet jitMaps = GeneratedPrograms.maps();
        // key 2 on the stack; r0 = lookup; if found: value[8..16) += 5 (atomically) and r0 = value byte 8.
        List<Instruction> code = new ArrayList<>(List.of(
            Instruction.of(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, 2),
            Instruction.of(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),
            Instruction.of(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4)));
        code.addAll(List.of(Instruction.lddw(1, BPF_PSEUDO_MAP_FD, 0)));
        code.addAll(List.of(
            Instruction.of(CALL, 0, 0, 0, 1),
            Instruction.of(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 4, 0),
            Instruction.of(BPF_LDX | BPF_MEM | BPF_DW, 3, 0, 8, 0),     // 7
            Instruction.of(BPF_ALU64 | BPF_ADD | BPF_K, 3, 0, 0, 5),
            Instruction.of(BPF_STX | BPF_MEM | BPF_DW, 0, 3, 8, 0),     // 9
            Instruction.of(BPF_LDX | BPF_MEM | BPF_B, 0, 0, 8, 0),      // 10
            Instruction.of(EXIT, 0, 0, 0, 0)));
        Program p = Program.of(code);
        Map<Integer, MemoryAccess> facts = Map.of(
            7, new MemoryAccess(RegionKind.MAP_VALUE, 0, -1, 8, 8, 8),
            9, new MemoryAccess(RegionKind.MAP_VALUE, 0, -1, 8, 8, 8),
            10, new MemoryAccess(RegionKind.MAP_VALUE, 0, -1, 8, 8, 1));
        JitOptions withFacts = JitOptions.defaults().withStrict(true).withFacts(facts::get);
        HelperRegistry helpers = GeneratedPrograms.helpers();
        String text = JitDump.text(Jit.generate(p, ProgramType.RAW_MEMORY, jitMaps, helpers, ExecutionOptions.defaults(),
            withFacts).bytes());
        assertFalse(text.contains("AddressSpace.load"), text);
        ExecutableProgram j = Jit.compile(p, ProgramType.RAW_MEMORY, jitMaps, helpers, ExecutionOptions.defaults(), withFacts);
        ExecutableProgram i = Interpreter.compile(new ProgramSpec("p", "raw", p.slots()), ProgramType.RAW_MEMORY, interpMaps,
            helpers, ExecutionOptions.defaults());
        for (int run = 1; run <= 3; run++) {
            assertEquals(5L * run, j.run());
            assertEquals(5L * run, i.run());
        }
        assertTrue(text.contains("Direct.u64") && text.contains("Direct.st64"), text);
        assertEquals(Engines.contents(interpMaps), Engines.contents(jitMaps));
    }

    // ---- fallback ----------------------------------------------------------------------------

    /** Jumps from the entry function into a subprogram's body: not translatable per function. */
    private static Program crossFunctionJump() {
        return Assembler.assemble("""
            mov %r0, 1
            call local sub
            ja inside
            exit
            sub:
            mov %r0, 5
            inside:
            add %r0, 10
            exit
            """);
    }

    @Test
    void aProgramTheJitCannotTakeRunsInTheInterpreterWithANotice() {
        Program p = crossFunctionJump();
        List<String> notices = new ArrayList<>();
        ExecutableProgram prog = jit(p, ProgramType.RAW_MEMORY, JitOptions.defaults().withNotices(notices::add));
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains("interpreter") && notices.get(0).contains("leaves its function"), notices.get(0));
        assertFalse(prog instanceof JitProgram);
        assertEquals(interp(p, ProgramType.RAW_MEMORY).run(), prog.run());
        assertThrows(JitUnsupportedException.class, () -> jit(p, ProgramType.RAW_MEMORY, JitOptions.defaults().withStrict(true)));
    }

    @Test
    void interpretedBlocksResumeCompiledCode() {
        Program p = Assembler.assemble(WORK);
        ControlFlow cfg = new ControlFlow(p);
        java.util.Set<Integer> loopBody = java.util.Set.of(cfg.blocks.get(1).start());
        JitOptions options = JitOptions.defaults().withStrict(true).withInterpretedBlocks(loopBody);
        String code = text(p, ProgramType.RAW_MEMORY, options);
        assertTrue(code.contains("BlockInterpreter.run"), code);
        byte[] packet = {9, 0, 0, 0};
        assertEquals(interp(p, ProgramType.RAW_MEMORY).run(packet.clone()), jit(p, ProgramType.RAW_MEMORY, options).run(packet.clone()));
    }

    // ---- limits ------------------------------------------------------------------------------

    @Test
    void theStepLimitStopsAtTheSameInstructionAsTheInterpreter() {
        Program p = Assembler.assemble("""
            mov %r0, 0
            lddw %r2, 0x1122334455667788
            loop:
            add %r0, 1
            lddw %r3, 0x1
            add %r0, %r3
            ja loop
            """);
        for (long limit : new long[] {1, 2, 3, 4, 7, 100, 1001}) {
            ExecutionOptions options = ExecutionOptions.defaults().withStepLimit(limit);
            EbpfRuntimeException expected = assertThrows(EbpfRuntimeException.class, () -> Interpreter.compile(
                new ProgramSpec("p", "raw", p.slots()), ProgramType.RAW_MEMORY, MapSet.empty(), HelperRegistry.empty(), options).run());
            EbpfRuntimeException actual = assertThrows(EbpfRuntimeException.class, () -> Jit.compile(p, ProgramType.RAW_MEMORY,
                MapSet.empty(), HelperRegistry.empty(), options, JitOptions.defaults().withStrict(true)).run());
            assertEquals(expected.getMessage(), actual.getMessage(), "limit " + limit);
            assertEquals(expected.instructionIndex(), actual.instructionIndex(), "limit " + limit);
        }
    }

    @Test
    void anIterationLimitCountsLoopEntriesNotInstructions() {
        // Counts down from r1 = 10: the loop header (add) is entered 10 times, 31 instructions run.
        Program p = Assembler.assemble("""
            mov %r0, 0
            mov %r1, 10
            loop:
            add %r0, 3
            sub %r1, 1
            jne %r1, 0, loop
            exit
            """);
        JitOptions iterations = JitOptions.defaults().withStrict(true).withIterationLimit(true);
        ExecutionOptions ten = ExecutionOptions.defaults().withStepLimit(10);
        // Ten iterations fit a limit of 10, which ten times more instructions would not.
        assertEquals(30, Jit.compile(p, ProgramType.RAW_MEMORY, MapSet.empty(), HelperRegistry.empty(), ten, iterations).run());
        assertThrows(EbpfRuntimeException.class, () -> Jit.compile(p, ProgramType.RAW_MEMORY, MapSet.empty(),
            HelperRegistry.empty(), ten, JitOptions.defaults().withStrict(true)).run());
        // A limit of 9 stops the tenth entry of the loop, at the loop's first instruction.
        EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class, () -> Jit.compile(p, ProgramType.RAW_MEMORY,
            MapSet.empty(), HelperRegistry.empty(), ExecutionOptions.defaults().withStepLimit(9), iterations).run());
        assertEquals(2, e.instructionIndex());
        assertEquals("step limit of 9 loop iterations exceeded", e.getMessage().replaceFirst("^.*?: ", ""), e.getMessage());
        // An endless loop still ends.
        Program endless = Assembler.assemble("""
            loop:
            ja loop
            """);
        assertThrows(EbpfRuntimeException.class, () -> Jit.compile(endless, ProgramType.RAW_MEMORY, MapSet.empty(),
            HelperRegistry.empty(), ExecutionOptions.defaults().withStepLimit(1000), iterations).run());
        // Loop-free code is never charged.
        assertFalse(text(Assembler.assemble("mov %r0, 1\nexit\n"), ProgramType.RAW_MEMORY, iterations).contains("iterationLimit"));
    }

    @Test
    void callsDeeperThanEightFramesFaultLikeTheInterpreter() {
        Program p = Assembler.assemble("""
            call local f
            exit
            f:
            call local f
            exit
            """);
        EbpfRuntimeException expected = assertThrows(EbpfRuntimeException.class, () -> interp(p, ProgramType.RAW_MEMORY).run());
        EbpfRuntimeException actual = assertThrows(EbpfRuntimeException.class,
            () -> jit(p, ProgramType.RAW_MEMORY, JitOptions.defaults().withStrict(true)).run());
        assertEquals(expected.getMessage(), actual.getMessage());
    }

    /** Over 10,000 instructions in one function with a loop around all of it: cut into regions, same result. */
    @Test
    void aHugeProgramIsSplitIntoCompilableMethodsAndAgrees() {
        Random r = new Random(2024);
        List<Instruction> code = new ArrayList<>();
        for (int reg = 0; reg <= 5; reg++) {
            code.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, reg, 0, 0, r.nextInt()));
        }
        code.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, 9, 0, 0, 3));
        int loopStart = code.size();
        int[] ops = {BPF_ADD, BPF_XOR, BPF_MUL, BPF_SUB, BPF_RSH, BPF_LSH, BPF_DIV, BPF_MOD, BPF_OR};
        while (code.size() < 12_000) {
            if (r.nextInt(40) == 0) {
                code.add(Instruction.of(BPF_JMP | BPF_JSGT | BPF_X, r.nextInt(6), r.nextInt(6), r.nextInt(30), 0));
            } else if (r.nextInt(50) == 0) {
                code.add(Instruction.of(BPF_STX | BPF_MEM | BPF_DW, 10, r.nextInt(6), -8 * (1 + r.nextInt(60)), 0));
            } else if (r.nextInt(50) == 0) {
                code.add(Instruction.of(BPF_LDX | BPF_MEM | BPF_DW, r.nextInt(6), 10, -8 * (1 + r.nextInt(60)), 0));
            } else {
                int op = ops[r.nextInt(ops.length)];
                int cls = r.nextBoolean() ? BPF_ALU64 : BPF_ALU;
                code.add(r.nextBoolean() ? Instruction.of(cls | op | BPF_X, r.nextInt(6), r.nextInt(6), 0, 0)
                    : Instruction.of(cls | op | BPF_K, r.nextInt(6), 0, 0, r.nextInt()));
            }
        }
        code.add(Instruction.of(BPF_ALU64 | BPF_SUB | BPF_K, 9, 0, 0, 1));
        code.add(Instruction.of(BPF_JMP | BPF_JNE | BPF_K, 9, 0, loopStart - code.size() - 1, 0));
        code.add(Instruction.of(EXIT, 0, 0, 0, 0));
        Program p = Program.of(code);
        Jit.GeneratedClass generated = Jit.generate(p, ProgramType.RAW_MEMORY, MapSet.empty(), HelperRegistry.empty(),
            ExecutionOptions.defaults(), JitOptions.defaults());
        assertTrue(generated.methodSizes().size() > 5, generated.methodSizes().toString());
        assertTrue(generated.largestMethod() <= 8000, "largest method " + generated.largestMethod());
        ExecutableProgram jit = Jit.compile(p, ProgramType.RAW_MEMORY, MapSet.empty(), HelperRegistry.empty(),
            ExecutionOptions.defaults(), JitOptions.defaults().withStrict(true));
        assertEquals(interp(p, ProgramType.RAW_MEMORY).run(), jit.run());
        System.out.println("huge program: " + p.size() + " instructions in " + generated.methodSizes().size()
            + " methods, largest " + generated.largestMethod() + " bytes");
    }

    @Test
    void noConformanceCaseNeedsAMethodOverTheLimit() {
        for (var c : io.ebpfjvm.core.testing.ConformanceCase.loadAssembledTsv()) {
            Jit.GeneratedClass g = Jit.generate(io.ebpfjvm.core.isa.InstructionDecoder.decode(c.raw()), ProgramType.RAW_MEMORY,
                MapSet.empty(), ConformanceHelpers.registry(), ExecutionOptions.defaults(), JitOptions.defaults());
            assertTrue(g.largestMethod() <= 8000, c.name());
        }
    }

    @Test
    void helpersSeeEachRunsPacketThoughOnlyCodeThatCallsOutMapsIt() {
        // memfrob (helper 1) xors the bytes through the address space; compiled code then reads them directly.
        Program frob = Assembler.assemble("""
            mov %r6, %r1
            call 1
            ldxb %r0, [%r6+0]
            exit
            """);
        Program alu = Assembler.assemble("""
            mov %r0, %r2
            add %r0, 1
            exit
            """);
        assertTrue(text(frob, ProgramType.RAW_MEMORY, JitOptions.defaults()).contains("JitRuntime.mapPacket"));
        assertFalse(text(alu, ProgramType.RAW_MEMORY, JitOptions.defaults()).contains("JitRuntime.mapPacket"),
            "a program that never calls out leaves the packet array off the heap");
        ExecutableProgram p = jit(frob, ProgramType.RAW_MEMORY, JitOptions.defaults().withStrict(true));
        ExecutableProgram q = jit(alu, ProgramType.RAW_MEMORY, JitOptions.defaults().withStrict(true));
        for (int i = 0; i < 200; i++) {
            byte[] a = {(byte) i, 7};
            byte[] b = {(byte) (i + 1), 9, 9};
            assertEquals((i ^ 42) & 0xff, p.run(a, 0, 2), "run " + i);
            assertEquals(((i + 1) ^ 42) & 0xff, p.run(b, 0, 3), "run " + i);
            assertEquals(7 ^ 42, a[1] & 0xff);
            assertEquals(9 ^ 42, b[2] & 0xff);
            assertEquals(3, q.run(a, 0, 2));
            assertEquals(4, q.run(b, 0, 3));
        }
    }

    @Test
    void legacyPacketLoadOutsideThePacketEndsTheWholeRunWithZeroEvenInACallee() {
        Program p = Assembler.assemble("""
            call local f
            mov %r0, 7
            exit
            f:
            r0 = *(u32 *)skb[100]
            exit
            """);
        ExecutableProgram jit = jit(p, ProgramType.RAW_MEMORY, JitOptions.defaults().withStrict(true));
        ExecutableProgram interp = interp(p, ProgramType.RAW_MEMORY);
        byte[] shortPacket = new byte[100];
        byte[] longPacket = new byte[104];
        for (int i = 0; i < 50; i++) {
            assertEquals(0, interp.run(shortPacket, 0, shortPacket.length));
            assertEquals(0, jit.run(shortPacket, 0, shortPacket.length), "the caller never resumes");
            assertEquals(7, interp.run(longPacket, 0, longPacket.length));
            assertEquals(7, jit.run(longPacket, 0, longPacket.length));
        }
        Program direct = Assembler.assemble("""
            r0 = *(u16 *)skb[2]
            exit
            """);
        String code = text(direct, ProgramType.RAW_MEMORY, JitOptions.defaults());
        assertTrue(code.contains("Direct.be16") && !code.contains("JitRuntime.mapPacket"), code);
        assertEquals(0x0304, jit(direct, ProgramType.RAW_MEMORY, JitOptions.defaults()).run(new byte[] {1, 2, 3, 4}, 0, 4));
    }

    @Test
    void aLoopFreeProgramShorterThanTheStepLimitIsNotCharged() {
        Program straight = Assembler.assemble("""
            mov %r0, 1
            jeq %r2, 4, four
            add %r0, 2
            four:
            add %r0, 3
            exit
            """);
        assertFalse(text(straight, ProgramType.RAW_MEMORY, JitOptions.defaults()).contains("stepLimit"),
            "every instruction runs at most once, so the default limit cannot be reached");
        assertEquals(6, jit(straight, ProgramType.RAW_MEMORY, JitOptions.defaults()).run(new byte[2], 0, 2));
        // A limit shorter than the program is still enforced, as the interpreter enforces it.
        ExecutionOptions three = ExecutionOptions.defaults().withStepLimit(3);
        assertThrows(EbpfRuntimeException.class, () -> Jit.compile(straight, ProgramType.RAW_MEMORY, MapSet.empty(),
            HelperRegistry.empty(), three, JitOptions.defaults().withStrict(true)).run(new byte[2], 0, 2));
        assertThrows(EbpfRuntimeException.class, () -> Interpreter.compile(straight, ProgramType.RAW_MEMORY,
            HelperRegistry.empty(), three).run(new byte[2], 0, 2));
        // A program with calls is charged: calls can repeat code.
        assertTrue(text(Assembler.assemble(WORK), ProgramType.RAW_MEMORY, JitOptions.defaults()).contains("stepLimit"));
    }
}
