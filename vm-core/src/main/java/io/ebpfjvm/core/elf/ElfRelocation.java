package io.ebpfjvm.core.elf;

import io.ebpfjvm.core.error.ElfFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One {@code Elf64_Rel} entry of a BPF object: the byte offset it patches in the target
 * section, its {@code R_BPF_*} type and the symbol it names.
 *
 * @param offset byte offset in the relocated section (a multiple of 8 for code)
 * @param type   {@link #R_BPF_64_64} (wide load of a map or variable), {@link #R_BPF_64_32}
 *               (call), {@link #R_BPF_64_ABS64}, {@link #R_BPF_64_ABS32} (data, e.g. BTF), ...
 * @param symbol the symbol; for a section symbol its name is empty, see {@link #symbolName}
 */
public record ElfRelocation(long offset, int type, ElfSymbol symbol) {
    public static final int R_BPF_NONE = 0;
    public static final int R_BPF_64_64 = 1;
    public static final int R_BPF_64_ABS64 = 2;
    public static final int R_BPF_64_ABS32 = 3;
    public static final int R_BPF_64_NODYLD32 = 4;
    public static final int R_BPF_64_32 = 10;

    /** The relocation type as binutils and LLVM name it ({@code R_BPF_64_64}). */
    public String typeName() {
        return switch (type) {
            case R_BPF_NONE -> "R_BPF_NONE";
            case R_BPF_64_64 -> "R_BPF_64_64";
            case R_BPF_64_ABS64 -> "R_BPF_64_ABS64";
            case R_BPF_64_ABS32 -> "R_BPF_64_ABS32";
            case R_BPF_64_NODYLD32 -> "R_BPF_64_NODYLD32";
            case R_BPF_64_32 -> "R_BPF_64_32";
            default -> "R_BPF_" + type;
        };
    }

    /** The name llvm-objdump prints: the symbol's, or its section's for a section symbol. */
    public String symbolName(ElfFile elf) {
        if (symbol.type() == ElfSymbol.STT_SECTION && symbol.isInSection()) {
            return elf.sections().get(symbol.section()).name();
        }
        return symbol.name();
    }

    /**
     * Every relocation that applies to {@code target}, from all {@code SHT_REL} sections whose
     * {@code sh_info} names it, in offset order; each checked to lie inside the target and to
     * name an existing symbol.
     */
    public static List<ElfRelocation> of(ElfFile elf, ElfSection target) {
        List<ElfRelocation> out = new ArrayList<>();
        for (ElfSection s : elf.sections()) {
            if (s.type() != ElfSection.SHT_REL || s.info() != target.index()) {
                continue;
            }
            byte[] b = elf.contents(s);
            if (b.length % 16 != 0) {
                throw new ElfFormatException("section " + s.name() + ": size " + b.length + " is not a multiple of 16");
            }
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            for (int at = 0; at < b.length; at += 16) {
                long offset = buf.getLong(at);
                long info = buf.getLong(at + 8);
                long symIndex = info >>> 32;
                if (symIndex >= elf.symbols().size()) {
                    throw new ElfFormatException("section " + s.name() + ": relocation " + at / 16 + " names symbol "
                        + symIndex + ", the table has " + elf.symbols().size());
                }
                if (offset < 0 || offset >= target.size()) {
                    throw new ElfFormatException("section " + s.name() + ": relocation " + at / 16 + " at offset "
                        + offset + " lies outside " + target.name() + " (" + target.size() + " bytes)");
                }
                out.add(new ElfRelocation(offset, (int) info, elf.symbols().get((int) symIndex)));
            }
        }
        out.sort(Comparator.comparingLong(ElfRelocation::offset));
        return out;
    }
}
