package io.ebpfjvm.interp.object;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The smallest relocatable ELF libbpf loads: one program (bytecode in a section whose name
 * gives the program type), a GPL license section and a symbol table naming both. Lets a test
 * hand the kernel exactly the bytes our engines run, without a C compiler.
 */
final class SingleProgramElf {
    private static final int EM_BPF = 247;

    private SingleProgramElf() {
    }

    static byte[] build(String section, byte[] code) {
        byte[] license = "GPL\0".getBytes(StandardCharsets.US_ASCII);
        // .strtab: "\0prog\0LICENSE\0"; .shstrtab: "\0" + section names
        byte[] strtab = "\0prog\0LICENSE\0".getBytes(StandardCharsets.US_ASCII);
        String shnames = "\0" + section + "\0license\0.symtab\0.strtab\0.shstrtab\0";
        byte[] shstrtab = shnames.getBytes(StandardCharsets.US_ASCII);
        int nameSection = 1;
        int nameLicense = nameSection + section.length() + 1;
        int nameSymtab = nameLicense + "license".length() + 1;
        int nameStrtab = nameSymtab + ".symtab".length() + 1;
        int nameShstrtab = nameStrtab + ".strtab".length() + 1;

        ByteBuffer sym = ByteBuffer.allocate(3 * 24).order(ByteOrder.LITTLE_ENDIAN);
        sym.position(24); // symbol 0 is null
        symbol(sym, 1, 0x12, 1, code.length);      // prog: STB_GLOBAL | STT_FUNC in section 1
        symbol(sym, 6, 0x11, 2, license.length);   // LICENSE: STB_GLOBAL | STT_OBJECT in section 2

        int offCode = 64;
        int offLicense = align(offCode + code.length);
        int offSym = align(offLicense + license.length);
        int offStr = offSym + sym.capacity();
        int offShstr = offStr + strtab.length;
        int offSh = align(offShstr + shstrtab.length);

        ByteBuffer out = ByteBuffer.allocate(offSh + 6 * 64).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        out.position(16);
        out.putShort((short) 1).putShort((short) EM_BPF).putInt(1).putLong(0).putLong(0).putLong(offSh);
        out.putInt(0).putShort((short) 64).putShort((short) 0).putShort((short) 0).putShort((short) 64)
            .putShort((short) 6).putShort((short) 5);
        out.put(offCode, code).put(offLicense, license).put(offSym, sym.array()).put(offStr, strtab).put(offShstr, shstrtab);
        out.position(offSh + 64);
        header(out, nameSection, 1, 0x6, offCode, code.length, 0, 0, 8, 0);       // PROGBITS, AX
        header(out, nameLicense, 1, 0x3, offLicense, license.length, 0, 0, 1, 0); // PROGBITS, WA
        header(out, nameSymtab, 2, 0, offSym, sym.capacity(), 4, 1, 8, 24);        // SYMTAB, link .strtab, first global 1
        header(out, nameStrtab, 3, 0, offStr, strtab.length, 0, 0, 1, 0);
        header(out, nameShstrtab, 3, 0, offShstr, shstrtab.length, 0, 0, 1, 0);
        return out.array();
    }

    private static void symbol(ByteBuffer b, int name, int info, int section, long size) {
        b.putInt(name).put((byte) info).put((byte) 0).putShort((short) section).putLong(0).putLong(size);
    }

    private static void header(ByteBuffer b, int name, int type, long flags, long offset, long size, int link, int info,
                               long align, long entsize) {
        b.putInt(name).putInt(type).putLong(flags).putLong(0).putLong(offset).putLong(size).putInt(link).putInt(info)
            .putLong(align).putLong(entsize);
    }

    private static int align(int n) {
        return (n + 7) & ~7;
    }
}
