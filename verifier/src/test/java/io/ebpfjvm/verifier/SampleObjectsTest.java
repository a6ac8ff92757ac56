package io.ebpfjvm.verifier;

import io.ebpfjvm.core.error.VerificationException;
import io.ebpfjvm.core.helper.ArgKind;
import io.ebpfjvm.core.helper.HelperPrototype;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.helper.ReturnKind;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.loader.ProgramSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every clang-built object committed anywhere in the repository's resources (found by walking
 * the checkout, so a new object is covered without editing this test): each of its programs
 * must get the kernel's verdict. The kernel accepts all of them except the few in
 * {@link #KERNEL_REJECTS}, whose verdicts (and the message where ours matches) are recorded;
 * where root and bpftool are available, {@link #sameVerdictAsTheRunningKernel} checks the
 * recorded verdicts against the kernel itself.
 */
class SampleObjectsTest {
    /** The checkout: tests run with the module directory as working directory. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /**
     * What we say about a program the kernel does not accept: the instruction (-1: none), our
     * message (the last line of our log), and the last line of the kernel's log, or null when
     * libbpf gives up before the kernel sees the program.
     */
    record Rejection(int insn, String message, String kernelMessage) {
    }

    /** object/program -> our rejection; every program not listed must verify. */
    static final Map<String, Rejection> KERNEL_REJECTS = Map.of(
        // a gotol skips a slot on purpose
        "isa_v4.o/odd_ops", new Rejection(36, "unreachable insn 36", "unreachable insn 36"),
        // The kernel types a global function's `const u8 *` argument from BTF as mem_or_null;
        // without BTF function prototypes we keep the caller's pointer type (fp), maybe null.
        "subprogs.o/socket_hash", new Rejection(37, "R1 pointer arithmetic on fp_or_null prohibited, null-check it first",
            "R1 pointer arithmetic on mem_or_null prohibited, null-check it first"),
        // an instruction catalogue, not a program: libbpf cannot load the object
        "all_opcodes.o/all_opcodes", new Rejection(164, "last insn is not an exit or jmp", null),
        // libbpf poisons the instruction whose relocation it cannot resolve against the kernel's BTF
        "core_mixed.o/reads_core", new Rejection(-1, "section xdp insn 8: CO-RE relocation FIELD_BYTE_OFFSET of struct hdr "
            + "(access 0:1) is not supported; build without __builtin_preserve_access_index / BPF_CORE_READ",
            "failed to resolve CO-RE relocation <byte_off> [10] struct hdr.len (0:1 @ offset 4)"),
        "core_mixed.o/calls_kfunc", new Rejection(-1, "section tc insn 0: relocation R_BPF_64_32 against 'bpf_rcu_read_lock', "
            + "an external function (kfunc): kfuncs are not supported", null));

    /** user_helper.o calls helper 4000, which exists once registered the way UserHelperTest does. */
    private static final int CLASSIFY = 4000;
    private static final HelperPrototype CLASSIFY_PROTO = HelperPrototype.of("classify", ReturnKind.INTEGER,
        ArgKind.SCALAR, ArgKind.PTR_TO_UNINIT_MEM, ArgKind.CONST_SIZE);

    /** Every committed object under some module's {@code src/(main|test)/resources}. */
    static Stream<Path> objects() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            List<Path> found = files
                .filter(p -> p.toString().endsWith(".o") && Files.isRegularFile(p))
                .filter(p -> {
                    String rel = ROOT.relativize(p).toString().replace('\\', '/');
                    return rel.matches("[^/]+/src/(main|test)/resources/.*") && !rel.contains("/target/");
                })
                .sorted()
                .toList();
            return found.stream();
        }
    }

    static BpfObject load(Path object) throws IOException {
        return ObjectLoader.load(Files.readAllBytes(object), object.getFileName().toString());
    }

    static VerifierOptions options(Path object, BpfObject o) throws IOException {
        VerifierOptions opts = VerifierOptions.defaults().withObject(o)
            .withGlobalFunctions(GlobalFunctions.of(Files.readAllBytes(object)));
        return object.getFileName().toString().equals("user_helper.o") ? opts.withHelpers(userHelpers()) : opts;
    }

    static HelperRegistry userHelpers() {
        return HelperRegistry.builder()
            .registerAll(KernelHelpers.registry(s -> { }))
            .register(CLASSIFY, CLASSIFY_PROTO, (c, r1, r2, r3, r4, r5) -> 0)
            .build();
    }

    /** Our verdict: null when accepted, else the rejection. */
    static Rejection verdict(ProgramSpec p, VerifierOptions opts) {
        try {
            VerifiedProgram v = Verifier.verify(p, null, null, opts);
            assertTrue(v.processedInstructions() > 0 && v.reachable(0), p.name());
            return null;
        } catch (VerificationException e) {
            String log = e.log().strip();
            return new Rejection(e.instructionIndex(), log.substring(log.lastIndexOf('\n') + 1), null);
        }
    }

    @Test
    void theWalkFindsTheObjectsOfEveryModule() throws IOException {
        List<String> rel = objects().map(p -> ROOT.relativize(p).toString().replace('\\', '/')).toList();
        for (String dir : List.of("vm-core/src/test/resources/bpf/", "benchmarks/src/main/resources/bpf/",
            "samples/src/main/resources/", "cli/src/test/resources/heldout/")) {
            assertTrue(rel.stream().anyMatch(r -> r.startsWith(dir)), dir + " in " + rel);
        }
        for (String key : KERNEL_REJECTS.keySet()) {
            String object = key.substring(0, key.indexOf('/'));
            assertTrue(rel.stream().anyMatch(r -> r.endsWith("/" + object)), "recorded object " + object + " exists");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("objects")
    void everyProgramGetsTheKernelsVerdict(Path object) throws Exception {
        BpfObject o = load(object);
        assertFalse(o.programs().isEmpty(), object.toString());
        VerifierOptions opts = options(object, o);
        for (ProgramSpec p : o.programs()) {
            String key = object.getFileName() + "/" + p.name();
            Rejection expected = KERNEL_REJECTS.get(key);
            Rejection ours = verdict(p, opts);
            if (expected == null) {
                assertNull(ours, () -> key + " is accepted by the kernel, we said: " + ours);
            } else {
                assertNotNull(ours, key + " must be rejected as the kernel does");
                assertEquals(expected.insn(), ours.insn(), key);
                assertEquals(expected.message(), ours.message(), key);
            }
        }
    }

    @Test
    void userHelperObjectNeedsItsHelperLikeTheKernelWouldWithout() throws Exception {
        Path object = objects().filter(p -> p.getFileName().toString().equals("user_helper.o")).findFirst().orElseThrow();
        BpfObject o = load(object);
        Rejection without = verdict(o.programs().get(0), VerifierOptions.defaults().withObject(o));
        assertNotNull(without);
        assertEquals("invalid func unknown#4000", without.message());
    }

    private static final Pattern FAILED_PROG = Pattern.compile("libbpf: prog '([^']+)': BPF program load failed");

    /**
     * Loads each object into the running kernel with {@code bpftool prog loadall} (which stops at
     * the first program the kernel refuses) and compares: an object the kernel loads must verify
     * here program by program; a program the kernel refuses must be refused here; an object
     * libbpf cannot even prepare must hold a program we refuse. Skips without root or bpftool.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("objects")
    void sameVerdictAsTheRunningKernel(Path object) throws Exception {
        assumeTrue(KernelDifferentialTest.onPath("bpftool"), "bpftool not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "loading programs needs root");
        assumeTrue(Files.isDirectory(Path.of("/sys/fs/bpf")), "bpffs not mounted");
        String name = object.getFileName().toString();
        String pin = "/sys/fs/bpf/ebpfjvm_samples_" + name.replace(".o", "") + "_" + ProcessHandle.current().pid();
        String load;
        try {
            load = KernelDifferentialTest.run(List.of("bpftool", "-d", "prog", "loadall", object.toString(), pin));
        } finally {
            KernelDifferentialTest.run(List.of("rm", "-rf", pin));
        }
        boolean kernelLoadsAll = load.startsWith("0\n");

        BpfObject o = load(object);
        // the kernel knows no helper 4000: compare user_helper.o as it verifies without it
        VerifierOptions opts = name.equals("user_helper.o") ? VerifierOptions.defaults().withObject(o)
            .withGlobalFunctions(GlobalFunctions.of(Files.readAllBytes(object))) : options(object, o);
        List<String> weReject = new ArrayList<>();
        for (ProgramSpec p : o.programs()) {
            if (verdict(p, opts) != null) {
                weReject.add(p.name());
            }
        }
        if (kernelLoadsAll) {
            assertEquals(List.of(), weReject, name + ": the kernel loads every program");
            return;
        }
        Matcher m = FAILED_PROG.matcher(load);
        if (m.find() && load.contains("BEGIN PROG LOAD LOG")) {
            String program = m.group(1);
            assertTrue(weReject.contains(program), name + "/" + program + " is refused by the kernel: "
                + KernelDifferentialTest.lastLogLine(load));
            Rejection ours = verdict(o.program(program).orElseThrow(), opts);
            String kernel = KernelDifferentialTest.lastLogLine(load);
            Rejection recorded = KERNEL_REJECTS.get(name + "/" + program);
            if (recorded != null) {
                assertEquals(recorded.kernelMessage(), kernel, name + "/" + program + ": recorded kernel message");
            } else {
                assertEquals(kernel, ours.message(), name + "/" + program + ": the kernel's last log line");
            }
        } else {
            assertFalse(weReject.isEmpty(), name + ": libbpf cannot load it, so some program must be refused here: " + load);
        }
    }

    @Test
    void xdpAclFactsDescribeItsPacketAndMapAccesses() throws Exception {
        Path object = objects().filter(p -> p.getFileName().toString().equals("xdp_acl.o")).findFirst().orElseThrow();
        BpfObject o = load(object);
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
