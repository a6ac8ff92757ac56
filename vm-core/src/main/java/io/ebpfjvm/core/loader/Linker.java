package io.ebpfjvm.core.loader;

import io.ebpfjvm.core.elf.ElfFile;
import io.ebpfjvm.core.elf.ElfRelocation;
import io.ebpfjvm.core.elf.ElfSection;
import io.ebpfjvm.core.elf.ElfSymbol;
import io.ebpfjvm.core.error.ElfFormatException;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.InstructionDecoder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Builds one program: the entry function's instructions, then each function it reaches
 * (through calls or {@code lddw} function references, relocated or not), each appended once,
 * with call offsets, map references and global-data references rewritten.
 */
final class Linker {
    private static final int R_BPF_64_64 = 1;
    private static final int R_BPF_64_ABS64 = 2;
    private static final int R_BPF_64_ABS32 = 3;
    private static final int R_BPF_64_32 = 10;

    /** A relocation applied to one slot of a code section. */
    private record Reloc(int type, ElfSymbol symbol) {
    }

    private final ElfFile elf;
    private final MapCollector maps;
    private final Map<Integer, List<Instruction>> code = new HashMap<>();
    private final Map<Integer, Map<Integer, Reloc>> relocs = new HashMap<>();

    Linker(ElfFile elf, MapCollector maps) {
        this.elf = elf;
        this.maps = maps;
    }

    private List<Instruction> code(ElfSection s) {
        return code.computeIfAbsent(s.index(), i -> {
            byte[] bytes = elf.contents(s);
            if (bytes.length % 8 != 0) {
                throw new ElfFormatException("section " + s.name() + ": size " + bytes.length + " is not a multiple of 8");
            }
            return InstructionDecoder.decodeSlots(bytes, 0, bytes.length);
        });
    }

    private Map<Integer, Reloc> relocs(ElfSection target) {
        return relocs.computeIfAbsent(target.index(), i -> readRelocs(target));
    }

    private Map<Integer, Reloc> readRelocs(ElfSection target) {
        Map<Integer, Reloc> out = new HashMap<>();
        for (ElfRelocation r : ElfRelocation.of(elf, target)) {
            if (r.offset() % 8 != 0) {
                throw new ElfFormatException("section " + target.name() + ": relocation at offset " + r.offset()
                    + " is not on an instruction boundary");
            }
            out.put((int) (r.offset() / 8), new Reloc(r.type(), r.symbol()));
        }
        return out;
    }

    /** A function being placed: its section, its first slot there, its length in slots. */
    private record Function(ElfSection section, int start, int length) {
    }

    /** Where a function's slots {@code start..start+length} of {@code section} went: from output slot {@code base} on. */
    record Placement(ElfSection section, int start, int length, int base) {
    }

    /** A linked program: its slots and where each function of the object was placed. */
    record Linked(List<Instruction> slots, List<Placement> placements) {
    }

    /** Something the program uses that cannot run here (kfunc, extern); only this program fails. */
    static final class Unsupported extends ElfFormatException {
        Unsupported(String message) {
            super(message);
        }
    }

    /** Deepest chain of calls into not yet placed functions; deeper means a hostile object. */
    private static final int MAX_DEPTH = 512;

    /**
     * Links the program starting at {@code entry}. Functions are laid out as libbpf lays them
     * out for the kernel: the entry function, then each function the first time an
     * instruction refers to it, appended at that moment and processed at once (depth first),
     * so instruction indexes agree with the kernel's verifier log.
     */
    Linked link(ElfSection section, ElfSymbol entry) {
        Job job = new Job();
        job.emit(function(section, (int) (entry.value() / 8), entry), 0);
        for (long[] c : job.calls) {
            int pc = (int) c[0];
            int target = job.placed.get(c[1]) + (int) c[2];
            Instruction insn = job.out.get(pc);
            job.out.set(pc, Instruction.of(insn.opcode(), insn.dst(), insn.src(), insn.offset(), target - (pc + 1)));
        }
        return new Linked(job.out, List.copyOf(job.placements));
    }

    /** The state of one link: output slots, where each function went, references to patch. */
    private final class Job {
        final List<Instruction> out = new ArrayList<>();
        final Map<Long, Integer> placed = new HashMap<>();
        final List<Placement> placements = new ArrayList<>();
        /** References to patch once every function is placed: (output pc, target key, slot in target). */
        final List<long[]> calls = new ArrayList<>();

