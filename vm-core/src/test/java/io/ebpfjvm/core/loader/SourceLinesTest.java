package io.ebpfjvm.core.loader;

import io.ebpfjvm.core.elf.ElfFile;
import io.ebpfjvm.core.elf.ElfSection;
import io.ebpfjvm.core.elf.ElfSymbol;
import io.ebpfjvm.core.error.ElfFormatException;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.InstructionDecoder;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.ebpfjvm.core.isa.Opcodes.*;
import static org.junit.jupiter.api.Assertions.*;

/** {@code .BTF.ext}: line and function info relocated per program, CO-RE and kfunc refusal per program, bad input. */
class SourceLinesTest {

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = SourceLinesTest.class.getResourceAsStream("/bpf/" + name)) {
            return in.readAllBytes();
        }
    }

    private static List<String> sourceLines(String name) throws Exception {
        return new String(resource(name), StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void everyLineRecordQuotesItsSourceLineAndEveryFunctionStartsWithOne() throws Exception {
        int checked = 0;
        for (String name : List.of("xdp_acl", "subprogs", "sock_filter", "lpm_blocklist", "tail_chain", "tc_nat")) {
            BpfObject o = ObjectLoader.load(resource(name + ".o"), name + ".o");
            List<String> source = sourceLines(name + ".c");
            for (ProgramSpec p : o.programs()) {
                assertFalse(p.source().lines().isEmpty(), p.name());
                assertEquals(p.name(), p.source().functions().get(0).name());
                for (SourceMap.Entry e : p.source().lines()) {
                    SourceLine l = e.line();
                    assertEquals(name + ".c", l.fileName());
                    assertEquals(source.get(l.line() - 1).strip(), l.text().strip(), name + " " + p.name() + " insn " + e.insn());
                    assertTrue(e.insn() >= 0 && e.insn() < p.slots().size());
                    checked++;
                }
                for (SourceMap.FunctionStart f : p.source().functions()) {
                    // clang opens every function with a line record (the signature, or the first statement).
                    assertTrue(p.source().lines().stream().anyMatch(e -> e.insn() == f.insn()),
                        p.name() + ": no line record at the start of " + f.name());
                }
            }
        }
        assertTrue(checked > 200, "line records checked: " + checked);
    }

    /**
     * Each line record of an appended subprogram lands on the instruction it described in the
     * object's section: the linked slot equals the section's slot (both are the same instruction,
     * calls and wide loads aside, which relocation rewrites).
     */
    @Test
    void subprogramLinesAreMovedWithTheirCode() throws Exception {
        byte[] bytes = resource("subprogs.o");
        ElfFile elf = ElfFile.parse(bytes);
        ElfSection text = elf.section(".text").orElseThrow();
        byte[] code = elf.contents(text);
        List<Instruction> textSlots = InstructionDecoder.decodeSlots(code, 0, code.length);
        ProgramSpec hash = ObjectLoader.load(bytes, "subprogs.o").program("socket_hash").orElseThrow();
        List<String> names = hash.source().functions().stream().map(SourceMap.FunctionStart::name).toList();
        assertEquals(List.of("socket_hash", "checksum", "mix"), names);
        for (SourceMap.FunctionStart f : hash.source().functions().subList(1, 3)) {
            ElfSymbol sym = elf.functions(text).stream().filter(s -> s.name().equals(f.name())).findFirst().orElseThrow();
            int start = (int) (sym.value() / 8);
            for (int i = 0; i < sym.size() / 8; i++) {
                Instruction ours = hash.slots().get(f.insn() + i);
                Instruction theirs = textSlots.get(start + i);
                if (ours.opcode() != CALL && !ours.isLddw() && !(i > 0 && hash.slots().get(f.insn() + i - 1).isLddw())) {
                    assertEquals(theirs, ours, f.name() + " +" + i);
                }
            }
            // Every local call of the program lands on a function start.
        }
        List<Integer> starts = hash.source().functions().stream().map(SourceMap.FunctionStart::insn).toList();
        for (int pc = 0; pc < hash.slots().size(); pc++) {
            Instruction insn = hash.slots().get(pc);
            if (insn.isLocalCall()) {
                assertTrue(starts.contains(pc + 1 + insn.imm()), "call at " + pc + " lands on " + (pc + 1 + insn.imm()));
            }
        }
        // Between records, the nearest preceding one answers; a function's first record is its own.
        SourceMap.FunctionStart mix = hash.source().functions().get(2);
        assertTrue(hash.sourceLine(mix.insn()).orElseThrow().text().contains("h ^= v + salt"));
        assertEquals(hash.sourceLine(mix.insn()), hash.sourceLine(mix.insn() + 1));
        assertTrue(hash.sourceLine(mix.insn()).orElseThrow().kernelStyle().matches("; h \\^= .* @ subprogs\\.c:9"),
            hash.sourceLine(mix.insn()).orElseThrow().kernelStyle());
    }

    @Test
    void coreAndKfuncFailOnlyTheProgramsUsingThem() throws Exception {
        BpfObject o = ObjectLoader.load(resource("core_mixed.o"), "core_mixed.o");
        assertEquals(List.of("plain_pass", "reads_core", "calls_kfunc"), o.programs().stream().map(ProgramSpec::name).toList());
        assertEquals(2, o.program("plain_pass").orElseThrow().program().size());
        ElfFormatException core = assertThrows(ElfFormatException.class, () -> o.program("reads_core").orElseThrow().program());
        assertEquals("program reads_core (section xdp): section xdp insn 8: CO-RE relocation FIELD_BYTE_OFFSET of struct hdr "
            + "(access 0:1) is not supported; build without __builtin_preserve_access_index / BPF_CORE_READ", core.getMessage());
        ElfFormatException kfunc = assertThrows(ElfFormatException.class, () -> o.program("calls_kfunc").orElseThrow().program());
        assertEquals("program calls_kfunc (section tc): section tc insn 0: relocation R_BPF_64_32 against 'bpf_rcu_read_lock', "
            + "an external function (kfunc): kfuncs are not supported", kfunc.getMessage());
    }

    /** Field offsets of the .BTF.ext header and its first line_info section, for targeted corruption. */
    private record Ext(int at, int headerLength, int funcOff, int lineOff) {
        static Ext of(byte[] object) {
            ElfFile elf = ElfFile.parse(object);
            ElfSection s = elf.section(".BTF.ext").orElseThrow();
            ByteBuffer b = ByteBuffer.wrap(object).order(ByteOrder.LITTLE_ENDIAN);
            int at = (int) s.offset();
            int hl = b.getInt(at + 4);
            return new Ext(at, hl, at + hl + b.getInt(at + 8), at + hl + b.getInt(at + 16));
        }
    }

    private static String failure(byte[] object) {
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ObjectLoader.load(object, "bad.o"));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private static byte[] with(byte[] good, int at, int value) {
        byte[] bad = good.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return bad;
    }

    @Test
    void malformedBtfExtNamesSectionAndOffset() throws Exception {
        byte[] good = resource("subprogs.o");
        Ext e = Ext.of(good);
        assertEquals("bad.o: section .BTF.ext: offset 4: header length 4096, expected 24..",
            failure(with(good, e.at() + 4, 4096)).replaceFirst("\\d+$", ""));
        assertEquals("bad.o: section .BTF.ext: offset " + (e.lineOff() - e.at()) + ": line_info record size 7, expected a "
            + "multiple of 4, at least 16", failure(with(good, e.lineOff(), 7)));
        assertTrue(failure(with(good, e.lineOff() + 8, 1_000_000)).matches(
            "bad\\.o: section \\.BTF\\.ext: offset \\d+: line_info of section '\\.text': 1000000 records of 16 bytes, only \\d+ bytes left"));
        assertTrue(failure(with(good, e.lineOff() + 4, 0x7fff0000)).matches(
            "bad\\.o: section \\.BTF\\.ext: offset \\d+: line_info section name: string offset 2147418112 beyond the \\d+-byte \\.BTF string section"));
        assertTrue(failure(with(good, e.at() + 16, 0x10000)).matches(
            "bad\\.o: section \\.BTF\\.ext: offset 16: line_info at \\d+\\.\\.\\d+ lies outside the \\d+-byte section"));
        assertTrue(failure(with(good, e.at(), 0x1234)).startsWith("bad.o: section .BTF.ext: offset 0: bad magic 0x1234"));
    }

    @Test
    void randomCorruptionOfBtfExtGivesOneLineErrors() throws Exception {
        byte[] good = resource("subprogs.o");
        ElfSection s = ElfFile.parse(good).section(".BTF.ext").orElseThrow();
        Random r = new Random(5);
        int failed = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] bad = good.clone();
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                bad[(int) s.offset() + r.nextInt((int) s.size())] = (byte) r.nextInt(256);
            }
            try {
                ObjectLoader.load(bad, "bad.o");
            } catch (ElfFormatException ex) {
                assertFalse(ex.getMessage().contains("\n"));
                failed++;
            }
        }
        assertTrue(failed > 100, "rejected: " + failed);
    }

    @Test
    void withoutBtfExtThereIsNoSourceButTheProgramLoads() throws Exception {
        List<Instruction> slots = new ArrayList<>(List.of(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1),
            Instruction.of(EXIT, 0, 0, 0, 0)));
        ProgramSpec p = new ProgramSpec("p", "xdp", slots);
        assertTrue(p.sourceLine(0).isEmpty());
        assertTrue(p.isSupported());
    }
}
