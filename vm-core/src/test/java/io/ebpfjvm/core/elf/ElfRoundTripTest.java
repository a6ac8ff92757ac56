package io.ebpfjvm.core.elf;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.asm.Disassembler;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.InstructionDecoder;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.testing.SharedData;
import io.ebpfjvm.core.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
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

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * clang-built objects: every program section disassembles to text that assembles back to the
 * same bytes, and that text is llvm-objdump-19's (where it is installed). Objects: the
 * project's own test programs (committed, and rebuilt now when clang-19 is installed) and the
 * kernel's verifier test objects in {@code ../shared/verifier-corpus}.
 */
class ElfRoundTripTest {
    private static final Pattern LISTING_LINE = Pattern.compile("^\\s*(\\d+):\\t[0-9a-f ]+\\t(.*)$");

    static List<Path> committedObjects() throws IOException, URISyntaxException {
        Path dir = Path.of(ElfRoundTripTest.class.getResource("/bpf/build.sh").toURI()).getParent();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
    }

    static List<Path> corpusObjects() throws IOException {
        Path dir = SharedData.dir().resolve("verifier-corpus/obj");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".o")).sorted().toList();
        }
    }

    /** Round-trips every valid program section; returns how many sections it checked. */
    static int roundTrip(Path object) throws IOException {
        ElfFile elf = ElfFile.parse(Files.readAllBytes(object));
        int checked = 0;
        for (ElfSection section : elf.programSections()) {
            byte[] code = elf.contents(section);
            // A section alone need not be a whole program (calls into .text, deliberately
            // invalid verifier tests): compare slots, not validated programs.
            List<Instruction> slots = InstructionDecoder.decodeSlots(code, 0, code.length);
            String text = Disassembler.disassemble(slots);
            byte[] back = io.ebpfjvm.core.isa.InstructionEncoder.encode(Assembler.assembleSlots(text));
            assertEquals(HexFormat.of().formatHex(code), HexFormat.of().formatHex(back),
                () -> object.getFileName() + " section " + section.name());
            checked++;
        }
        return checked;
    }

    @Test
    void committedObjectsRoundTrip() throws Exception {
        List<Path> objects = committedObjects();
        assertTrue(objects.size() >= 6, "committed objects: " + objects.size());
        int sections = 0;
        for (Path o : objects) {
            sections += roundTrip(o);
        }
        assertTrue(sections >= 5, "program sections checked: " + sections);
    }

    @Test
    void kernelVerifierObjectsRoundTrip() throws Exception {
        List<Path> objects = corpusObjects();
        assumeTrue(!objects.isEmpty(), "verifier corpus not present");
        int sections = 0;
        for (Path o : objects) {
            sections += roundTrip(o);
        }
        System.out.println("verifier-corpus objects: " + objects.size() + ", program sections round-tripped: " + sections);
        assertTrue(sections >= 60, "sections: " + sections);
    }

    @Test
    void freshlyCompiledObjectsRoundTrip(@TempDir Path tmp) throws Exception {
        assumeTrue(Tools.find("clang-19") != null, "clang-19 not installed");
        Path dir = committedObjects().get(0).getParent();
        String include = "/usr/include/" + System.getProperty("os.arch").replace("amd64", "x86_64") + "-linux-gnu";
        try (Stream<Path> sources = Files.list(dir)) {
            for (Path c : sources.filter(p -> p.toString().endsWith(".c")).toList()) {
                for (String cpu : List.of("v2", "v3", "v4")) {
                    Path out = tmp.resolve(c.getFileName() + "." + cpu + ".o");
                    Tools.run(List.of("clang-19", "-O2", "-g", "-target", "bpf", "-mcpu=" + cpu, "-I" + include,
                        "-c", c.toString(), "-o", out.toString()));
                    assertTrue(roundTrip(out) >= 1, out.toString());
                }
            }
        }
    }

    @Test
    void textMatchesLlvmObjdump() throws Exception {
        assumeTrue(Tools.find("llvm-objdump-19") != null, "llvm-objdump-19 not installed");
        List<Path> objects = new ArrayList<>(committedObjects());
        objects.addAll(corpusObjects());
        int lines = 0;
        for (Path object : objects) {
            Map<String, Map<Integer, String>> plain = listing(object, List.of());
            // Without a CPU version llvm-objdump cannot name 32-bit atomics: take those from -mcpu=v4.
            Map<String, Map<Integer, String>> v4 = listing(object, List.of("--mcpu=v4"));
            ElfFile elf = ElfFile.parse(Files.readAllBytes(object));
            for (ElfSection section : elf.programSections()) {
                byte[] code = elf.contents(section);
                List<Instruction> program = InstructionDecoder.decodeSlots(code, 0, code.length);
                Map<Integer, String> oursByIndex = byIndex(Disassembler.disassemble(program));
                Map<Integer, String> expected = plain.get(section.name());
                assertNotNull(expected, object + ": llvm-objdump shows no section " + section.name());
                for (int pc = 0; pc < program.size(); pc++) {
                    Instruction insn = program.get(pc);
                    String llvm = expected.get(pc);
                    if ("<unknown>".equals(llvm)) {
                        llvm = v4.get(section.name()).get(pc);
                    }
                    String ours = oursByIndex.get(pc);
                    if ("<unknown>".equals(llvm)) {
                        // Not an instruction at all (a deliberately broken verifier test).
                        assertTrue(ours.startsWith(".8byte "), ours);
                        continue;
                    }
                    if (insn.isLocalCall()) {
                        // llvm-objdump prints a local call like a helper call; we mark it.
                        long imm = insn.imm();
                        assertEquals("call " + (imm < 0 ? "-0x" + Long.toHexString(-imm) : "0x" + Long.toHexString(imm)), llvm);
                        assertEquals("call pc" + (imm < 0 ? "-0x" + Long.toHexString(-imm) : "+0x" + Long.toHexString(imm)), ours);
                    } else {
                        int at = pc;
                        assertEquals(llvm, ours, () -> object.getFileName() + " " + section.name() + " insn " + at);
                    }
                    lines++;
                    if (insn.isLddw()) {
                        pc++;
                    }
                }
            }
        }
        System.out.println("instructions compared with llvm-objdump-19: " + lines);
        assertTrue(lines > 100);
    }

    private static Map<Integer, String> byIndex(String listing) {
        Map<Integer, String> out = new HashMap<>();
        for (String line : listing.split("\n")) {
            Matcher m = LISTING_LINE.matcher(line);
            if (m.matches()) {
                out.put(Integer.parseInt(m.group(1)), m.group(2));
            }
        }
        return out;
    }

    /** Section name -> instruction index -> instruction text, from llvm-objdump -d. */
    private static Map<String, Map<Integer, String>> listing(Path object, List<String> flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("llvm-objdump-19", "-d"));
        cmd.addAll(flags);
        cmd.add(object.toString());
        Map<String, Map<Integer, String>> out = new HashMap<>();
        Map<Integer, String> current = null;
        for (String line : Tools.run(cmd).split("\n")) {
            if (line.startsWith("Disassembly of section ")) {
                current = new HashMap<>();
                out.put(line.substring("Disassembly of section ".length(), line.length() - 1), current);
                continue;
            }
            Matcher m = LISTING_LINE.matcher(line);
            if (m.matches() && current != null) {
                current.put(Integer.parseInt(m.group(1)), m.group(2).replaceFirst(" <[^<>]*>$", ""));
            }
        }
        return out;
    }
}
