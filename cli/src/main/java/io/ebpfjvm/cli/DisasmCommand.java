package io.ebpfjvm.cli;

import io.ebpfjvm.core.asm.Disassembler;
import io.ebpfjvm.core.asm.ObjectListing;
import io.ebpfjvm.core.elf.ElfFile;
import io.ebpfjvm.core.elf.ElfSection;
import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.InstructionDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ebpf disasm}: program bytes (raw, hex text or an ELF object) to LLVM-syntax text. */
@Command(name = "disasm", mixinStandardHelpOptions = true,
    description = {
        "Disassemble eBPF code into LLVM syntax, in llvm-objdump -dr's layout (relocations by symbol name).",
        "FILE is a raw instruction file, hex text, or an ELF object (all program sections, or --section).",
        "The output assembles back to the same bytes with 'ebpf asm'."})
final class DisasmCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "Raw .bin, hex text, ELF .o, or - for standard input.")
    String input;

    @Option(names = "--cbpf", paramLabel = "FILE",
        description = "A classic BPF filter (tcpdump -dd text) instead of FILE: shows the eBPF it is translated to.")
    String cbpf;

    @Option(names = {"-s", "--section"}, paramLabel = "S", description = "Only this section of an ELF object.")
    String section;

    @Override
    public Integer call() {
        if (cbpf != null) {
            if (input != null || section != null) {
                throw new EbpfException("give either FILE or --cbpf FILE, not both");
            }
            String text = new String(Inputs.readBytes(cbpf, System.in), StandardCharsets.UTF_8);
            System.out.print(Disassembler.disassemble(io.ebpfjvm.core.cbpf.ClassicTranslator.translate(
                io.ebpfjvm.core.cbpf.ClassicProgram.fromText(text))));
            return ExitCodes.OK;
        }
        if (input == null) {
            throw new EbpfException("no input: give FILE (raw code, hex text or an ELF object) or --cbpf FILE");
        }
        String where = "-".equals(input) ? "<stdin>" : input;
        byte[] data = Inputs.readBytes(input, System.in);
        StringBuilder out = new StringBuilder();
        if (ElfFile.isElf(data)) {
            ElfFile elf = ElfPrograms.parse(data, where);
            List<ElfSection> sections = section == null ? elf.programSections()
                : List.of(ElfPrograms.section(elf, section, where));
            try {
                out.append(ObjectListing.of(elf, Path.of(where).getFileName().toString(), sections));
            } catch (EbpfException e) {
                throw new EbpfException(where + ": " + e.getMessage(), e);
            }
        } else {
            if (section != null) {
                throw new EbpfException(where + ": --section needs an ELF object, this is raw code");
            }
            byte[] code = Inputs.looksLikeHexText(data)
                ? Inputs.parseHex(new String(data, StandardCharsets.US_ASCII), where) : data;
            out.append(Disassembler.disassemble(slots(code, where)));
        }
        System.out.print(out);
        return ExitCodes.OK;
    }

    private static List<Instruction> slots(byte[] code, String where) {
        if (code.length == 0) {
            throw new EbpfException(where + ": no instructions");
        }
        try {
            return InstructionDecoder.decodeSlots(code, 0, code.length);
        } catch (EbpfException e) {
            throw new EbpfException(where + ": " + e.getMessage(), e);
        }
    }
}
