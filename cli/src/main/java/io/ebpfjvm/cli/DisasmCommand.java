package io.ebpfjvm.cli;

import io.ebpfjvm.core.asm.Disassembler;
import io.ebpfjvm.core.elf.ElfFile;
import io.ebpfjvm.core.elf.ElfSection;
import io.ebpfjvm.core.elf.ElfSymbol;
import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.InstructionDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ebpf disasm}: program bytes (raw, hex text or an ELF object) to LLVM-syntax text. */
@Command(name = "disasm", mixinStandardHelpOptions = true,
    description = {
        "Disassemble eBPF code into LLVM syntax, in llvm-objdump -d's layout.",
        "FILE is a raw instruction file, hex text, or an ELF object (all program sections, or --section).",
        "The output assembles back to the same bytes with 'ebpf asm'."})
final class DisasmCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "Raw .bin, hex text, ELF .o, or - for standard input.")
    String input;

    @Option(names = {"-s", "--section"}, paramLabel = "S", description = "Only this section of an ELF object.")
    String section;

    @Override
    public Integer call() {
        String where = "-".equals(input) ? "<stdin>" : input;
        byte[] data = Inputs.readBytes(input, System.in);
        StringBuilder out = new StringBuilder();
        if (ElfFile.isElf(data)) {
            ElfFile elf = ElfPrograms.parse(data, where);
            List<ElfSection> sections = section == null ? elf.programSections()
                : List.of(ElfPrograms.section(elf, section, where));
            out.append('\n').append(Path.of(where).getFileName()).append(":\tfile format elf64-bpf\n");
            for (ElfSection s : sections) {
                out.append("\nDisassembly of section ").append(s.name()).append(":\n");
                appendSection(out, elf, s, where);
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

    private static void appendSection(StringBuilder out, ElfFile elf, ElfSection s, String where) {
        byte[] code = elf.contents(s);
        Map<Integer, String> symbols = new HashMap<>();
        for (ElfSymbol f : elf.functions(s)) {
            if (f.value() % 8 == 0) {
                symbols.putIfAbsent((int) (f.value() / 8), String.format("%016x <%s>:", f.value(), f.name()));
            }
        }
        String[] lines = Disassembler.disassemble(slots(code, where + " section " + s.name())).split("\n");
        if (!symbols.containsKey(0)) {
            out.append('\n');
        }
        for (String line : lines) {
            int colon = line.indexOf(':');
            int index = Integer.parseInt(line.substring(0, colon).trim());
            String symbol = symbols.get(index);
            if (symbol != null) {
                out.append('\n').append(symbol).append('\n');
            }
            out.append(line).append('\n');
        }
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
