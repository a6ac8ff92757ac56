package io.ebpfjvm.cli;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.error.ElfFormatException;
import io.ebpfjvm.core.error.VerificationException;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.verifier.VerifiedProgram;
import io.ebpfjvm.verifier.Verifier;
import io.ebpfjvm.verifier.VerifierOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ebpf verify}: runs the static verifier over the programs of an object, one line per
 * program in object order. Exit 0 when all pass, 1 when any is rejected, 2 for bad usage.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Verify the programs of a clang-built object the way the Linux kernel's verifier does.")
final class VerifyCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "OBJ", description = "The ELF object (.o), or - for standard input.")
    String object;

    @Option(names = "--cbpf", paramLabel = "FILE",
        description = "A classic BPF filter (tcpdump -dd text) instead of OBJ, checked as the kernel checks classic filters.")
    String cbpf;

    @CommandLine.ArgGroup(exclusive = true)
    Selection selection;

    static final class Selection {
        @Option(names = "--section", paramLabel = "S", description = "Verify only the program(s) of this section.")
        String section;

        @Option(names = "--program", paramLabel = "NAME", description = "Verify only this program.")
        String program;
    }

    @Option(names = "--type", paramLabel = "T",
        description = "Program type instead of the one the section names: xdp, socket, tc, cgroup/skb, kprobe, "
            + "tracepoint, cgroup/sock, cgroup/post_bind4, cgroup/post_bind6.")
    String type;

    @Option(names = "--log", paramLabel = "LEVEL", defaultValue = "0",
        description = "Verifier log: 0 none, 1 the path to a rejection, 2 every instruction with register state.")
    int logLevel;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (logLevel < 0 || logLevel > 2) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--log must be 0, 1 or 2, not " + logLevel);
        }
        if (cbpf != null) {
            if (object != null || selection != null || type != null) {
                throw new io.ebpfjvm.core.error.EbpfException("--cbpf FILE stands alone: no OBJ, --section, --program or --type");
            }
            // Parsing applies the kernel's bpf_check_classic rules; a bad filter throws with the instruction.
            var filter = io.ebpfjvm.core.cbpf.ClassicProgram.fromText(
                new String(Inputs.readBytes(cbpf, System.in), java.nio.charset.StandardCharsets.UTF_8));
            System.out.println("cbpf: OK (" + filter.size() + " classic instructions checked as the kernel's bpf_check_classic does)");
            return ExitCodes.OK;
        }
        if (object == null) {
            throw new io.ebpfjvm.core.error.EbpfException("no object: give OBJ (a clang-built .o) or --cbpf FILE");
        }
        ProgramType forced = type == null ? null : parseType(type);
        byte[] bytes = Inputs.readBytes(object, System.in);
        BpfObject o = ObjectLoader.load(bytes, object);
        List<ProgramSpec> programs = select(o);
        PrintStream out = System.out;
        boolean anyRejected = false;
        VerifierOptions options = VerifierOptions.defaults().withObject(o)
            .withGlobalFunctions(io.ebpfjvm.verifier.GlobalFunctions.of(bytes)).withLogLevel(logLevel);
        for (ProgramSpec p : programs) {
            String section = p.section().startsWith("?") ? p.section().substring(1) : p.section();
            ProgramType t = forced != null ? forced : ProgramType.fromSection(section);
            try {
                if (t == null) {
                    throw new VerificationException(-1, "program type of section '" + p.section()
                        + "' not supported by the verifier", "");
                }
                VerifiedProgram v = Verifier.verify(p, t, null, options);
                out.println(p.name() + ": OK (" + v.processedInstructions() + " insns processed)");
                if (logLevel > 0) {
                    out.print(v.log());
                }
            } catch (VerificationException e) {
                anyRejected = true;
                String message = e.getMessage().replaceFirst("^insn -?\\d+: ", "");
                String at = e.instructionIndex() >= 0 ? " at insn " + e.instructionIndex() : "";
                out.println(p.name() + ": REJECTED" + at + ": " + message);
                if (logLevel > 0) {
                    out.print(e.log());
                }
            } catch (EbpfException e) {
                anyRejected = true;
                out.println(p.name() + ": REJECTED: " + e.getMessage());
            }
        }
        out.flush();
        return anyRejected ? ExitCodes.PROGRAM_FAILED : ExitCodes.OK;
    }

    private List<ProgramSpec> select(BpfObject o) {
        if (selection != null && selection.program != null) {
            return List.of(o.select(selection.program, null));
        }
        if (selection != null && selection.section != null) {
            List<ProgramSpec> in = o.programs().stream().filter(p -> p.section().equals(selection.section)).toList();
            if (in.isEmpty()) {
                throw new ElfFormatException(object + ": no program in section '" + selection.section + "'");
            }
            return in;
        }
        if (o.programs().isEmpty()) {
            throw new ElfFormatException(object + ": no programs");
        }
        return o.programs();
    }

    private ProgramType parseType(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        ProgramType t = switch (n) {
            case "socket_filter", "socket-filter" -> ProgramType.SOCKET_FILTER;
            case "sched_cls", "classifier" -> ProgramType.SCHED_CLS;
            case "cgroup_skb", "cgroup-skb" -> ProgramType.CGROUP_SKB;
            default -> ProgramType.fromSection(n);
        };
        if (t == null || !Verifier.supports(t)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--type " + name
                + ": expected one of xdp, socket, tc, cgroup/skb, kprobe, tracepoint, cgroup/sock, cgroup/post_bind4, "
                + "cgroup/post_bind6");
        }
        return t;
    }
}
