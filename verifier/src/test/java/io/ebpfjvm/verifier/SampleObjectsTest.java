package io.ebpfjvm.verifier;

import io.ebpfjvm.core.error.VerificationException;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.loader.ProgramSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every project-owned clang-built object that the kernel loads must verify here too. */
class SampleObjectsTest {

    static BpfObject load(String name) throws Exception {
        try (InputStream in = SampleObjectsTest.class.getResourceAsStream("/bpf/" + name)) {
            return ObjectLoader.load(in.readAllBytes(), name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"xdp_acl.o", "sock_filter.o", "subprogs.o", "lpm_blocklist.o", "tail_chain.o", "tc_nat.o"})
    void everyProgramVerifies(String object) throws Exception {
        BpfObject o = load(object);
        assertFalse(o.programs().isEmpty());
        for (ProgramSpec p : o.programs()) {
            VerifiedProgram v = Verifier.verify(p, null, null, VerifierOptions.defaults().withObject(o));
            assertTrue(v.processedInstructions() > 0, p.name());
            assertTrue(v.reachable(0), p.name());
        }
    }

    @Test
    void isaV4ObjectIsRejectedLikeTheKernelDoes() throws Exception {
        // bpftool prog load isa_v4.o: "unreachable insn 36" (a gotol skips a slot on purpose).
        BpfObject o = load("isa_v4.o");
        VerificationException e = assertThrows(VerificationException.class,
            () -> Verifier.verify(o.programs().get(0), null, null, VerifierOptions.defaults().withObject(o)));
        assertEquals(36, e.instructionIndex());
        assertTrue(e.log().strip().endsWith("unreachable insn 36"), e.log());
    }

    @Test
    void xdpAclFactsDescribeItsPacketAndMapAccesses() throws Exception {
        BpfObject o = load("xdp_acl.o");
        ProgramSpec p = o.programs().get(0);
        VerifiedProgram v = Verifier.verify(p, null, null, VerifierOptions.defaults().withObject(o));
        int packetLoads = 0;
        int helperCalls = 0;
        for (int pc = 0; pc < p.slots().size(); pc++) {
            MemoryAccess a = v.access(pc);
            var insn = p.slots().get(pc);
            if (a != null) {
                assertTrue(v.reachable(pc));
                assertTrue(a.minOffset() <= a.maxOffset(), "pc " + pc);
                if (a.kind() == RegionKind.PACKET) {
                    packetLoads++;
                    assertTrue(a.minOffset() >= 0, "packet offsets are relative to data: pc " + pc);
                }
            }
            if (insn.isHelperCall() && v.reachable(pc)) {
                helperCalls++;
                assertEquals(insn.imm(), v.helperId(pc));
            } else {
                assertEquals(-1, v.helperId(pc));
            }
        }
        assertTrue(packetLoads > 0, "xdp_acl parses headers");
        assertTrue(helperCalls > 0, "xdp_acl looks up its ACL map");
        assertFalse(v.cfg().blocks().isEmpty());
    }
}
