package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.btf.Btf;
import io.ebpfjvm.core.btf.BtfExt;
import io.ebpfjvm.core.btf.CoreRelocationText;
import io.ebpfjvm.core.elf.ElfFile;
import io.ebpfjvm.core.elf.ElfRelocation;
import io.ebpfjvm.core.elf.ElfSection;
import io.ebpfjvm.core.elf.ElfSymbol;
import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.error.ElfFormatException;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.InstructionDecoder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The disassembly of an ELF object's code sections in {@code llvm-objdump -dr}'s layout: the
 * {@code file format} header, a {@code Disassembly of section} line per section, a
 * {@code 0000000000000000 <name>:} line where each function starts, the instructions as
 * {@link Disassembler} prints them, and after an instruction each relocation that patches it,
 * named by symbol as llvm-objdump names it:
 *
 * <pre>
 *       41:	18 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00	r1 = 0x0 ll
 * 		0000000000000148:  R_BPF_64_64	rules
 * </pre>
 *
 * and each CO-RE relocation the object's {@code .BTF.ext} records for it, as llvm-objdump
 * describes them ({@code CO-RE <byte_off> [10] struct hdr::len (0:1)}, see
 * {@link CoreRelocationText}).
 *
 * The {@link Assembler} skips header, section, symbol and relocation lines (and reads an
 * {@code R_BPF_64_32} after a numbered call as marking a local call), so the listing assembles
 * back to the sections' bytes.
 */
public final class ObjectListing {
    private static final int STT_FILE = 4;
    private static final java.util.Comparator<ElfSymbol> BY_TYPE_AND_NAME =
        java.util.Comparator.comparingInt(ElfSymbol::type).thenComparing(ElfSymbol::name);

    private ObjectListing() {
    }

    /**
     * @param elf      the object
     * @param fileName what the header line names (llvm-objdump prints the path it was given)
     * @param sections the code sections to list, in order
     */
    public static String of(ElfFile elf, String fileName, List<ElfSection> sections) {
        StringBuilder out = new StringBuilder();
        out.append('\n').append(fileName).append(":\tfile format elf64-bpf\n");
        Btf btf = null;
        BtfExt ext = BtfExt.empty();
        try {
            btf = elf.section(".BTF").map(b -> Btf.parse(elf.contents(b))).orElse(null);
            Btf types = btf;
            ext = elf.section(".BTF.ext").map(b -> BtfExt.parse(elf.contents(b), types)).orElse(BtfExt.empty());
        } catch (ElfFormatException e) {
            // Like llvm-objdump: broken debug info costs the CO-RE lines, not the listing.
            ext = BtfExt.empty();
        }
        for (ElfSection s : sections) {
            out.append("\nDisassembly of section ").append(s.name()).append(":\n");
            appendSection(out, elf, s, btf, ext);
        }
        return out.toString();
    }

    private static void appendSection(StringBuilder out, ElfFile elf, ElfSection s, Btf btf, BtfExt ext) {
        byte[] code = elf.contents(s);
        if (code.length == 0) {
            throw new EbpfException("section " + s.name() + ": no instructions");
        }
        List<Instruction> slots;
        try {
            slots = InstructionDecoder.decodeSlots(code, 0, code.length);
        } catch (EbpfException e) {
            throw new EbpfException("section " + s.name() + ": " + e.getMessage(), e);
        }
        // Named symbols of the section, functions and the local labels hand-written assembly
        // leaves (l0_1): one per address, as llvm-objdump picks it, the last in (type, name)
        // order, so a function wins over a label at its address.
        Map<Integer, ElfSymbol> symbols = new HashMap<>();
        for (ElfSymbol sym : elf.symbols()) {
            if (sym.section() == s.index() && !sym.name().isEmpty() && sym.type() != ElfSymbol.STT_SECTION
                && sym.type() != STT_FILE && sym.value() % 8 == 0 && sym.value() >= 0 && sym.value() < code.length) {
                symbols.merge((int) (sym.value() / 8), sym, (a, b) -> BY_TYPE_AND_NAME.compare(a, b) >= 0 ? a : b);
            }
        }
        Map<Integer, List<String>> relocations = new HashMap<>();
        for (ElfRelocation r : ElfRelocation.of(elf, s)) {
            relocations.computeIfAbsent((int) (r.offset() / 8), k -> new ArrayList<>())
                .add(String.format("\t\t%016x:  %s\t%s", r.offset(), r.typeName(), r.symbolName(elf)));
        }
        for (BtfExt.CoreRelo r : ext.coreRelos(s.name())) {
            if (r.insnOffset() % 8 == 0 && r.insnOffset() < code.length) {
                relocations.computeIfAbsent((int) (r.insnOffset() / 8), k -> new ArrayList<>())
                    .add(String.format("\t\t%016x:  CO-RE %s", r.insnOffset(), CoreRelocationText.of(btf, r)));
            }
        }
        if (!symbols.containsKey(0)) {
            out.append('\n');
        }
        for (String line : Disassembler.disassemble(slots).split("\n")) {
            int colon = line.indexOf(':');
            int index = Integer.parseInt(line.substring(0, colon).trim());
            ElfSymbol symbol = symbols.get(index);
            if (symbol != null) {
                out.append('\n').append(String.format("%016x <%s>:", symbol.value(), symbol.name())).append('\n');
            }
            out.append(line).append('\n');
            // A relocation on either slot of a wide load prints after it, as llvm-objdump does.
            boolean wide = slots.get(index).isLddw() && line.split("\t").length > 1 && line.split("\t")[1].length() > 23;
            for (int slot = index; slot <= index + (wide ? 1 : 0); slot++) {
                for (String r : relocations.getOrDefault(slot, List.of())) {
                    out.append(r).append('\n');
                }
            }
        }
    }
}
