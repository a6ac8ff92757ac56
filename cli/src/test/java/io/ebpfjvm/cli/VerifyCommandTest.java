package io.ebpfjvm.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ebpf verify} on the committed clang-built objects. */
class VerifyCommandTest extends ConsoleCapture {
    private String objectArg(String name) throws Exception {
        return object(name).toString();
    }

    private String[] lines() {
        return out.toString(StandardCharsets.UTF_8).strip().split("\n");
    }

    @Test
    void everyProgramInObjectOrderWithItsVerdict() throws Exception {
        int code = Main.execute("verify", objectArg("tail_chain.o"));
        assertEquals(0, code, err.toString());
        String[] lines = lines();
        assertEquals(3, lines.length, out.toString());
        assertTrue(lines[0].matches("stage_ipv4: OK \\(\\d+ insns processed\\)"), lines[0]);
        assertTrue(lines[1].startsWith("stage_ipv6: OK ("), lines[1]);
        assertTrue(lines[2].startsWith("dispatch: OK ("), lines[2]);
    }

    @Test
    void aRejectionNamesTheInstructionAndExitsOne() throws Exception {
        // The kernel rejects this object the same way (bpftool prog load: "unreachable insn 36").
        int code = Main.execute("verify", objectArg("isa_v4.o"));
        assertEquals(1, code);
        assertEquals("odd_ops: REJECTED at insn 36: unreachable insn 36", lines()[0]);
    }

    @Test
    void programSelectionAndTypeOverride() throws Exception {
        String obj = objectArg("subprogs.o");
        assertEquals(0, Main.execute("verify", obj, "--program", "tc_mark"));
        assertEquals(1, lines().length);
        assertTrue(lines()[0].startsWith("tc_mark: OK ("));
        out.reset();
        // As XDP, the legacy packet loads a socket filter uses are not allowed (as in the kernel).
        assertEquals(1, Main.execute("verify", objectArg("sock_filter.o"), "--type", "xdp"));
        assertEquals("sock_filter: REJECTED at insn 2: BPF_LD_[ABS|IND] instructions not allowed for this program type",
            lines()[0]);
    }

    @Test
    void logLevelTwoShowsRegisterStates() throws Exception {
        assertEquals(0, Main.execute("verify", objectArg("xdp_acl.o"), "--log", "2"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("R1=ctx()"), text);
        assertTrue(text.contains("processed "), text);
    }

    @Test
    void badUsageExitsTwo() throws Exception {
        assertEquals(2, Main.execute("verify", objectArg("xdp_acl.o"), "--log", "3"));
        assertEquals(2, Main.execute("verify", tmp.resolve("missing.o").toString()));
        assertEquals(2, Main.execute("verify", objectArg("xdp_acl.o"), "--program", "nope"));
        assertEquals(2, Main.execute("verify", objectArg("xdp_acl.o"), "--type", "cgroup/sysctl")); // a type the verifier does not model
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.lines().allMatch(l -> !l.startsWith("\tat ")), e);
    }
}
