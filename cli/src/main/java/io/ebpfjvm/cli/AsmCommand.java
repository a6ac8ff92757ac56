package io.ebpfjvm.cli;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.isa.InstructionEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;

/** {@code ebpf asm}: assembler text (LLVM or uBPF syntax) to program bytes. */
@Command(name = "asm", mixinStandardHelpOptions = true,
    description = {
        "Assemble eBPF assembler text into program bytes.",
        "Accepts the LLVM syntax (as llvm-objdump -d prints it, a whole listing included) and the "
            + "uBPF/bpf_conformance syntax, mixed freely.",
        "Without -o, prints the bytes as one line of hex (what 'ebpf conformance-plugin' reads)."})
final class AsmCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE|-", description = "Assembler source, or - for standard input.")
    String input;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write the raw program bytes to OUT.")
    Path output;

    @Option(names = "--partial",
        description = "Do not require a whole program: jumps and calls may leave the text, as in an ELF section whose calls reach .text.")
    boolean partial;

    @Override
    public Integer call() {
        String where = "-".equals(input) ? "<stdin>" : input;
        String source = Inputs.readText(input, System.in);
        byte[] bytes = partial
            ? withSource(where, () -> InstructionEncoder.encode(Assembler.assembleSlots(source)))
            : withSource(where, () -> Assembler.assemble(source)).toBytes();
        if (bytes.length == 0) {
            throw new io.ebpfjvm.core.error.EbpfException(where + ": no instructions");
        }
        if (output == null) {
            System.out.println(HexFormat.of().formatHex(bytes));
        } else {
            try {
                Files.write(output, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ExitCodes.OK;
    }

    /** Prefixes errors with the file name, so the one line says where. */
    static <T> T withSource(String where, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (io.ebpfjvm.core.error.EbpfException e) {
            throw new io.ebpfjvm.core.error.EbpfException(where + ": " + e.getMessage(), e);
        }
    }
}
