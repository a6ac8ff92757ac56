package io.ebpfjvm.interp;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperRegistry;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.*;

/** Bad programs stop with an EbpfRuntimeException naming the instruction, and nothing else. */
class RuntimeFaultTest {

    private static ExecutableProgram compile(String asm) {
        return Interpreter.compile(Assembler.assemble(asm));
    }

    private static EbpfRuntimeException fault(String asm, byte[] mem) {
        ExecutableProgram p = compile(asm);
        return assertThrows(EbpfRuntimeException.class, () -> p.run(mem));
    }

    @Test
    void stackReadBelowTheFrame() {
        EbpfRuntimeException e = fault("mov %r0, 0\nldxw %r0, [%r10-516]\nexit", new byte[0]);
        assertEquals(1, e.instructionIndex());
        assertTrue(e.getMessage().startsWith("insn 1: invalid read of 4 bytes"), e.getMessage());
    }

    @Test
    void stackWriteAboveTheFrame() {
        EbpfRuntimeException e = fault("stw [%r10-2], 7\nexit", new byte[0]);
        assertEquals("insn 0: invalid write of 4 bytes at offset 510 of stack frame 0 (size 512)", e.getMessage());
    }

    @Test
    void memoryReadPastTheEnd() {
        EbpfRuntimeException e = fault("ldxdw %r0, [%r1+4]\nexit", new byte[8]);
        assertEquals("insn 0: invalid read of 8 bytes at offset 4 of packet (size 8)", e.getMessage());
    }

    @Test
    void nullDereference() {
        EbpfRuntimeException e = fault("mov %r1, 0\nldxb %r0, [%r1+0]\nexit", new byte[4]);
        assertTrue(e.getMessage().startsWith("insn 1: invalid read of 1 bytes at address 0x0: null or scalar pointer"),
            e.getMessage());
    }

    @Test
    void pointerArithmeticCannotReachAnotherRegion() {
        // r10 - 2^32 lands on the same offset of the previous region id: must still fault.
        EbpfRuntimeException e = fault("mov %r2, %r10\nlddw %r3, 0x100000000\nsub %r2, %r3\nldxb %r0, [%r2-8]\nexit", new byte[8]);
        assertEquals(4, e.instructionIndex());
    }

