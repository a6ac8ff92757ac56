package io.ebpfjvm.verifier;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.error.VerificationException;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.isa.Program;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kprobe, tracepoint and cgroup/sock program types, and linked scalars, without a kernel
 * (KernelDifferentialTest compares the same shapes with the running kernel where it can).
 */
class TracingAndSockTypesTest {
    private static Program asm(String text) {
        return Program.unchecked(Assembler.assembleSlots(text));
    }

    private static void ok(String text, ProgramType type) {
        assertTrue(Verifier.verify(asm(text), type, VerifierOptions.defaults()).processedInstructions() > 0);
    }

    private static String rejected(String text, ProgramType type) {
        VerificationException e = assertThrows(VerificationException.class,
            () -> Verifier.verify(asm(text), type, VerifierOptions.defaults()));
        return e.getMessage().replaceFirst("^insn -?\\d+: ", "");
    }

    @Test
    void kprobeReadsAnyAlignedRegisterBytesButNeverWrites() {
        ok("r0 = *(u64 *)(r1 + 112)\nr0 = *(u8 *)(r1 + 167)\nr0 = *(u32 *)(r1 + 164)\nexit", ProgramType.KPROBE);
        assertEquals("invalid bpf_context access off=168 size=8", rejected("r0 = *(u64 *)(r1 + 168)\nexit", ProgramType.KPROBE));
        assertEquals("invalid bpf_context access off=2 size=4", rejected("r0 = *(u32 *)(r1 + 2)\nexit", ProgramType.KPROBE));
        assertEquals("invalid bpf_context access off=0 size=8",
            rejected("r2 = 0\n*(u64 *)(r1 + 0) = r2\nr0 = 0\nexit", ProgramType.KPROBE));
    }

    @Test
    void kprobeHelpersAreTheTracingOnesAndAnyReturnValueGoes() {
        ok("r1 = r10\nr1 += -8\nr2 = 8\nr3 = 0\ncall 113\nr0 = *(u64 *)(r10 - 8)\nexit", ProgramType.KPROBE);
        ok("r0 = r10\nexit", ProgramType.KPROBE);
        assertEquals("program of this type cannot use helper bpf_xdp_adjust_head#44",
            rejected("r2 = 0\ncall 44\nr0 = 0\nexit", ProgramType.KPROBE));
        String getStack = "r2 = r10\nr2 += -64\nr3 = 64\nr4 = 0\ncall 67\nr0 = 0\nexit";
        ok(getStack, ProgramType.KPROBE);
        assertEquals("program of this type cannot use helper bpf_get_stack#67", rejected(getStack, ProgramType.XDP));
    }

    @Test
    void tracepointRecordIsReadableFromOffset8UpToPerfMaxTraceSize() {
        ok("r0 = *(u32 *)(r1 + 8)\nr0 = *(u64 *)(r1 + 8184)\nexit", ProgramType.TRACEPOINT);
        assertEquals("invalid bpf_context access off=4 size=4", rejected("r0 = *(u32 *)(r1 + 4)\nexit", ProgramType.TRACEPOINT));
        assertEquals("invalid bpf_context access off=8192 size=8",
            rejected("r0 = *(u64 *)(r1 + 8192)\nexit", ProgramType.TRACEPOINT));
        assertEquals("invalid bpf_context access off=8 size=4",
            rejected("r2 = 0\n*(u32 *)(r1 + 8) = r2\nr0 = 0\nexit", ProgramType.TRACEPOINT));
    }

    @Test
    void sockCreateWritesMarkPriorityAndDeviceOnlyWhole() {
        ok("r2 = 7\n*(u32 *)(r1 + 0) = r2\n*(u32 *)(r1 + 16) = r2\n*(u32 *)(r1 + 20) = r2\nr0 = 1\nexit",
            ProgramType.CGROUP_SOCK);
        assertEquals("invalid bpf_context access off=4 size=4",
            rejected("r2 = 7\n*(u32 *)(r1 + 4) = r2\nr0 = 1\nexit", ProgramType.CGROUP_SOCK));
        assertEquals("invalid bpf_context access off=16 size=2",
            rejected("r0 = *(u16 *)(r1 + 16)\nr0 = 1\nexit", ProgramType.CGROUP_SOCK));
        assertEquals("invalid bpf_context access off=24 size=4",
            rejected("r0 = *(u32 *)(r1 + 24)\nr0 = 1\nexit", ProgramType.CGROUP_SOCK));
    }

    @Test
    void postBindSeesItsSourceAddressReadOnly() {
        ok("r0 = *(u32 *)(r1 + 24)\nr0 = *(u32 *)(r1 + 44)\nr0 &= 1\nexit", ProgramType.CGROUP_SOCK_POST_BIND4);
        ok("r0 = *(u32 *)(r1 + 40)\nr0 = 0\nexit", ProgramType.CGROUP_SOCK_POST_BIND6);
        assertEquals("invalid bpf_context access off=16 size=4",
            rejected("r2 = 7\n*(u32 *)(r1 + 16) = r2\nr0 = 1\nexit", ProgramType.CGROUP_SOCK_POST_BIND4));
        assertEquals("invalid bpf_context access off=28 size=4",
            rejected("r0 = *(u32 *)(r1 + 28)\nr0 = 1\nexit", ProgramType.CGROUP_SOCK_POST_BIND4));
    }

    @Test
    void cgroupSockReturnsZeroOrOne() {
        assertEquals("At program exit the register R0 has smin=2 smax=2 should have been in [0, 1]",
            rejected("r0 = 2\nexit", ProgramType.CGROUP_SOCK));
        ok("call 14\nr0 &= 1\nexit", ProgramType.CGROUP_SOCK);
    }

    @Test
    void aBoundOnALinkedCopyHoldsForTheOriginalShiftedByTheDelta() {
        // w2 = w0 - 33 in [0xffffffe0, 0xffffffff] means w0 in [1, 32]
        ok("""
            r0 = *(u32 *)(r1 + 0)
            w2 = w0
            w2 += -33
            w8 = 32
            if w2 < -32 goto +1
            w8 = w0
            r1 = r10
            r1 += -33
            r1 += r8
            r2 = 0
            *(u8 *)(r1 + 0) = r2
            r0 = 0
            exit
            """, ProgramType.SOCKET_FILTER);
        // r2 = r0 - 8 <= 7 means r0 in [8, 15]: fp-16 + r0 stays below fp0
        String linked64 = """
            r0 = *(u32 *)(r1 + 0)
            r2 = r0
            r2 += DELTA
            if r2 > 7 goto +5
            r1 = r10
            r1 += -16
            r1 += r0
            r3 = 0
            *(u8 *)(r1 + 0) = r3
            r0 = 0
            exit
            """;
        ok(linked64.replace("DELTA", "-8"), ProgramType.SOCKET_FILTER);
        assertTrue(rejected(linked64.replace("DELTA", "-9"), ProgramType.SOCKET_FILTER).startsWith("invalid variable-offset"),
            "r0 may be 16: one past the frame");
        // a second constant cannot join the first: the link breaks and r0 stays unbounded
        assertTrue(rejected(linked64.replace("r2 += DELTA", "r2 += -4\nr2 += -4").replace("goto +5", "goto +5"),
            ProgramType.SOCKET_FILTER).contains("R1"));
    }
}
