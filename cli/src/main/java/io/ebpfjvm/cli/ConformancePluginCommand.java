package io.ebpfjvm.cli;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.isa.Program;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code ebpf conformance-plugin}: the bpf_conformance plugin protocol. The program arrives on
 * standard input as one line of hex, the memory (if any) as the first argument, and r0 is
 * printed in hex. The suite's helpers 0-5 are registered for this command only.
 */
@Command(name = "conformance-plugin", mixinStandardHelpOptions = true,
    description = {
        "Run one bpf_conformance case: program bytes as hex on standard input, memory as MEM.",
        "Prints r0 in hex and exits 0; on failure prints the error and exits 1 (2 for unreadable input)."})
final class ConformancePluginCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "MEM",
        description = "Input memory: each byte as two hex digits, optionally separated by spaces.")
    String memory;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "jit",
        description = "Execution engine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    EngineOption engine;

    @Option(names = "--elf", description = "Standard input is an ELF object (hex) instead of raw instructions.")
    boolean elf;

    @Override
    public Integer call() {
        byte[] input = Inputs.parseHex(new String(Inputs.readBytes("-", System.in), StandardCharsets.US_ASCII),
            "standard input");
        byte[] mem = memory == null ? new byte[0] : Inputs.parseHex(memory, "MEM");
        Program program = elf ? ElfPrograms.firstProgram(input, "<stdin>") : Programs.decode(input, "<stdin>");
        ExecutableProgram executable = Engines.conformance(program, engine);
        long r0 = memory == null ? executable.run() : executable.run(mem, 0, mem.length);
        System.out.println("0x" + Long.toHexString(r0));
        return ExitCodes.OK;
    }

}
