package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.elf.ElfFile;
import io.ebpfjvm.core.elf.ElfSection;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.InstructionDecoder;
import io.ebpfjvm.core.testing.LlvmObjdump;
import io.ebpfjvm.core.testing.Tools;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.ebpfjvm.core.isa.Opcodes.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A whole llvm-objdump listing, header, section and symbol lines, relocations, addresses, bytes
 * and annotations included, assembles to the object's code, up to what the listing's text
 * cannot say. The committed listings ({@code /bpf/*.listing}, made by {@code build.sh}) always
 * run; with llvm-objdump-19 installed, fresh listings of every committed object run too.
 */
class ListingTest {

    private static Path resources() throws Exception {
        return Path.of(ListingTest.class.getResource("/bpf/build.sh").toURI()).getParent();
    }

    @TestFactory
    Stream<DynamicTest> committedListingsAssembleToTheirObjects() throws Exception {
        List<Path> listings;
        try (Stream<Path> s = Files.list(resources())) {
            listings = s.filter(p -> p.toString().endsWith(".listing")).sorted().toList();
        }
        assertEquals(5, listings.size(), listings.toString());
        return listings.stream().map(listing -> DynamicTest.dynamicTest(listing.getFileName().toString(), () -> {
            String name = listing.getFileName().toString();
            check(Files.readString(listing), listing.resolveSibling(name.substring(0, name.indexOf('.')) + ".o"));
        }));
    }

    @TestFactory
    Stream<DynamicTest> freshPlainListingsAssembleToTheirObjects() throws Exception {
        assumeTrue(LlvmObjdump.available(), "llvm-objdump-19 not installed");
        List<Path> objects;
        try (Stream<Path> s = Files.list(resources())) {
            objects = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
        return objects.stream().flatMap(object -> Stream.of(
            DynamicTest.dynamicTest(object.getFileName() + " -d", () ->
                check(Tools.run(List.of(LlvmObjdump.OBJDUMP, "-d", object.toString())), object)),
            // --mcpu=v4 decodes 32-bit atomics, and spells narrow loads and stores with wN.
            DynamicTest.dynamicTest(object.getFileName() + " -d --mcpu=v4", () ->
                check(Tools.run(List.of(LlvmObjdump.OBJDUMP, "-d", "--mcpu=v4", object.toString())), object))));
    }

    private static void check(String listing, Path object) throws Exception {
        ElfFile elf = ElfFile.parse(Files.readAllBytes(object));
        List<Instruction> code = new ArrayList<>();
        for (ElfSection s : elf.programSections()) {
            byte[] bytes = elf.contents(s);
            code.addAll(InstructionDecoder.decodeSlots(bytes, 0, bytes.length));
        }
        assertEquals(lossy(code), lossy(Assembler.assembleSlots(listing)));
    }

    /**
     * What llvm-objdump's text keeps: a call's number but not whether it is a helper, a local
     * call with a positive offset or a kfunc; not LD_IND's immediate; not the second immediate
     * of a wide load with a pseudo source; without a CPU version, not the fetch of a 32-bit
     * fetch-add (printed as a plain lock add). Local calls with a negative offset, and those a
     * {@code -r} listing marks with a relocation, come back exactly; {@code <unknown>} lines come
     * back from their byte column.
     */
    private static List<String> lossy(List<Instruction> slots) {
        List<String> out = new ArrayList<>();
        for (int pc = 0; pc < slots.size(); pc++) {
            Instruction i = slots.get(pc);
            if (i.opcode() == (BPF_STX | BPF_ATOMIC | BPF_W) && i.imm() == (BPF_ADD | BPF_FETCH)) {
                i = Instruction.of(i.opcode(), i.dst(), i.src(), i.offset(), BPF_ADD);
            } else if (i.opcode() == CALL && i.imm() >= 0) {
                i = Instruction.of(CALL, 0, 0, 0, i.imm());
            } else if (i.cls() == BPF_LD && mode(i.opcode()) == BPF_IND) {
                i = Instruction.of(i.opcode(), i.dst(), i.src(), i.offset(), 0);
            } else if (i.isLddw() && i.src() != BPF_PSEUDO_NONE && pc + 1 < slots.size()) {
                out.add(i.toString());
                i = Instruction.of(0, 0, 0, 0, 0);
                pc++;
            }
            out.add(i.toString());
        }
        return out;
    }
}
