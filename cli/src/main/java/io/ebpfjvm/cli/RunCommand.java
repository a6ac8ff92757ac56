package io.ebpfjvm.cli;

import io.ebpfjvm.core.error.EbpfException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code ebpf run}: one packet through one program, reported the way bpftool prog run reports it. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run a program of a clang-built object (or a --cbpf filter) on one packet.",
        "Prints 'Return value: R, duration (average): Tns' like bpftool prog run."})
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "OBJ", description = "The ELF object (.o).")
    String object;

    @Option(names = "--packet", required = true, paramLabel = "FILE", description = "The packet bytes (raw file, or - for stdin).")
    String packet;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1", description = "Run exactly N times, as bpftool does (maps keep what each run changes); prints the last return value and the mean time (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Mixin
    ProgramOptions options;

    @Override
    public Integer call() {
        if (repeat < 1 || repeat > 1_000_000_000) {
            throw new EbpfException("--repeat " + repeat + ": expected 1..1000000000");
        }
        ProgramOptions.Prepared p = options.prepare(object);
        byte[] original = Inputs.readBytes(packet, System.in);
        byte[] work = original.clone();
        // Exactly --repeat runs, as bpftool prog run does: a program that changes its maps (a
        // token budget, a counter it tests) must see the same number of runs as in the kernel,
        // so there is no separate warm-up. Every run starts from the original packet bytes.
        long r0 = 0;
        long start = System.nanoTime();
        for (int i = 0; i < repeat; i++) {
            System.arraycopy(original, 0, work, 0, work.length);
            r0 = p.executable().run(work, 0, work.length);
        }
        long average = (System.nanoTime() - start) / repeat;
        System.out.println("Return value: " + r0 + ", duration (average): " + average + "ns");
        return ExitCodes.OK;
    }
}