    @Test
    void endlessLoopHitsTheStepLimit() {
        ExecutableProgram p = Interpreter.compile(Assembler.assemble("mov %r0, 0\nloop:\nadd %r0, 1\nja loop"),
            ProgramType.RAW_MEMORY, HelperRegistry.empty(), ExecutionOptions.defaults().withStepLimit(10_000));
        EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class, p::run);
        assertTrue(e.getMessage().endsWith("step limit of 10000 instructions exceeded"), e.getMessage());
    }

    @Test
    void callChainDeeperThanEightFrames() {
        EbpfRuntimeException e = fault("call local f\nexit\nf:\ncall local f\nexit", new byte[0]);
        assertEquals(2, e.instructionIndex());
        assertTrue(e.getMessage().contains("more than 8 frames"), e.getMessage());
    }

    @Test
    void eightFramesAreAllowed() {
        // main + 7 nested calls = 8 frames; each frame writes its own stack.
        StringBuilder asm = new StringBuilder("mov %r0, 0\ncall local f1\nexit\n");
        for (int i = 1; i <= 7; i++) {
            asm.append("f").append(i).append(":\nstdw [%r10-8], ").append(i).append("\nadd %r0, 1\n");
            asm.append(i < 7 ? "call local f" + (i + 1) + "\n" : "").append("ldxdw %r1, [%r10-8]\nadd %r0, %r1\nexit\n");
        }
        assertEquals(7 + 28, compile(asm.toString()).run());
    }

    @Test
    void unknownHelper() {
        EbpfRuntimeException e = fault("call 99\nexit", new byte[0]);
        assertEquals("insn 0: unknown helper 99: not registered", e.getMessage());
    }

    @Test
    void helperFailureIsWrappedWithTheInstruction() {
        HelperRegistry helpers = HelperRegistry.builder()
            .register(1, "boom", (c, a, b, d, f, g) -> { throw new IllegalStateException("no"); }).build();
        ExecutableProgram p = Interpreter.compile(Assembler.assemble("mov %r0, 0\ncall 1\nexit"),
            ProgramType.RAW_MEMORY, helpers, ExecutionOptions.defaults());
        EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class, p::run);
        assertEquals("insn 1: helper 1 (boom) failed: no", e.getMessage());
    }

    @Test
    void misalignedAtomic() {
        EbpfRuntimeException e = fault("mov %r2, 1\nlock add [%r10-12], %r2\nexit", new byte[0]);
        assertTrue(e.getMessage().startsWith("insn 1: misaligned atomic access of 8 bytes"), e.getMessage());
    }

    @Test
    void fallingOffTheEnd() {
        EbpfRuntimeException e = fault("mov %r0, 1", new byte[0]);
        assertTrue(e.getMessage().contains("fell off the end"), e.getMessage());
    }

    @Test
    void lddwWithMapReferenceNeedsALoadedObject() {
        io.ebpfjvm.core.error.EbpfException e = assertThrows(io.ebpfjvm.core.error.EbpfException.class,
            () -> compile("ld_pseudo r1, 0x1, 0x3\nr0 = 0x0\nexit"));
        assertEquals("insn 0: lddw names map 3, the object has 0 (map references need a loaded object)", e.getMessage());
    }

    @Test
    void packetLoadOutOfBoundsEndsWithZero() {
        ExecutableProgram p = compile("mov %r0, 7\nldabsh 6\nexit");
        assertEquals(0, p.run(new byte[6]));
        assertEquals(0x0102, p.run(new byte[] {0, 0, 0, 0, 0, 0, 1, 2}));
    }

    @Test
    void packetLoadsClobberR1ToR5WithZero() {
        ExecutableProgram p = compile("""
            mov %r2, 2
            mov %r3, 3
            mov %r4, 4
            mov %r5, 5
            ldabsb 0
            lsh %r0, 8
            or %r0, %r1
            or %r0, %r2
            or %r0, %r3
            or %r0, %r4
            or %r0, %r5
            exit
            """);
        assertEquals(0x1000, p.run(new byte[] {0x10, 0, 0, 0}));
    }

    @Test
    void packetLoadOutOfBoundsInASubprogramEndsTheRun() {
        ExecutableProgram p = compile("call local f\nmov %r0, 77\nexit\nf:\nmov %r6, 40\nldindw %r6, 0\nmov %r0, 1\nexit");
        assertEquals(0, p.run(new byte[8]));
    }

    /** {@code bpf_loop(3, callback, 0, 0)} whose callback runs {@code body}; the caller then returns 77. */
    private static final String LOOP_CALLING = """
        mov %r1, 3
        ld_pseudo r2, 0x4, 0x6
        mov %r3, 0
        mov %r4, 0
        call 181
        mov %r0, 77
        exit
        """;

    @Test
    void unwindInsideABpfLoopCallbackEndsTheRun() {
        ExecutableProgram p = Interpreter.compile(Assembler.assemble(LOOP_CALLING + "mov %r1, 0\ncall 5\nmov %r0, 1\nexit"),
            ProgramType.RAW_MEMORY, io.ebpfjvm.core.helper.ConformanceHelpers.registry(), ExecutionOptions.defaults());
        assertEquals(0, p.run(new byte[4]));
    }

    @Test
    void packetLoadOutOfBoundsInsideABpfLoopCallbackEndsTheRun() {
        assertEquals(0, compile(LOOP_CALLING + "ldabsw 2\nmov %r0, 0\nexit").run(new byte[4]));
        // In bounds, the loop runs its three rounds and the caller goes on.
        assertEquals(77, compile(LOOP_CALLING + "ldabsw 0\nmov %r0, 0\nexit").run(new byte[4]));
    }

    @Test
    void directBufferKeepsWritesMadeBeforeAFault() {
        ExecutableProgram p = compile("stb [%r1+0], 0x5a\nldxb %r0, [%r1+9]\nexit");
        ByteBuffer direct = ByteBuffer.allocateDirect(4);
        assertThrows(EbpfRuntimeException.class, () -> p.run(direct));
        assertEquals(0x5a, direct.get(0));
        assertEquals(0, direct.position());
    }

    @Test
    void readOnlyBufferRejectsStores() {
        ExecutableProgram p = compile("stb [%r1+0], 1\nmov %r0, 0\nexit");
        EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class,
            () -> p.run(ByteBuffer.allocateDirect(4).asReadOnlyBuffer()));
        assertTrue(e.getMessage().contains("read-only packet"), e.getMessage());
    }

    @Test
    void directBuffersSeeAndKeepChanges() {
        ExecutableProgram p = compile("ldxb %r0, [%r1+1]\nstb [%r1+0], 0x5a\nexit");
        ByteBuffer direct = ByteBuffer.allocateDirect(4);
        direct.put(1, (byte) 9);
        assertEquals(9, p.run(direct));
        assertEquals(0x5a, direct.get(0));
    }

    @Test
    void windowOfALargerArray() {
        byte[] big = {1, 2, 3, 4, 5, 6};
        ExecutableProgram p = compile("ldxb %r0, [%r1+0]\nadd %r0, %r2\nstb [%r1+1], 0\nexit");
        assertEquals(3 + 2, p.run(big, 2, 2));
        assertEquals(0, big[3]);
        assertEquals(5, big[4]);
        assertThrows(EbpfRuntimeException.class, () -> compile("ldxb %r0, [%r1+2]\nexit").run(big, 2, 2));
    }
}
