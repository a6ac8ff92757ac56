package io.ebpfjvm.interp.object;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.context.BpfSock;
import io.ebpfjvm.core.context.PtRegs;
import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.testing.Tools;
import io.ebpfjvm.interp.Interpreter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kernel's verifier as oracle for context access rules: one load or store of each size
 * at many offsets of pt_regs (kprobe), a tracepoint record, bpf_sock (sock_create,
 * post_bind4, post_bind6), xdp_md and __sk_buff (socket filter, TC, cgroup/skb), handed to the kernel as a one-program ELF with bpftool, and run
 * by us on a context of that type. The kernel accepts the program exactly when our run
 * completes, and refuses it exactly when our run stops with a context-access error.
 * Skips cleanly without root, bpftool or kernel BPF.
 */
class ContextAccessKernelTest {
    private record Case(ProgramType type, String section, String access, int contextSize) {
    }

    @Test
    void packetContextAccessesAreAllowedExactlyWhereTheKernelAllowsThem() throws Exception {
        List<Case> cases = new ArrayList<>();
        String[] sizes = {"u8", "u16", "u32", "u64"};
        for (int s = 0; s < 4; s++) {
            for (int off = 0; off < 28; off += 2) {
                cases.add(new Case(ProgramType.XDP, "xdp", load(sizes[s], off), 64));
            }
            for (var v : List.of(new Object[] {ProgramType.SOCKET_FILTER, "socket"}, new Object[] {ProgramType.SCHED_CLS, "tc"},
                new Object[] {ProgramType.CGROUP_SKB, "cgroup/skb"})) {
                for (int off = 0; off < 192; off += 4) {
                    cases.add(new Case((ProgramType) v[0], (String) v[1], load(sizes[s], off), 64));
                    if (s >= 2) {
                        cases.add(new Case((ProgramType) v[0], (String) v[1], store(sizes[s], off), 64));
                    }
                }
            }
        }
        System.out.println(sweep(cases));
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        String[] sizes = {"u8", "u16", "u32", "u64"};
        for (int s = 0; s < 4; s++) {
            int bytes = 1 << s;
            for (int off : new int[] {0, 1, 2, 4, 8, 80, 120, 160, 164, 166, 167}) {
                cases.add(new Case(ProgramType.KPROBE, "kprobe/do_sys_openat2", load(sizes[s], off), PtRegs.SIZE));
            }
            for (int off : new int[] {0, 4, 6, 7, 8, 9, 12, 16, 40, 56}) {
                cases.add(new Case(ProgramType.TRACEPOINT, "tracepoint/sched/sched_process_exec", load(sizes[s], off), 64));
            }
            for (var variant : List.of(new Object[] {ProgramType.CGROUP_SOCK, "cgroup/sock_create"},
                new Object[] {ProgramType.CGROUP_SOCK_POST_BIND4, "cgroup/post_bind4"},
                new Object[] {ProgramType.CGROUP_SOCK_POST_BIND6, "cgroup/post_bind6"})) {
                for (int off = 0; off < BpfSock.SIZE; off += 4) {
                    cases.add(new Case((ProgramType) variant[0], (String) variant[1], load(sizes[s], off), BpfSock.SIZE));
                    if (bytes <= 4) {
                        cases.add(new Case((ProgramType) variant[0], (String) variant[1], store(sizes[s], off), BpfSock.SIZE));
                    }
                }
                if (bytes <= 2) {
                    for (int off : new int[] {26, 30, 46, 50, 54, 74}) {
                        cases.add(new Case((ProgramType) variant[0], (String) variant[1], load(sizes[s], off), BpfSock.SIZE));
                    }
                }
                if (bytes == 1) {
                    for (int off : new int[] {17, 25, 49, 51, 73}) {
                        cases.add(new Case((ProgramType) variant[0], (String) variant[1], load(sizes[s], off), BpfSock.SIZE));
                    }
                }
            }
        }
        cases.add(new Case(ProgramType.KPROBE, "kprobe/do_sys_openat2", store("u64", 0), PtRegs.SIZE));
        cases.add(new Case(ProgramType.TRACEPOINT, "tracepoint/sched/sched_process_exec", store("u32", 8), 64));
        return cases;
    }

    private static String load(String size, int off) {
        return "r0 = *(" + size + " *)(r1 + " + off + ")";
    }

    private static String store(String size, int off) {
        return "r2 = 0\n*(" + size + " *)(r1 + " + off + ") = r2";
    }

    @Test
    void contextLoadsAndStoresAreAllowedExactlyWhereTheKernelAllowsThem() throws Exception {
        System.out.println(sweep(cases()));
    }

    private String sweep(List<Case> all) throws Exception {
        Path bpftool = Tools.find("bpftool") != null ? Tools.find("bpftool") : Path.of("/usr/sbin/bpftool");
        assumeTrue(Files.isExecutable(bpftool), "bpftool not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.contains(" /sys/fs/bpf bpf ")),
            "bpffs not mounted");
        Path dir = Files.createTempDirectory("ctx-access");
        Path pin = Path.of("/sys/fs/bpf/ebpf-jvm-ctx-" + ProcessHandle.current().pid());
        int allowed = 0;
        int refused = 0;
        try {
            // The first case must load: else this kernel has no BPF for us, which is a skip, not a failure.
            for (Case c : all) {
                Program program = Assembler.assemble(c.access() + "\nr0 = 0\nexit");
                Path elf = dir.resolve("p.o");
                Files.write(elf, SingleProgramElf.build(c.section(), program.toBytes()));
                boolean kernel;
                try {
                    Tools.run(List.of(bpftool.toString(), "prog", "load", elf.toString(), pin.toString()));
                    kernel = true;
                } catch (IOException e) {
                    String m = e.getMessage();
                    assumeTrue(m.contains("BEGIN PROG LOAD LOG") || allowed + refused > 0, "the kernel refused BPF: " + m);
                    kernel = false;
                } finally {
                    Files.deleteIfExists(pin);
                }
                ExecutableProgram ours = Interpreter.compile(program, c.type(), HelperRegistry.empty(), ExecutionOptions.defaults());
                boolean accepted;
                try {
                    byte[] packetOrContext = new byte[c.contextSize()];
                    ours.run(packetOrContext, 0, packetOrContext.length, null);
                    accepted = true;
                } catch (EbpfRuntimeException e) {
                    assertTrue(e.getMessage().contains("context"), e.getMessage());
                    accepted = false;
                }
                String what = c.type() + " " + c.access().replace('\n', ';') + ": kernel " + (kernel ? "accepts" : "refuses");
                assertEquals(kernel, accepted, what);
                if (kernel) {
                    allowed++;
                } else {
                    refused++;
                }
            }
        } finally {
            Files.deleteIfExists(dir.resolve("p.o"));
            Files.deleteIfExists(dir);
        }
        return "kernel differential context access: " + all.size() + " accesses, " + allowed + " allowed, " + refused
            + " refused, all agree";
    }
}