        /** Appends {@code f}'s code, then relocates it, appending each function it reaches first. */
        void emit(Function f, int depth) {
            if (depth > MAX_DEPTH) {
                throw new ElfFormatException("section " + f.section().name() + ": calls nested more than " + MAX_DEPTH
                    + " functions deep");
            }
            List<Instruction> slots = code(f.section());
            Map<Integer, Reloc> rel = relocs(f.section());
            int base = out.size();
            placed.put(key(f), base);
            placements.add(new Placement(f.section(), f.start(), f.length(), base));
            out.addAll(slots.subList(f.start(), f.start() + f.length()));
            for (int i = 0; i < f.length(); i++) {
                int local = f.start() + i;
                Instruction insn = slots.get(local);
                Reloc r = rel.get(local);
                int pc = base + i;
                if (insn.isLddw() && i + 1 < f.length()) {
                    if (r != null) {
                        Instruction[] two = relocateLddw(f, local, insn, r, pc, depth);
                        out.set(pc, two[0]);
                        out.set(pc + 1, two[1]);
                    } else if (insn.src() == BPF_PSEUDO_FUNC) {
                        reference(f.section(), local + 1 + insn.imm(), pc, f, depth);
                    }
                    i++;
                    continue;
                }
                if (insn.opcode() == CALL && (r != null || insn.src() == BPF_PSEUDO_CALL)) {
                    ElfSection targetSection = f.section();
                    long targetSlot = local + 1L + insn.imm();
                    if (r != null) {
                        if (r.type() != R_BPF_64_32) {
                            throw unsupported(f, local, r);
                        }
                        ElfSymbol s = r.symbol();
                        if (s.section() == 0 || s.section() >= elf.sections().size()) {
                            throw new Unsupported("section " + f.section().name() + " insn " + local + ": relocation "
                                + "R_BPF_64_32 against '" + s.name() + "', an external function (kfunc): kfuncs are not supported");
                        }
                        targetSection = elf.sections().get(s.section());
                        targetSlot = s.value() / 8 + insn.imm() + 1L;
                    }
                    out.set(pc, Instruction.of(CALL, 0, BPF_PSEUDO_CALL, 0, 0));
                    reference(targetSection, targetSlot, pc, f, depth);
                } else if (r != null) {
                    throw unsupported(f, local, r);
                }
            }
        }

        private Instruction[] relocateLddw(Function f, int local, Instruction insn, Reloc r, int pc, int depth) {
            if (r.type() != R_BPF_64_64) {
                throw unsupported(f, local, r);
            }
            ElfSymbol s = r.symbol();
            String where = "section " + f.section().name() + " insn " + local;
            if (s.section() == 0 || s.section() >= elf.sections().size()) {
                throw new Unsupported(where + ": relocation R_BPF_64_64 against '" + s.name()
                    + "', an extern variable (kconfig/ksym): not supported");
            }
            ElfSection target = elf.sections().get(s.section());
            Integer map = maps.mapAt(target.index(), s.value());
            if (map != null && (target.name().equals(".maps") || target.name().equals("maps"))) {
                return Instruction.lddw(insn.dst(), BPF_PSEUDO_MAP_FD, map);
            }
            Integer data = maps.dataMap(target.index());
            if (data != null) {
                long offset = s.value() + insn.imm();
                return new Instruction[] {
                    Instruction.of(LDDW, insn.dst(), BPF_PSEUDO_MAP_VALUE, 0, data),
                    Instruction.of(0, 0, 0, 0, (int) offset),
                };
            }
            if (target.isExecutable()) {
                reference(target, s.value() / 8 + insn.imm() / 8, pc, f, depth);
                return Instruction.lddw(insn.dst(), BPF_PSEUDO_FUNC, 0);
            }
            throw new ElfFormatException(where + ": relocation against '" + s.name() + "' in section " + target.name()
                + ", which is no map, global data or code");
        }

        /** The instruction at output {@code pc} refers to {@code slot} of {@code section}: place its function now if new. */
        private void reference(ElfSection section, long slot, int pc, Function from, int depth) {
            Function target = containing(section, slot, from);
            long k = key(target);
            if (!placed.containsKey(k)) {
                emit(target, depth + 1);
            }
            calls.add(new long[] {pc, k, slot - target.start()});
        }
    }

    private Function containing(ElfSection section, long slot, Function from) {
        if (section.index() == from.section().index() && slot >= from.start() && slot < from.start() + from.length()) {
            return from;
        }
        for (ElfSymbol f : elf.functions(section)) {
            long start = f.value() / 8;
            long end = start + Math.max(1, f.size() / 8);
            if (slot >= start && slot < end) {
                return function(section, (int) start, f);
            }
        }
        if (elf.functions(section).isEmpty() && slot >= 0 && slot < section.size() / 8) {
            return new Function(section, 0, (int) (section.size() / 8));
        }
        throw new ElfFormatException("section " + from.section().name() + ": call or reference to slot " + slot
            + " of " + section.name() + ", which is in no function");
    }

    private Function function(ElfSection section, int start, ElfSymbol symbol) {
        long length = symbol.size() > 0 ? symbol.size() / 8 : section.size() / 8 - start;
        if (start < 0 || length <= 0 || start + length > section.size() / 8) {
            throw new ElfFormatException("section " + section.name() + ": function '" + symbol.name()
                + "' lies outside the section");
        }
        return new Function(section, start, (int) length);
    }

    private static long key(Function f) {
        return ((long) f.section().index() << 32) | f.start();
    }

    private ElfFormatException unsupported(Function f, int local, Reloc r) {
        String kind = switch (r.type()) {
            case R_BPF_64_64 -> "R_BPF_64_64";
            case R_BPF_64_ABS64 -> "R_BPF_64_ABS64";
            case R_BPF_64_ABS32 -> "R_BPF_64_ABS32";
            case R_BPF_64_32 -> "R_BPF_64_32";
            default -> "type " + r.type();
        };
        return new ElfFormatException("section " + f.section().name() + " insn " + local + ": relocation " + kind
            + " against '" + r.symbol().name() + "' on an instruction it cannot apply to");
    }
}
