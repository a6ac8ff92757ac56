package io.ebpfjvm.core.elf;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.asm.Disassembler;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.InstructionDecoder;
import io.ebpfjvm.core.isa.InstructionEncoder;
import io.ebpfjvm.core.testing.InstructionForms;
import io.ebpfjvm.core.testing.LlvmObjdump;
import io.ebpfjvm.core.testing.SharedData;
import io.ebpfjvm.core.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * clang-built objects: every program section disassembles to text that assembles back to the
 * same bytes, and that text is llvm-objdump-19's (where it is installed) but for the
 * documented extensions. Objects: the project's own test programs in {@code /bpf} (committed,
 * and rebuilt now when clang-19 is installed) and the kernel's verifier test objects in
 * {@code ../shared/verifier-corpus}.
 */
class ElfRoundTripTest {

    static Path resourceDir() throws URISyntaxException {
        return Path.of(ElfRoundTripTest.class.getResource("/bpf/build.sh").toURI()).getParent();
    }

    static List<Path> committedObjects() throws IOException, URISyntaxException {
        return list(resourceDir(), ".o");
    }

    static List<Path> corpusObjects() throws IOException {
        Path dir = SharedData.dir().resolve("verifier-corpus/obj");
        return Files.isDirectory(dir) ? list(dir, ".o") : List.of();
    }

    private static List<Path> list(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static List<Instruction> slots(ElfFile elf, ElfSection section) {
        byte[] code = elf.contents(section);
        return InstructionDecoder.decodeSlots(code, 0, code.length);
    }

    /** Round-trips every program section; returns how many it checked. */
    static int roundTrip(Path object) throws IOException {
        ElfFile elf = ElfFile.parse(Files.readAllBytes(object));
        int checked = 0;
        for (ElfSection section : elf.programSections()) {
            // A section alone need not be a whole program (calls into .text, deliberately
            // invalid verifier tests): compare slots, not validated programs.
            List<Instruction> slots = slots(elf, section);
            byte[] back = InstructionEncoder.encode(Assembler.assembleSlots(Disassembler.disassemble(slots)));
            assertEquals(HexFormat.of().formatHex(elf.contents(section)), HexFormat.of().formatHex(back),
                () -> object.getFileName() + " section " + section.name());
            checked++;
        }
        return checked;
    }

    /** Compares our listing of every program section with llvm-objdump-19's; returns the instructions compared. */
    static int compareWithLlvm(Path object) throws Exception {
        Map<String, Map<Integer, LlvmObjdump.Line>> plain = LlvmObjdump.listing(object);
        Map<String, Map<Integer, LlvmObjdump.Line>> v4 = LlvmObjdump.listing(object, "--mcpu=v4");
        ElfFile elf = ElfFile.parse(Files.readAllBytes(object));
        int compared = 0;
        for (ElfSection section : elf.programSections()) {
            List<Instruction> program = slots(elf, section);
            Map<Integer, LlvmObjdump.Line> ours = LlvmObjdump.lines(Disassembler.disassemble(program));
            Map<Integer, LlvmObjdump.Line> expected = plain.get(section.name());
            assertNotNull(expected, object + ": llvm-objdump shows no section " + section.name());
            for (int pc = 0; pc < program.size(); pc++) {
                Instruction insn = program.get(pc);
                Instruction next = pc + 1 < program.size() ? program.get(pc + 1) : null;
                LlvmObjdump.Line llvm = expected.get(pc);
                LlvmObjdump.Line mine = ours.get(pc);
                int at = pc;
                if (llvm.text().equals("<unknown>") && v4.get(section.name()).get(pc).text().equals("<unknown>")) {
                    // Not an instruction at all (a deliberately broken verifier test).
                    assertTrue(mine.text().startsWith(".8byte "), mine::text);
                } else {
                    String text = LlvmObjdump.expectedText(insn, next, llvm.text(), v4.get(section.name()).get(pc).text());
                    assertEquals(new LlvmObjdump.Line(pc, llvm.bytes(), text).layout(), mine.layout(),
                        () -> object.getFileName() + " " + section.name() + " insn " + at);
                    compared++;
                }
                if (mine.bytes().length() > 23) {
                    pc++; // a wide load's line covers two slots
                }
            }
        }
        return compared;
    }

    @Test
    void everySourceHasItsCommittedObject() throws Exception {
        Set<String> sources = new TreeSet<>();
        for (Path c : list(resourceDir(), ".c")) {
            sources.add(c.getFileName().toString().replaceFirst("\\.c$", ""));
        }
        Set<String> objects = new TreeSet<>();
        for (Path o : committedObjects()) {
            objects.add(o.getFileName().toString().replaceFirst("\\.o$", ""));
        }
        assertEquals(sources, objects);
        assertTrue(objects.size() >= 5, "committed objects: " + objects);
    }

    @Test
    void committedObjectsRoundTrip() throws Exception {
        int sections = 0;
        for (Path o : committedObjects()) {
            sections += roundTrip(o);
        }
        assertTrue(sections >= 8, "program sections checked: " + sections);
    }

    @Test
    void committedObjectsCoverEveryInstructionForm() throws Exception {
        Set<String> seen = new TreeSet<>();
        for (Path o : committedObjects()) {
            ElfFile elf = ElfFile.parse(Files.readAllBytes(o));
            for (ElfSection s : elf.programSections()) {
                seen.addAll(InstructionForms.formsIn(slots(elf, s)));
            }
        }
        assertEquals(Set.of(), InstructionForms.missing(InstructionForms.allValidForms(), seen));
    }

    @Test
    void kernelVerifierObjectsRoundTrip() throws Exception {
        List<Path> objects = corpusObjects();
        assumeTrue(!objects.isEmpty(), "verifier corpus not present");
        int sections = 0;
        for (Path o : objects) {
            sections += roundTrip(o);
        }
        assertTrue(sections >= 60, "sections: " + sections);
    }

    @Test
    void freshlyCompiledObjectsRoundTripAndMatchLlvm(@TempDir Path tmp) throws Exception {
        assumeTrue(Tools.find("clang-19") != null, "clang-19 not installed");
        String include = "/usr/include/" + System.getProperty("os.arch").replace("amd64", "x86_64") + "-linux-gnu";
        int compared = 0;
        for (Path c : list(resourceDir(), ".c")) {
            for (String cpu : List.of("v2", "v3", "v4")) {
                Path out = tmp.resolve(c.getFileName() + "." + cpu + ".o");
                Tools.run(List.of("clang-19", "-O2", "-g", "-target", "bpf", "-mcpu=" + cpu, "-I" + include,
                    "-c", c.toString(), "-o", out.toString()));
                assertTrue(roundTrip(out) >= 1, out.toString());
                if (LlvmObjdump.available()) {
                    compared += compareWithLlvm(out);
                }
            }
        }
        assertTrue(!LlvmObjdump.available() || compared > 1000, "instructions compared: " + compared);
    }

    @Test
    void textMatchesLlvmObjdump() throws Exception {
        assumeTrue(LlvmObjdump.available(), "llvm-objdump-19 not installed");
        List<Path> objects = new ArrayList<>(committedObjects());
        objects.addAll(corpusObjects());
        int compared = 0;
        for (Path object : objects) {
            compared += compareWithLlvm(object);
        }
        assertTrue(compared > 1000, "instructions compared with llvm-objdump-19: " + compared);
    }
}
