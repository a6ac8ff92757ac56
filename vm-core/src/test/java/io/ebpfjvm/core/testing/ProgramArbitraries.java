package io.ebpfjvm.core.testing;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Random structurally valid programs ({@link Program#of} accepts them) covering every
 * instruction form: ALU/ALU64 with both sources (signed division and modulo, sign-extending
 * moves, byte swaps, neg), jumps and JMP32 with in-range targets, {@code gotol}, helper, local
 * and kfunc calls, {@code callx}, wide loads with every pseudo source, packet loads, loads
 * (also sign-extending), stores and all atomics. The programs need not terminate or be safe:
 * they are for tools that read, print or translate code.
 *
 * <p>A program is drawn as a list of per-instruction seeds plus one seed for the jump targets,
 * so jqwik shrinks a failing program by dropping instructions and simplifying seeds, and every
 * shrunk program is still valid.
 */
public final class ProgramArbitraries {
    private ProgramArbitraries() {
    }

    private static final int[] ALU_OPS = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH,
        BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH, BPF_END};
    private static final int[] JUMP_OPS = {BPF_JA, BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT, BPF_JSGE,
        BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE};
    private static final int[] ATOMIC_OPS = {BPF_ADD, BPF_OR, BPF_AND, BPF_XOR, BPF_ADD | BPF_FETCH, BPF_OR | BPF_FETCH,
        BPF_AND | BPF_FETCH, BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG};
    private static final int[] SIZES = {BPF_B, BPF_H, BPF_W, BPF_DW};

    /** Programs of 1 to {@code maxInstructions} instructions (a wide load counts once). */
    public static Arbitrary<Program> validPrograms(int maxInstructions) {
        Arbitrary<List<Long>> seeds = Arbitraries.longs().list().ofMinSize(1).ofMaxSize(maxInstructions);
        return Combinators.combine(seeds, Arbitraries.longs()).as(ProgramArbitraries::build);
    }

    /** One program of {@code count} instructions drawn from {@code random}, for tests outside jqwik. */
    public static Program generate(Random random, int count) {
        List<Long> seeds = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            seeds.add(random.nextLong());
        }
        return build(seeds, random.nextLong());
    }

    /**
     * Slot lists that need not form a program: valid instructions, instructions with one field
     * garbled, and random 64-bit words, mixed. For tools that must cope with anything.
     */
    public static Arbitrary<List<Instruction>> anySlots(int maxSlots) {
        Arbitrary<Instruction> slot = Arbitraries.longs().map(seed -> {
            Random r = new Random(seed);
            return switch (r.nextInt(3)) {
                case 0 -> word(r.nextLong());
                case 1 -> garble(instruction(r)[0], r);
                default -> instruction(r)[0];
            };
        });
        return slot.list().ofMinSize(1).ofMaxSize(maxSlots);
    }

    private static Program build(List<Long> seeds, long targetSeed) {
        List<Instruction> slots = new ArrayList<>();
        List<Boolean> secondHalf = new ArrayList<>();
        List<Integer> needsTarget = new ArrayList<>();
        for (long seed : seeds) {
            Instruction[] insn = instruction(new Random(seed));
            if (hasTarget(insn[0])) {
                needsTarget.add(slots.size());
            }
            for (int i = 0; i < insn.length; i++) {
                slots.add(insn[i]);
                secondHalf.add(i == 1);
            }
        }
        // Targets are drawn once the layout is known, so they can avoid second halves.
        Random r = new Random(targetSeed);
        for (int pc : needsTarget) {
            int target;
            do {
                target = r.nextInt(slots.size());
            } while (secondHalf.get(target));
            slots.set(pc, retarget(slots.get(pc), target - (pc + 1)));
        }
        return Program.of(slots);
    }

    private static boolean hasTarget(Instruction insn) {
        return insn.isJump() || insn.isLocalCall() || (insn.isLddw() && insn.src() == BPF_PSEUDO_FUNC);
    }

    /** Puts a relative target where the instruction keeps it: imm for gotol, calls and function references. */
    private static Instruction retarget(Instruction insn, int rel) {
        boolean inImm = insn.opcode() == (BPF_JMP32 | BPF_JA) || !insn.isJump();
        return inImm ? Instruction.of(insn.opcode(), insn.dst(), insn.src(), insn.offset(), rel)
            : Instruction.of(insn.opcode(), insn.dst(), insn.src(), rel, insn.imm());
    }

    /** One instruction (two slots for a wide load), targets still zero. */
    static Instruction[] instruction(Random r) {
        return switch (r.nextInt(16)) {
            case 0, 1, 2, 3, 4 -> new Instruction[] {alu(r)};
            case 5, 6, 7 -> new Instruction[] {jump(r)};
            case 8 -> new Instruction[] {call(r)};
            case 9 -> wideLoad(r);
            case 10 -> new Instruction[] {packetLoad(r)};
            case 11 -> new Instruction[] {load(r)};
            case 12 -> new Instruction[] {Instruction.of(BPF_ST | BPF_MEM | pick(r, SIZES), reg(r), 0, off(r), imm(r))};
            case 13 -> new Instruction[] {Instruction.of(BPF_STX | BPF_MEM | pick(r, SIZES), reg(r), reg(r), off(r), 0)};
            case 14 -> new Instruction[] {Instruction.of(BPF_STX | BPF_ATOMIC | (r.nextBoolean() ? BPF_W : BPF_DW),
                reg(r), reg(r), off(r), pick(r, ATOMIC_OPS))};
            default -> new Instruction[] {Instruction.of(EXIT, 0, 0, 0, 0)};
        };
    }

    private static Instruction alu(Random r) {
        int cls = r.nextBoolean() ? BPF_ALU64 : BPF_ALU;
        int op = pick(r, ALU_OPS);
        int dst = writable(r);
        if (op == BPF_NEG) {
            return Instruction.of(cls | op, dst, 0, 0, 0);
        }
        if (op == BPF_END) {
            int width = new int[] {16, 32, 64}[r.nextInt(3)];
            int order = cls == BPF_ALU64 ? BPF_K : (r.nextBoolean() ? BPF_TO_BE : BPF_TO_LE);
            return Instruction.of(cls | op | order, dst, 0, 0, width);
        }
        boolean register = r.nextBoolean();
        int off = 0;
        if ((op == BPF_DIV || op == BPF_MOD) && r.nextBoolean()) {
            off = 1; // sdiv / smod
        }
        if (op == BPF_MOV && register && r.nextInt(3) == 0) {
            int[] widths = cls == BPF_ALU64 ? new int[] {8, 16, 32} : new int[] {8, 16};
            off = pick(r, widths); // movsx
        }
        return register ? Instruction.of(cls | op | BPF_X, dst, reg(r), off, 0)
            : Instruction.of(cls | op | BPF_K, dst, 0, off, imm(r));
    }

    private static Instruction jump(Random r) {
        int cls = r.nextBoolean() ? BPF_JMP : BPF_JMP32;
        int op = pick(r, JUMP_OPS);
        if (op == BPF_JA) {
            return Instruction.of(cls | BPF_JA, 0, 0, 0, 0); // goto, or gotol for JMP32
        }
        return r.nextBoolean() ? Instruction.of(cls | op | BPF_X, reg(r), reg(r), 0, 0)
            : Instruction.of(cls | op | BPF_K, reg(r), 0, 0, imm(r));
    }

    private static Instruction call(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> Instruction.of(CALL, 0, BPF_CALL_HELPER, 0, r.nextInt(4) == 0 ? imm(r) : r.nextInt(212));
            case 1 -> Instruction.of(CALL, 0, BPF_PSEUDO_CALL, 0, 0);
            case 2 -> Instruction.of(CALL, 0, BPF_PSEUDO_KFUNC_CALL, r.nextInt(3), r.nextInt(1 << 20));
            default -> Instruction.of(CALLX, r.nextInt(11), 0, 0, 0);
        };
    }

    private static Instruction[] wideLoad(Random r) {
        int src = r.nextInt(BPF_PSEUDO_MAP_IDX_VALUE + 1);
        long value = switch (src) {
            case BPF_PSEUDO_NONE -> r.nextBoolean() ? r.nextLong() : imm(r);
            // A map value reference carries the offset into the value in the second slot.
            case BPF_PSEUDO_MAP_VALUE, BPF_PSEUDO_MAP_IDX_VALUE ->
                (long) (r.nextBoolean() ? 0 : r.nextInt(1 << 12)) << 32 | r.nextInt(1 << 16);
            case BPF_PSEUDO_FUNC -> 0;
            default -> r.nextInt(1 << 16);
        };
        return Instruction.lddw(writable(r), src, value);
    }

    private static Instruction packetLoad(Random r) {
        int size = new int[] {BPF_B, BPF_H, BPF_W}[r.nextInt(3)];
        return r.nextBoolean() ? Instruction.of(BPF_LD | BPF_ABS | size, 0, 0, 0, imm(r))
            : Instruction.of(BPF_LD | BPF_IND | size, 0, reg(r), 0, r.nextBoolean() ? 0 : imm(r));
    }

    private static Instruction load(Random r) {
        int size = pick(r, SIZES);
        boolean signExtend = size != BPF_DW && r.nextInt(3) == 0;
        return Instruction.of(BPF_LDX | (signExtend ? BPF_MEMSX : BPF_MEM) | size, writable(r), reg(r), off(r), 0);
    }

    private static Instruction garble(Instruction insn, Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> Instruction.of(r.nextInt(256), insn.dst(), insn.src(), insn.offset(), insn.imm());
            case 1 -> Instruction.of(insn.opcode(), r.nextInt(16), insn.src(), insn.offset(), insn.imm());
            case 2 -> Instruction.of(insn.opcode(), insn.dst(), r.nextInt(16), insn.offset(), insn.imm());
            case 3 -> Instruction.of(insn.opcode(), insn.dst(), insn.src(), r.nextInt(), insn.imm());
            default -> Instruction.of(insn.opcode(), insn.dst(), insn.src(), insn.offset(), r.nextInt());
        };
    }

    private static Instruction word(long w) {
        return Instruction.of((int) (w & 0xff), (int) (w >>> 8 & 0xf), (int) (w >>> 12 & 0xf), (short) (w >>> 16),
            (int) (w >>> 32));
    }

    private static int pick(Random r, int[] values) {
        return values[r.nextInt(values.length)];
    }

    private static int reg(Random r) {
        return r.nextInt(11);
    }

    /** Any register but the read-only frame pointer. */
    private static int writable(Random r) {
        return r.nextInt(10);
    }

    private static int off(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextInt(33) - 16;
            case 1 -> r.nextBoolean() ? Short.MIN_VALUE : Short.MAX_VALUE;
            default -> (short) r.nextInt();
        };
    }

    private static int imm(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> r.nextInt(17) - 8;
            case 1 -> r.nextInt();
            case 2 -> r.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE;
            case 3 -> r.nextBoolean() ? 0x80 : 0xffff;
            default -> r.nextInt(1 << 20);
        };
    }
}
