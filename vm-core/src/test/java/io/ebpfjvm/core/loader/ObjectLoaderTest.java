package io.ebpfjvm.core.loader;

import io.ebpfjvm.core.asm.Disassembler;
import io.ebpfjvm.core.error.ElfFormatException;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.ebpfjvm.core.isa.Opcodes.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ObjectLoaderTest {

    static byte[] resource(String name) throws Exception {
        try (InputStream in = ObjectLoaderTest.class.getResourceAsStream("/bpf/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void btfDefinedMaps() throws Exception {
        BpfObject o = ObjectLoader.load(resource("xdp_acl.o"), "xdp_acl.o");
        assertEquals("GPL", o.license());
        MapSpec rules = o.map("rules").orElseThrow();
        assertEquals(1, rules.type());
        assertEquals(16, rules.keySize());
        assertEquals(4, rules.valueSize());
        assertEquals(1024, rules.maxEntries());
        assertEquals("flow", o.btf().resolve(rules.keyType()).name());
        MapSpec counters = o.map("counters").orElseThrow();
        assertEquals(6, counters.type());
        assertEquals(4, counters.keySize());
        assertEquals(8, counters.valueSize());
        assertEquals(4, counters.maxEntries());
        ProgramSpec p = o.select(null, "xdp");
        assertEquals("xdp_acl", p.name());
        long mapRefs = p.program().slots().stream().filter(i -> i.isLddw() && i.src() == BPF_PSEUDO_MAP_FD).count();
        assertEquals(2, mapRefs, Disassembler.disassemble(p.program()));
    }

    @Test
    void subprogramsAppendedOnceAndGlobalDataRelocated() throws Exception {
        BpfObject o = ObjectLoader.load(resource("subprogs.o"), "subprogs.o");
        assertEquals(List.of("socket_hash", "tc_mark"), o.programs().stream().map(ProgramSpec::name).toList());
        MapSpec rodata = o.map(".rodata").orElseThrow();
        assertTrue(rodata.readOnly());
        assertEquals(0x9e3779b9, java.nio.ByteBuffer.wrap(rodata.initialData()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
        MapSpec bss = o.map(".bss").orElseThrow();
        assertEquals(4, bss.valueSize());
        Program hash = o.program("socket_hash").orElseThrow().program();
        // Every local call lands on an instruction of the program (Program.of checked it),
        // and mix() is called from checksum(): both appended, checksum calls mix.
        long calls = hash.slots().stream().filter(Instruction::isLocalCall).count();
        assertEquals(2, calls, Disassembler.disassemble(hash));
        Program mark = o.program("tc_mark").orElseThrow().program();
        assertTrue(mark.slots().stream().anyMatch(Instruction::isLocalCall));
        assertTrue(mark.slots().stream().anyMatch(i -> i.isLddw() && i.src() == BPF_PSEUDO_MAP_VALUE),
            "mix() reads the .rodata salt through a map-value reference");
    }

    @Test
    void everyKernelVerifierObjectLoads() throws Exception {
        Path dir = SharedData.dir().resolve("verifier-corpus/obj");
        assumeTrue(Files.isDirectory(dir));
        int programs = 0;
        int invalid = 0;
        int unsupported = 0;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                BpfObject o;
                try {
                    o = ObjectLoader.load(Files.readAllBytes(p), p.getFileName().toString());
                } catch (ElfFormatException e) {
                    // Only what the loader documents as unsupported may stop an object.
                    assertTrue(e.getMessage().matches(".*(kfunc|extern variable|CO-RE).*"), e.getMessage());
                    System.out.println("rejected as documented: " + e.getMessage());
                    continue;
                }
                programs += o.programs().size();
                for (ProgramSpec spec : o.programs()) {
                    try {
                        spec.program();
                    } catch (ElfFormatException e) {
                        // A program using what the loader documents as unsupported fails alone, when used.
                        assertFalse(spec.isSupported(), e.getMessage());
                        assertTrue(e.getMessage().matches("program .*: section .* insn \\d+: .*(kfunc|extern variable|CO-RE).*"),
                            e.getMessage());
                        unsupported++;
                    } catch (io.ebpfjvm.core.error.InvalidProgramException e) {
                        invalid++;
                        assertTrue(e.getMessage().contains("program " + spec.name()), e.getMessage());
                    }
                }
            }
        }
        System.out.println("programs loaded from the verifier corpus: " + programs + ", structurally invalid: " + invalid
            + ", unsupported (CO-RE, kfunc, extern): " + unsupported);
        assertTrue(programs > 300, "programs: " + programs);
    }

    @Test
    void corruptedObjectsFailWithElfFormatException() throws Exception {
        byte[] good = resource("subprogs.o");
        Random r = new Random(3);
        for (int i = 0; i < 5000; i++) {
            byte[] bad = good.clone();
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
            }
            try {
                ObjectLoader.load(bad, "bad.o");
            } catch (ElfFormatException | io.ebpfjvm.core.error.InvalidProgramException e) {
                assertFalse(e.getMessage().contains("\n"));
            }
        }
    }
}
