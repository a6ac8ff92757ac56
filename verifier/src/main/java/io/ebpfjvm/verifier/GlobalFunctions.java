package io.ebpfjvm.verifier;

import io.ebpfjvm.core.elf.ElfFile;
import io.ebpfjvm.core.elf.ElfSection;
import io.ebpfjvm.core.elf.ElfSymbol;
import io.ebpfjvm.core.isa.Instruction;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The bodies of an object's global (non-static) functions in {@code .text}. The kernel verifies
 * a call to such a function without the caller's argument values and hands back only "a
 * number", so the verifier must know which callees are global.
 */
public final class GlobalFunctions {
    private static final int STB_GLOBAL = 1;

    private GlobalFunctions() {
    }

    /** Global function bodies of the ELF object {@code elf}, as unrelocated slots. */
    public static List<List<Instruction>> of(byte[] elf) {
        List<List<Instruction>> bodies = new ArrayList<>();
        ElfFile file = ElfFile.parse(elf);
        ElfSection text = file.section(".text").orElse(null);
        if (text == null) {
            return bodies;
        }
        byte[] code = file.contents(text);
        for (ElfSymbol sym : file.symbols()) {
            if (sym.section() != text.index() || sym.type() != ElfSymbol.STT_FUNC || sym.bind() != STB_GLOBAL) {
                continue;
            }
            if (sym.value() % 8 != 0 || sym.size() % 8 != 0 || sym.value() + sym.size() > code.length || sym.size() == 0) {
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(code, (int) sym.value(), (int) sym.size()).order(ByteOrder.LITTLE_ENDIAN);
            List<Instruction> body = new ArrayList<>();
            while (b.remaining() >= 8) {
                int opcode = b.get() & 0xff;
                int regs = b.get() & 0xff;
                short off = b.getShort();
                int imm = b.getInt();
                body.add(new Instruction(opcode, regs & 0xf, regs >>> 4, off, imm));
            }
            bodies.add(body);
        }
        return bodies;
    }

    /** Whether {@code slots} from {@code start} hold {@code body}, wide-load constants aside (relocation rewrites them). */
    static boolean matches(List<Instruction> slots, int start, List<Instruction> body) {
        if (start + body.size() > slots.size()) {
            return false;
        }
        for (int i = 0; i < body.size(); i++) {
            Instruction a = slots.get(start + i);
            Instruction b = body.get(i);
            boolean wide = b.opcode() == io.ebpfjvm.core.isa.Opcodes.LDDW
                || (i > 0 && body.get(i - 1).opcode() == io.ebpfjvm.core.isa.Opcodes.LDDW);
            if (a.opcode() != b.opcode() || a.dst() != b.dst() || a.offset() != b.offset()
                || (!wide && (a.src() != b.src() || a.imm() != b.imm()))) {
                return false;
            }
        }
        return true;
    }
}
