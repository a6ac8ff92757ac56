package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.elf.ElfFile;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.InstructionEncoder;
import io.ebpfjvm.core.testing.InstructionForms;
import io.ebpfjvm.core.testing.LlvmObjdump;
import io.ebpfjvm.core.testing.ProgramArbitraries;
import io.ebpfjvm.core.testing.Tools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.ebpfjvm.core.isa.Opcodes.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * LLVM 19 as the oracle on random valid programs covering every instruction form, not only
 * on what clang happens to emit: llvm-objdump-19 prints the same listing as our disassembler
 * (apart from the documented extensions), and llvm-mc-19 assembles our text to the same bytes.
 */
class LlvmOracleTest {
    private static final List<Instruction> SLOTS = new ArrayList<>();

    @BeforeAll
    static void programs() {
        Random random = new Random(9669);
        for (int i = 0; i < 500; i++) {
            SLOTS.addAll(ProgramArbitraries.generate(random, 1 + random.nextInt(40)).slots());
        }
    }

    @Test
    void theSampleCoversEveryInstructionForm() {
        Set<String> all = InstructionForms.allValidForms();
        assertEquals(Set.of(), InstructionForms.missing(all, InstructionForms.formsIn(SLOTS)));
    }

    @Test
    void ourListingIsLlvmObjdumps(@TempDir Path tmp) throws Exception {
        assumeTrue(LlvmObjdump.available() && Tools.find(LlvmObjdump.MC) != null, "LLVM 19 tools not installed");
        StringBuilder raw = new StringBuilder();
        for (Instruction insn : SLOTS) {
            raw.append(String.format(".8byte 0x%016x%n", word(insn)));
        }
        Path object = mc(tmp, raw.toString());
        Map<Integer, LlvmObjdump.Line> plain = LlvmObjdump.listing(object).get(".text");
        Map<Integer, LlvmObjdump.Line> v4 = LlvmObjdump.listing(object, "--mcpu=v4").get(".text");
        String[] ours = Disassembler.disassemble(SLOTS).split("\n");
        int line = 0;
        for (int pc = 0; pc < SLOTS.size(); pc++, line++) {
            Instruction insn = SLOTS.get(pc);
            Instruction next = pc + 1 < SLOTS.size() ? SLOTS.get(pc + 1) : null;
            LlvmObjdump.Line llvm = plain.get(pc);
            assertNotNull(llvm, "llvm-objdump shows no instruction " + pc);
            String text = LlvmObjdump.expectedText(insn, next, llvm.text(), v4.get(pc).text());
            assertEquals(new LlvmObjdump.Line(pc, llvm.bytes(), text).layout(), ours[line], "instruction " + pc);
            if (insn.isLddw()) {
                pc++;
            }
        }
        assertEquals(line, ours.length);
    }

    @Test
    void llvmMcAssemblesOurText(@TempDir Path tmp) throws Exception {
        assumeTrue(Tools.find(LlvmObjdump.MC) != null, "llvm-mc-19 not installed");
        StringBuilder source = new StringBuilder();
        int asText = 0;
        String[] ours = Disassembler.disassemble(SLOTS).split("\n");
        int line = 0;
        for (int pc = 0; pc < SLOTS.size(); pc++, line++) {
            Instruction insn = SLOTS.get(pc);
            Instruction next = pc + 1 < SLOTS.size() ? SLOTS.get(pc + 1) : null;
            if (isExtension(insn, next)) {
                // Our extension spellings are not LLVM's: give llvm-mc the raw words.
                source.append(String.format(".8byte 0x%016x%n", word(insn)));
                if (insn.isLddw()) {
                    source.append(String.format(".8byte 0x%016x%n", word(next)));
                }
            } else {
                source.append(ours[line].split("\t", 3)[2]).append('\n');
                asText++;
            }
            if (insn.isLddw()) {
                pc++;
            }
        }
        ElfFile elf = ElfFile.parse(Files.readAllBytes(mc(tmp, source.toString())));
        byte[] text = elf.contents(elf.section(".text").orElseThrow());
        assertEquals(HexFormat.of().formatHex(InstructionEncoder.encode(SLOTS)), HexFormat.of().formatHex(text));
        assertTrue(asText > SLOTS.size() * 8 / 10, "lines given to llvm-mc as text: " + asText);
    }

    /** Our spellings for what llvm's text cannot say. */
    private static boolean isExtension(Instruction insn, Instruction next) {
        return insn.opcode() == CALL && (insn.src() != BPF_CALL_HELPER || insn.imm() < 0)
            || insn.isLddw() && insn.src() != BPF_PSEUDO_NONE && next.imm() != 0
            || insn.cls() == BPF_LD && mode(insn.opcode()) == BPF_IND && insn.imm() != 0;
    }

    private static Path mc(Path dir, String source) throws Exception {
        Path s = dir.resolve("in.s");
        Path o = dir.resolve("out.o");
        Files.writeString(s, source);
        Tools.run(List.of(LlvmObjdump.MC, "-triple", "bpfel", "-mcpu=v4", "-filetype=obj", "-o", o.toString(), s.toString()));
        return o;
    }

    private static long word(Instruction insn) {
        byte[] b = new byte[8];
        InstructionEncoder.encode(insn, b, 0);
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
