package io.ebpfjvm.verifier;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.error.VerificationException;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.ArgKind;
import io.ebpfjvm.core.helper.HelperPrototype;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.helper.ReturnKind;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.loader.MapSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-written programs for the rules the corpus covers thinly: control flow, limits, helpers, facts. */
class VerifierTest {
    private static final MapSpec ARRAY = new MapSpec("arr", 2, 4, 16, 4, 0, 0, 0, null, false);

    private static Program asm(String text) {
        return Program.unchecked(Assembler.assembleSlots(text));
    }

    private static VerifiedProgram ok(String text, ProgramType type, VerifierOptions options) {
        return Verifier.verify(asm(text), type, options);
    }

    private static VerificationException rejected(String text, ProgramType type, VerifierOptions options) {
        return assertThrows(VerificationException.class, () -> Verifier.verify(asm(text), type, options));
    }

    private static String message(VerificationException e) {
        return e.getMessage().replaceFirst("^insn -?\\d+: ", "");
    }

    @Test
    void boundedLoopIsExploredAndAccepted() {
        VerifiedProgram v = ok("""
            r0 = 0
            r1 = 0
            loop:
            r0 += r1
            r1 += 1
            if r1 < 10 goto loop
            r0 &= 1
            exit
            """, ProgramType.SOCKET_FILTER, VerifierOptions.defaults());
        assertEquals(1, v.cfg().loops().size());
        assertEquals(2, v.cfg().loops().get(0).header());
        assertTrue(v.processedInstructions() >= 30, "ten trips around the loop: " + v.processedInstructions());
    }

    @Test
    void loopWithoutProgressIsAnInfiniteLoop() {
        VerificationException e = rejected("""
            r0 = 0
            loop:
            if r0 == 0 goto loop
            exit
            """, ProgramType.XDP, VerifierOptions.defaults());
        assertEquals("infinite loop detected at insn 1", message(e));
    }

    @Test
    void complexityLimitStopsLongLoops() {
        VerificationException e = rejected("""
            r0 = 0
            loop:
            r0 += 1
            if r0 < 100000 goto loop
            r0 = 0
            exit
            """, ProgramType.XDP, VerifierOptions.defaults().withComplexityLimit(5000));
        assertEquals("BPF program is too large. Processed 5001 insn", message(e));
    }

    @Test
    void structuralErrorsUseTheKernelsWords() {
        assertEquals("jump out of range from insn 1 to 5", message(rejected("""
            r0 = 0
            if r0 == 0 goto +3
            exit
            """, ProgramType.XDP, VerifierOptions.defaults())));
        assertEquals("unreachable insn 2", message(rejected("""
            r0 = 0
            exit
            r0 = 1
            exit
            """, ProgramType.XDP, VerifierOptions.defaults())));
        assertEquals("last insn is not an exit or jmp", message(rejected("""
            r0 = 0
            """, ProgramType.XDP, VerifierOptions.defaults())));
        assertEquals("frame pointer is read only", message(rejected("""
            r10 = 0
            exit
            """, ProgramType.XDP, VerifierOptions.defaults())));
    }

    @Test
    void callChainsAreLimitedToEightFrames() {
        StringBuilder b = new StringBuilder("r0 = 0\ncall f0\nexit\n");
        for (int i = 0; i < 8; i++) {
            b.append("f").append(i).append(":\ncall f").append(i + 1).append("\nr0 = 0\nexit\n");
        }
        b.append("f8:\nr0 = 0\nexit\n");
        VerificationException e = rejected(b.toString(), ProgramType.XDP, VerifierOptions.defaults());
        assertEquals("the call stack of 9 frames is too deep !", message(e));
    }

    @Test
    void combinedStackOfACallChainFitsIn512Bytes() {
        VerificationException e = rejected("""
            r1 = 0
            *(u64 *)(r10 - 512) = r1
            call f
            r0 = 0
            exit
            f:
            r1 = 0
            *(u64 *)(r10 - 8) = r1
            r0 = 0
            exit
            """, ProgramType.XDP, VerifierOptions.defaults());
        assertEquals("combined stack size of 2 calls is 528. Too large", message(e));
    }

    @Test
    void helpersAreCheckedPerProgramType() {
        assertEquals("program of this type cannot use helper bpf_skb_load_bytes#26", message(rejected("""
            call 26
            r0 = 0
            exit
            """, ProgramType.XDP, VerifierOptions.defaults())));
        assertEquals("invalid func unknown#3000", message(rejected("""
            call 3000
            r0 = 0
            exit
            """, ProgramType.XDP, VerifierOptions.defaults())));
    }

    @Test
    void userHelpersAreCheckedAgainstTheirPrototype() {
        HelperRegistry helpers = HelperRegistry.builder()
            .register(3000, HelperPrototype.of("checksum", ReturnKind.INTEGER, ArgKind.PTR_TO_MEM_READONLY, ArgKind.CONST_SIZE),
                (ctx, a, b, c, d, e) -> 0)
            .build();
        VerifierOptions options = VerifierOptions.defaults().withHelpers(helpers);
        VerifiedProgram v = ok("""
            r1 = 0
            *(u64 *)(r10 - 8) = r1
            r1 = r10
            r1 += -8
            r2 = 8
            call 3000
            exit
            """, ProgramType.XDP, options);
        assertEquals(3000, v.helperId(5));
        // the memory argument is read-only: the helper reads 16 bytes from fp-8
        assertEquals("invalid read from stack R1 off=-8 size=16", message(rejected("""
            r1 = r10
            r1 += -8
            r2 = 16
            call 3000
            exit
            """, ProgramType.XDP, options)));
    }

    @Test
    void mapValueFactsCarryTheMapAndOffsets() {
        VerifierOptions options = VerifierOptions.defaults().withMaps(List.of(ARRAY));
        VerifiedProgram v = ok("""
            r1 = 0
            *(u32 *)(r10 - 4) = r1
            r2 = r10
            r2 += -4
            r1 = 0 ll
            call 1
            if r0 == 0 goto out
            r1 = *(u32 *)(r0 + 12)
            out:
            r0 = 0
            exit
            """.replace("r1 = 0 ll", "ld_pseudo r1, 0x1, 0x0"), ProgramType.SOCKET_FILTER, options);
        MemoryAccess a = v.access(8); // slots: lddw takes 4 and 5
        assertEquals(RegionKind.MAP_VALUE, a.kind());
        assertEquals(0, a.mapIndex());
        assertEquals(12, a.minOffset());
        assertTrue(a.constantOffset());
        MemoryAccess stack = v.access(1);
        assertEquals(RegionKind.STACK, stack.kind());
        assertEquals(-4, stack.minOffset());
        assertEquals(0, stack.frame());
        assertNull(v.access(0));
        assertEquals(1, v.helperId(6));
    }
}
