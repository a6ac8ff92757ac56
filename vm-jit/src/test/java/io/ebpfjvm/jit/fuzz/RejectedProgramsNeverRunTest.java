package io.ebpfjvm.jit.fuzz;

import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.error.VerificationException;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.testing.fuzz.Mutations;
import io.ebpfjvm.core.testing.fuzz.Mutations.AclMutation;
import io.ebpfjvm.core.testing.fuzz.SafeProgramGenerator;
import io.ebpfjvm.core.testing.fuzz.SafeProgramGenerator.Generated;
import io.ebpfjvm.jit.Ebpf;
import io.ebpfjvm.verifier.VerifiedProgram;
import io.ebpfjvm.verifier.Verifier;
import io.ebpfjvm.verifier.VerifierOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A program the verifier rejects is never run: safe programs with one safety check undone must
 * be rejected with the kernel's message, and the library's load path ({@link Ebpf}) must refuse
 * them before anything is compiled. Loading the same bytes with verification off shows what the
 * gate prevented: the unchecked access, caught only at run time.
 */
class RejectedProgramsNeverRunTest {
    private static final Path ACL = Path.of("../vm-core/src/test/resources/bpf/xdp_acl.o");
    private static final int PROGRAMS = 1000;

    @Test
    void generatedProgramsWithACheckUndoneAreRejected() {
        int nullChecks = 0;
        for (long seed = 1; seed <= PROGRAMS; seed++) {
            Generated g = SafeProgramGenerator.generate(seed, 40);
            String packet = rejection(Mutations.flipPacketCheck(g.program().slots()), g);
            assertTrue(packet.contains("offset is outside of the packet"), "seed " + seed + ": " + packet);
            VerifiedProgram safe = Verifier.verify(g.program(), ProgramType.XDP, MapSet.create(g.object()), VerifierOptions.defaults());
            List<Instruction> unchecked = Mutations.dropNullCheck(g.program().slots(), safe::reachable);
            if (unchecked != null) {
                String value = rejection(unchecked, g);
                assertTrue(value.contains("map_value_or_null"), "seed " + seed + ": " + value);
                nullChecks++;
            }
        }
        assertTrue(nullChecks > PROGRAMS / 4, "too few programs with a lookup: " + nullChecks);
        System.out.println("RejectedProgramsNeverRunTest: " + (PROGRAMS + nullChecks) + " mutated programs, all rejected");
    }

    private static String rejection(List<Instruction> slots, Generated g) {
        VerificationException e = assertThrows(VerificationException.class, () -> Verifier.verify(Program.unchecked(slots),
            ProgramType.XDP, VerifierOptions.defaults().withMaps(MapSet.create(g.object()))), "seed " + g.seed() + " accepted");
        return e.getMessage();
    }

    @Test
    void theLibraryRefusesToLoadARejectedObject() throws Exception {
        byte[] acl = Files.readAllBytes(ACL);
        for (AclMutation m : AclMutation.values()) {
            byte[] mutant = m.apply(acl);
            for (Ebpf.Engine engine : Ebpf.Engine.values()) {
                VerificationException e = assertThrows(VerificationException.class,
                    () -> Ebpf.loader().engine(engine).load(mutant, "xdp_acl.o"), m + " loaded");
                assertEquals(m.rejectedAt, e.instructionIndex(), m + ": " + e.getMessage());
                assertTrue(e.getMessage().contains(m.message), m + ": " + e.getMessage());
            }
        }
        // The original loads and runs; so does the mutant when verification is off, and on a
        // runt IPv4 frame its unproven read is caught only at run time.
        byte[] runt = new byte[20];
        runt[12] = 0x08;
        assertEquals(1, Ebpf.loader().load(acl, "xdp_acl.o").program("xdp_acl").run(runt.clone()));
        Ebpf.Loaded unverified = Ebpf.loader().engine(Ebpf.Engine.INTERPRETER).verify(false)
            .load(AclMutation.FLIPPED_BOUNDS_CHECK.apply(acl), "xdp_acl.o");
        EbpfRuntimeException fault = assertThrows(EbpfRuntimeException.class, () -> unverified.program("xdp_acl").run(runt.clone()));
        assertEquals(16, fault.instructionIndex(), fault.getMessage());
    }
}
