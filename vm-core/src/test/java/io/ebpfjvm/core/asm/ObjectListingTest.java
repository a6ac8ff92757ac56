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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link ObjectListing} against {@code llvm-objdump-19 -dr}: the same lines (header, sections,
 * function symbols, instructions, relocations by symbol name), up to the documented
 * differences ({@code <...>} jump annotations, the instruction-text extensions of
 * {@link Disassembler}); and the listing
 * assembles back to exactly the bytes of the object's code sections.
 */
class ObjectListingTest {
    private static final Pattern INSN = Pattern.compile("^\\s*(\\d+):\\t([0-9a-f ]+)\\t(.*?)(?: <[^<>]*>)?$");

    private static Path resources() throws Exception {
        return Path.of(ObjectListingTest.class.getResource("/bpf/build.sh").toURI()).getParent();
    }

    private static List<Path> objects() throws Exception {
        try (Stream<Path> s = Files.list(resources())) {
            return s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> committedDrListingsMatch() throws Exception {
        // The -dr listings build.sh made; all_opcodes has a plain one (.nocpu) and one made with --mcpu=v4.
        return Stream.of("xdp_acl", "subprogs", "sock_filter", "all_opcodes").map(name -> DynamicTest.dynamicTest(name, () -> {
            Path object = resources().resolve(name + ".o");
            boolean both = name.equals("all_opcodes");
            String plain = Files.readString(resources().resolve(name + (both ? ".nocpu.listing" : ".listing")));
            String v4 = Files.readString(resources().resolve(name + ".listing"));
            compare(object, plain, both ? v4 : plain);
        }));
    }

    @TestFactory
    Stream<DynamicTest> freshDrListingsMatch() throws Exception {
        assumeTrue(LlvmObjdump.available(), "llvm-objdump-19 not installed");
        return objects().stream().map(object -> DynamicTest.dynamicTest(object.getFileName().toString(), () -> {
            String plain = Tools.run(List.of(LlvmObjdump.OBJDUMP, "-dr", object.toString()));
            String v4 = Tools.run(List.of(LlvmObjdump.OBJDUMP, "-dr", "--mcpu=v4", object.toString()));
            compare(object, plain, v4);
        }));
    }

    /**
     * The kernel's verifier test objects ({@code ../shared/verifier-corpus/obj}): kfunc calls,
     * callbacks, CO-RE relocations, many sections; every one listed as llvm-objdump-19 -dr lists it.
     */
    @TestFactory
    Stream<DynamicTest> verifierCorpusListingsMatch() throws Exception {
        assumeTrue(LlvmObjdump.available(), "llvm-objdump-19 not installed");
        Path dir = io.ebpfjvm.core.testing.SharedData.dir().resolve("verifier-corpus/obj");
        assumeTrue(Files.isDirectory(dir), "no verifier corpus");
        List<Path> objects;
        try (Stream<Path> s = Files.list(dir)) {
            objects = s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
        return objects.stream().map(object -> DynamicTest.dynamicTest(object.getFileName().toString(), () -> {
            String plain = Tools.run(List.of(LlvmObjdump.OBJDUMP, "-dr", object.toString()));
            String v4 = Tools.run(List.of(LlvmObjdump.OBJDUMP, "-dr", "--mcpu=v4", object.toString()));
            compare(object, plain, v4);
        }));
    }

    @TestFactory
    Stream<DynamicTest> listingsAssembleBackToTheSameBytes() throws Exception {
        return objects().stream().map(object -> DynamicTest.dynamicTest(object.getFileName().toString(), () -> {
            ElfFile elf = ElfFile.parse(Files.readAllBytes(object));
            StringBuilder code = new StringBuilder();
            for (ElfSection s : elf.programSections()) {
                code.append(HexFormat.of().formatHex(elf.contents(s)));
            }
            String listing = ObjectListing.of(elf, object.getFileName().toString(), elf.programSections());
            List<Instruction> back = Assembler.assembleSlots(listing);
            StringBuilder hex = new StringBuilder();
            for (Instruction i : back) {
                byte[] b = new byte[8];
                io.ebpfjvm.core.isa.InstructionEncoder.encode(i, b, 0);
                hex.append(HexFormat.of().formatHex(b));
            }
            assertEquals(code.toString(), hex.toString());
        }));
    }

    private static void compare(Path object, String plain, String v4) throws Exception {
        ElfFile elf = ElfFile.parse(Files.readAllBytes(object));
        String name = object.getFileName().toString();
        List<String> ours = List.of(ObjectListing.of(elf, name, elf.programSections()).split("\n"));
        List<String> expected = expected(plain, v4, name);
        assertEquals(String.join("\n", expected), String.join("\n", ours));
        assertTrue(ours.stream().filter(l -> l.contains("R_BPF_")).count()
            == expected.stream().filter(l -> l.contains("R_BPF_")).count());
    }

    /** llvm's listing with the text our disassembler must print instead of llvm's, line by line. */
    private static List<String> expected(String plain, String v4, String name) {
        Map<String, String> v4Text = new HashMap<>();
        String section = "";
        for (String line : v4.split("\n")) {
            if (line.startsWith("Disassembly of section ")) {
                section = line;
            }
            Matcher m = INSN.matcher(line);
            if (m.matches()) {
                v4Text.put(section + m.group(1), m.group(3));
            }
        }
        List<String> out = new ArrayList<>();
        section = "";
        for (String line : plain.split("\n")) {
            if (line.contains("file format")) {
                out.add(name + ":\tfile format elf64-bpf");
                continue;
            }
            if (line.startsWith("Disassembly of section ")) {
                section = line;
            }
            Matcher m = INSN.matcher(line);
            if (!m.matches()) {
                out.add(line);
                continue;
            }
            byte[] bytes = HexFormat.ofDelimiter(" ").parseHex(m.group(2).trim());
            Instruction insn = InstructionDecoder.decode(bytes, 0);
            Instruction next = bytes.length == 16 ? InstructionDecoder.decode(bytes, 8) : null;
            String text = LlvmObjdump.expectedText(insn, next, m.group(3), v4Text.get(section + m.group(1)));
            out.add(String.format("%8d:\t%s\t%s", Integer.parseInt(m.group(1)), m.group(2).trim(), text));
        }
        return out;
    }
}
