package io.ebpfjvm.jit;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.error.InvalidProgramException;
import io.ebpfjvm.core.error.VerificationException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.MapSpec;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.core.map.MapCreateException;
import io.ebpfjvm.core.map.MapDefinition;
import io.ebpfjvm.interp.Interpreter;
import io.ebpfjvm.verifier.Verifier;
import io.ebpfjvm.verifier.VerifierOptions;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.function.Function;

import static io.ebpfjvm.core.isa.Opcodes.BPF_EXIT;
import static io.ebpfjvm.core.isa.Opcodes.BPF_JMP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The limits that keep hostile or runaway programs from hurting the host, each with the message
 * a user sees: run steps, verifier work, program size, map memory and a user helper throwing.
 */
class RuntimeLimitsTest {
    private static final HelperRegistry NONE = HelperRegistry.empty();

    /** Both engines, unverified: each is compiled from the same program with the same options. */
    private static List<Function<ExecutionOptions, ExecutableProgram>> engines(Program p, HelperRegistry helpers) {
        return List.of(
            o -> Interpreter.compile(p, ProgramType.RAW_MEMORY, helpers, o),
            o -> Jit.compile(p, ProgramType.RAW_MEMORY, MapSet.empty(), helpers, o, JitOptions.defaults().withStrict(true)));
    }

    @Test
    void anEndlessLoopStopsAtTheStepLimitInBothEngines() {
        Program p = Assembler.assemble("""
            r0 = 0
            loop:
            r0 += 1
            goto loop
            """);
        for (var engine : engines(p, NONE)) {
            EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class,
                () -> engine.apply(ExecutionOptions.defaults().withStepLimit(50_000)).run());
            assertTrue(e.getMessage().endsWith("step limit of 50000 instructions exceeded"), e.getMessage());
        }
        assertEquals(100_000_000L, ExecutionOptions.defaults().stepLimit());
    }

    @Test
    void theVerifierGivesUpAfterTheKernelsMillionInstructions() {
        Program p = Assembler.assemble("""
            r0 = 0
            loop:
            r0 += 1
            if r0 < 10000000 goto loop
            r0 = 0
            exit
            """);
        VerificationException e = assertThrows(VerificationException.class,
            () -> Verifier.verify(p, ProgramType.XDP, VerifierOptions.defaults()));
        assertTrue(e.getMessage().endsWith("BPF program is too large. Processed 1000001 insn"), e.getMessage());
    }

    @Test
    void programsOverAMillionInstructionsAreRefusedBeforeAnythingRuns() {
        Instruction exit = Instruction.of(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
        List<Instruction> largest = Collections.nCopies(Program.MAX_INSNS, exit);
        assertEquals(Program.MAX_INSNS, Program.of(largest).size());
        List<Instruction> tooLarge = Collections.nCopies(Program.MAX_INSNS + 1, exit);
        String expected = "program too large: 1000001 instructions, the limit is 1000000 (the kernel's, for a privileged loader)";
        InvalidProgramException e = assertThrows(InvalidProgramException.class, () -> Program.of(tooLarge));
        assertEquals(expected, e.getMessage());
        // A loaded object's program reaches the engines through the same check.
        ProgramSpec spec = new ProgramSpec("huge", "xdp", tooLarge);
        e = assertThrows(InvalidProgramException.class,
            () -> Interpreter.compile(spec, ProgramType.XDP, MapSet.empty(), NONE, ExecutionOptions.defaults()));
        assertTrue(e.getMessage().endsWith(expected.substring("program ".length())), e.getMessage());
        e = assertThrows(InvalidProgramException.class,
            () -> Jit.compile(spec, ProgramType.XDP, MapSet.empty(), NONE, ExecutionOptions.defaults(), JitOptions.defaults()));
        assertTrue(e.getMessage().endsWith(expected.substring("program ".length())), e.getMessage());
    }

    @Test
    void aMapOverTheConfiguredMemoryBoundFailsAtCreation() {
        MapSpec big = new MapSpec("flows", 2, 4, 1024, 4096, 0, 0, 0, null, false); // 4 MiB of values
        BpfObject object = new BpfObject("big.o", List.of(), List.of(big), "GPL", null);
        assertEquals(1, MapSet.create(object).size(), "within the default 1 GiB");
        String old = System.setProperty(MapDefinition.STORAGE_LIMIT_PROPERTY, String.valueOf(1 << 20));
        try {
            MapCreateException e = assertThrows(MapCreateException.class, () -> MapSet.create(object));
            assertEquals("map 'flows' (BPF_MAP_TYPE_ARRAY): max_entries 4096 x value_size 1024 needs 4194304 bytes of storage, "
                + "more than the 1 MiB ebpf-jvm preallocates for one map (-Debpf.map.maxStorageBytes) (ENOMEM)", e.getMessage());
            System.setProperty(MapDefinition.STORAGE_LIMIT_PROPERTY, "lots");
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> MapSet.create(object));
            assertEquals("ebpf.map.maxStorageBytes=lots: expected a number of bytes", bad.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(MapDefinition.STORAGE_LIMIT_PROPERTY);
            } else {
                System.setProperty(MapDefinition.STORAGE_LIMIT_PROPERTY, old);
            }
        }
        // The hard bound holds whatever is configured: 4 GiB of values is refused, never an OutOfMemoryError.
        MapSpec huge = new MapSpec("huge", 2, 4, 1 << 20, 4096, 0, 0, 0, null, false);
        MapCreateException e = assertThrows(MapCreateException.class,
            () -> MapSet.create(new BpfObject("huge.o", List.of(), List.of(huge), "GPL", null)));
        assertTrue(e.getMessage().contains("needs 4294967296 bytes of storage, more than the 1024 MiB"), e.getMessage());
    }

    @Test
    void aThrowingUserHelperIsARuntimeErrorNamingTheInstruction() {
        HelperRegistry helpers = HelperRegistry.builder()
            .register(1042, "lookup_tenant", (ctx, a, b, c, d, e) -> {
                throw new IllegalStateException("tenant table not loaded");
            })
            .build();
        Program p = Assembler.assemble("""
            r1 = 7
            call 1042
            exit
            """);
        for (var engine : engines(p, helpers)) {
            EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class, () -> engine.apply(ExecutionOptions.defaults()).run());
            assertEquals(1, e.instructionIndex());
            assertEquals("insn 1: helper 1042 (lookup_tenant) failed: tenant table not loaded", e.getMessage());
            assertTrue(e.getCause() instanceof IllegalStateException);
        }
    }
}
