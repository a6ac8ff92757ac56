package io.ebpfjvm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ebpf} command: assemble, disassemble, verify and run eBPF programs, and answer the
 * bpf_conformance plugin protocol. Exit codes: 0 success, 1 the program failed or was
 * rejected, 2 bad usage or unreadable input. Errors are one line on stderr.
 */
@Command(name = "ebpf",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "An eBPF virtual machine for the JVM.",
    subcommands = {
        AsmCommand.class,
        DisasmCommand.class,
        ConformancePluginCommand.class,
        RunCommand.class,
        PcapCommand.class,
        MapsCommand.class,
        VerifyCommand.class,
        DemoCommand.class,
        DumpJitCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code, without exiting (for tests). */
    public static int execute(String... args) {
        return newCommandLine().execute(args);
    }

    static CommandLine newCommandLine() {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setExecutionExceptionHandler(new ErrorReporter());
        cmd.setParameterExceptionHandler(new ErrorReporter());
        return cmd;
    }

    @Override
    public void run() {
        // No subcommand given: show what there is.
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
    }
}
