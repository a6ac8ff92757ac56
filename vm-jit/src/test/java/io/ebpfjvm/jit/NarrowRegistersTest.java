package io.ebpfjvm.jit;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.core.testing.fuzz.SafeProgramGenerator;
import io.ebpfjvm.interp.Interpreter;
import io.ebpfjvm.verifier.VerifiedProgram;
import io.ebpfjvm.verifier.Verifier;
import io.ebpfjvm.verifier.VerifierOptions;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Registers kept in int locals where the verifier proves them numbers within int, and the
 * comparisons that come with them: each case runs in the interpreter and in the JIT with the
 * verifier's facts, and the generated code is checked for the shape that makes the difference.
 */
class NarrowRegistersTest {
    /** benchmarks/src/main/bpf/csum.c as clang-19 -O2 compiles it (the listing the approval test pins too). */
    private static String checksumListing() throws java.io.IOException {
        try (java.io.InputStream in = NarrowRegistersTest.class.getResourceAsStream("/approved/csum.asm")) {
            assertNotNull(in, "test resource approved/csum.asm");
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static VerifiedProgram verify(Program p, ProgramType type) {
        return Verifier.verify(p, type, VerifierOptions.defaults());
    }

    private static JitOptions withFacts(VerifiedProgram v) {
        return JitOptions.defaults().withStrict(true).withFacts(v::access).withRegisters(v.registers());
    }

    private static ExecutableProgram jit(Program p, ProgramType type) {
        return Jit.compile(p, type, MapSet.empty(), KernelHelpers.registry(line -> { }), ExecutionOptions.defaults(),
            withFacts(verify(p, type)));
    }

    private static ExecutableProgram interp(Program p, ProgramType type) {
        return Interpreter.compile(new ProgramSpec("p", "xdp", p.slots()), type, MapSet.empty(),
            KernelHelpers.registry(line -> { }), ExecutionOptions.defaults());
    }

    private static String code(Program p, ProgramType type) {
        return JitDump.text(Jit.generate(p, type, MapSet.empty(), KernelHelpers.registry(line -> { }),
            ExecutionOptions.defaults(), withFacts(verify(p, type))).bytes());
    }

    /** The bytecode of eBPF instruction {@code pc} in a dump (up to the next line number). */
    private static String instruction(String dump, int pc) {
        int start = dump.indexOf("LINENUMBER " + pc + " ");
        assertTrue(start >= 0, "no instruction " + pc + " in\n" + dump);
        int end = dump.indexOf("LINENUMBER ", start + 1);
        return dump.substring(start, end < 0 ? dump.length() : end);
    }

    private static NarrowRegisters narrow(Program p, ProgramType type) {
        ControlFlow cfg = new ControlFlow(p);
        ControlFlow.Function main = cfg.functions.get(0);
        return NarrowRegisters.of(p, cfg.blocks.subList(main.firstBlock(), main.lastBlock() + 1), cfg::successors,
            verify(p, type).registers());
    }

    @Test
    void checksumLoopCountsInAnIntExitsOnAnOrderingAndComparesPacketOffsets() throws java.io.IOException {
        Program p = Assembler.assemble(checksumListing());
        String dump = code(p, ProgramType.XDP);
        // r4 += 2 and its exit test w4 == 0x600, proven on [2, 0x600], as a counted int loop.
        assertTrue(instruction(dump, 15).contains("IADD"), instruction(dump, 15));
        assertTrue(instruction(dump, 16).contains("IF_ICMPGE"), instruction(dump, 16));
        assertFalse(instruction(dump, 16).contains("L2I"), instruction(dump, 16));
        // Packet pointer against data_end: compared by offset, not as unsigned longs.
        assertTrue(instruction(dump, 12).contains("IF_ICMPGT"), instruction(dump, 12));
        assertFalse(dump.contains("Long.compareUnsigned"), dump);

        ExecutableProgram jit = jit(p, ProgramType.XDP);
        ExecutableProgram interp = interp(p, ProgramType.XDP);
        Random random = new Random(7);
        for (int len = 0; len <= 1700; len += 1 + random.nextInt(9)) {
            byte[] packet = new byte[len + 8];
            random.nextBytes(packet);
            assertEquals(interp.run(packet, 4, len), jit.run(packet, 4, len), "length " + len);
            assertEquals(checksumParity(packet, 4, len), jit.run(packet, 4, len), "length " + len);
        }
    }

    /** csum.c in Java: 2 (pass) when the folded sum of the bytes after the Ethernet header is odd, else 1. */
    private static long checksumParity(byte[] f, int off, int len) {
        if (len < 14) {
            return 1;
        }
        long sum = 0;
        int p = 14;
        for (int i = 0; i < 768 && p + 2 <= len; i++, p += 2) {
            sum += (f[off + p] & 0xff) | (f[off + p + 1] & 0xff) << 8;
        }
        if (p + 1 <= len) {
            sum += f[off + p] & 0xff;
        }
        for (int i = 0; i < 3; i++) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (sum & 1) != 0 ? 2 : 1;
    }

    @Test
    void countingDownToTheLowBoundBecomesAGreaterThanTest() {
        Program p = Assembler.assemble("""
            r0 = 0x0
            r4 = 0xa
            r0 += r4
            r4 -= 0x2
            if r4 != 0x0 goto -0x3
            exit
            """);
        assertTrue(instruction(code(p, ProgramType.XDP), 4).contains("IF_ICMPGT"));
        assertEquals(30, jit(p, ProgramType.XDP).run(new byte[8]));
        assertEquals(30, interp(p, ProgramType.XDP).run(new byte[8]));
    }

    @Test
    void aValueThatLeavesIntStaysALong() {
        Program p = Assembler.assemble("""
            r1 = 0x7ffffff0
            r2 = 0x0
            r1 += 0x4
            r2 += 0x1
            if r2 < 0x8 goto -0x3
            r0 = r1
            exit
            """);
        NarrowRegisters n = narrow(p, ProgramType.XDP);
        assertFalse(n.def(2, 1), "r1 reaches 0x80000010");
        assertTrue(n.def(3, 2), "r2 stays within [1, 8]");
        assertEquals(0x80000010L, jit(p, ProgramType.XDP).run(new byte[8]));
        assertEquals(0x80000010L, interp(p, ProgramType.XDP).run(new byte[8]));
    }

    @Test
    void negativeNarrowValuesKeepUnsignedAndBitTestSemantics() {
        // r1 = -5 is narrow: as an unsigned 64-bit number it is above 3, as unsigned 32 bits too,
        // and -5 & -8 has bits set (in the sign extension and in the low word alike).
        Program p = Assembler.assemble("""
            r0 = 0x0
            r1 = -0x5
            r2 = -0x8
            r3 = 0x3
            if r1 > r3 goto +0x1
            r0 |= 0x1
            if w1 > 0x3 goto +0x1
            r0 |= 0x2
            if r1 & r2 goto +0x1
            r0 |= 0x4
            if r1 s> r3 goto +0x1
            r0 |= 0x8
            if r1 < 0x3 goto +0x1
            r0 |= 0x10
            r1 += 0x1
            if r1 == -0x4 goto +0x1
            r0 |= 0x20
            exit
            """);
        NarrowRegisters n = narrow(p, ProgramType.XDP);
        assertTrue(n.use(4, 1) && n.use(4, 3), "r1 and r3 are narrow at the first test");
        long expected = interp(p, ProgramType.XDP).run(new byte[8]);
        assertEquals(0x08 | 0x10, expected);
        assertEquals(expected, jit(p, ProgramType.XDP).run(new byte[8]));
    }

    @Test
    void thirtyTwoBitResultsAboveIntMaxAndWideShiftsStayExact() {
        Program p = Assembler.assemble("""
            w1 = -0x1
            r2 = 0x0
            r2 <<= 0x28
            r3 = 0x64
            r3 /= 0x7
            r4 = r1
            r4 >>= 0x4
            r0 = r4
            r0 += r2
            r0 += r3
            exit
            """);
        NarrowRegisters n = narrow(p, ProgramType.XDP);
        assertFalse(n.def(0, 1), "w1 = -1 zero-extends to 0xffffffff");
        assertTrue(n.def(2, 2) && n.def(4, 3), "0 << 40 and 100 / 7 are narrow");
        long expected = 0x0fffffffL + 14;
        assertEquals(expected, interp(p, ProgramType.XDP).run(new byte[8]));
        assertEquals(expected, jit(p, ProgramType.XDP).run(new byte[8]));
    }

    /**
     * The fuzzer's verified programs (which {@code VerifiedFuzzTest} runs in both engines) must
     * exercise narrow values, or that test would not be checking them.
     */
    @Test
    void mostVerifiedFuzzProgramsHaveNarrowValues() {
        int programs = 300;
        int withNarrow = 0;
        for (long seed = 1; seed <= programs; seed++) {
            SafeProgramGenerator.Generated g = SafeProgramGenerator.generate(seed, 40);
            Program p = Program.of(g.program().slots());
            VerifiedProgram v = Verifier.verify(g.program(), ProgramType.XDP, MapSet.create(g.object()), VerifierOptions.defaults());
            ControlFlow cfg = new ControlFlow(p);
            ControlFlow.Function main = cfg.functions.get(0);
            NarrowRegisters n = NarrowRegisters.of(p, cfg.blocks.subList(main.firstBlock(), main.lastBlock() + 1),
                cfg::successors, v.registers());
            boolean any = false;
            for (int pc = main.start(); pc < main.end() && !any; pc++) {
                for (int r = 0; r < 10 && !any; r++) {
                    any = n.def(pc, r);
                }
            }
            withNarrow += any ? 1 : 0;
        }
        assertTrue(withNarrow * 2 > programs, withNarrow + " of " + programs + " programs have a narrow value");
    }
}
