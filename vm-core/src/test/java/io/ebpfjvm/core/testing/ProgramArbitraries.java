package io.ebpfjvm.core.testing;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Random structurally valid programs covering every instruction form: ALU/ALU64 with both
 * sources (incl. signed division, sign-extending moves, byte swaps), jumps and JMP32 with
 * in-range targets, {@code gotol}, helper/local/kfunc calls, {@code callx}, wide loads with
 * every pseudo source, packet loads, loads (incl. sign-extending), stores and atomics.
 * Programs are valid for the decoder; they are not meant to terminate or be safe.
 */
public final class ProgramArbitraries {
    private ProgramArbitraries() {
    }

    /** Programs of 1 to {@code maxSlots} instructions (plus the wide-load halves). */
    public static Arbitrary<Program> validPrograms(int maxSlots) {
        return Arbitraries.randomValue(random -> generate(random, 1 + random.nextInt(maxSlots)));
    }

    static Program generate(Random r, int count) {
        // Decide which slots start a wide load first, so jump targets can avoid second halves.
        List<Instruction> slots = new ArrayList<>();
        List<Boolean> isSecondHalf = new ArrayList<>();
        List<int[]> fixups = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int kind = r.nextInt(12);
            if (kind == 0) {
                int src = r.nextInt(7);
                long value = src == 0 ? r.nextLong() : r.nextInt(1 << 16);
                Instruction[] two = Instruction.lddw(r.nextInt(10), src, value);
                if (src == BPF_PSEUDO_FUNC) {
                    fixups.add(new int[] {slots.size(), 1});
                }
                slots.add(two[0]);
                isSecondHalf.add(false);
                slots.add(two[1]);
                isSecondHalf.add(true);
            } else {
                Instruction insn = single(r, kind);
                if (insn.isJump() || insn.isLocalCall()) {
                    fixups.add(new int[] {slots.size(), insn.isLocalCall() || insn.opcode() == (BPF_JMP32 | BPF_JA) ? 1 : 0});
                }
                slots.add(insn);
                isSecondHalf.add(false);
            }
        }
        int n = slots.size();
        for (int[] f : fixups) {
            int pc = f[0];
            int target;
            do {
                target = r.nextInt(n);
            } while (isSecondHalf.get(target));
            int rel = target - (pc + 1);
            Instruction old = slots.get(pc);
            slots.set(pc, f[1] == 1
                ? Instruction.of(old.opcode(), old.dst(), old.src(), old.offset(), rel)
                : Instruction.of(old.opcode(), old.dst(), old.src(), rel, old.imm()));
        }
        return Program.of(slots);
    }

    private static int reg(Random r) {
        return r.nextInt(11);
    }

    private static int writable(Random r) {
        return r.nextInt(10);
    }

    private static int imm(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextInt(16) - 8;
            case 1 -> r.nextInt();
            case 2 -> Integer.MIN_VALUE;
            default -> r.nextInt(1 << 20);
        };
    }

    private static int size(Random r) {
        return new int[] {BPF_B, BPF_H, BPF_W, BPF_DW}[r.nextInt(4)];
    }

    private static Instruction single(Random r, int kind) {
        switch (kind) {
            case 1, 2, 3: {
                int cls = r.nextBoolean() ? BPF_ALU64 : BPF_ALU;
                int[] ops = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_NEG, BPF_MOD,
                    BPF_XOR, BPF_MOV, BPF_ARSH, BPF_END};
                int op = ops[r.nextInt(ops.length)];
                int dst = writable(r);
                if (op == BPF_NEG) {
                    return Instruction.of(cls | op, dst, 0, 0, 0);
                }
                if (op == BPF_END) {
                    int width = new int[] {16, 32, 64}[r.nextInt(3)];
                    int src = cls == BPF_ALU64 ? BPF_K : (r.nextBoolean() ? BPF_TO_BE : BPF_TO_LE);
                    return Instruction.of(cls | op | src, dst, 0, 0, width);
                }
                int off = 0;
                boolean reg = r.nextBoolean();
                if ((op == BPF_DIV || op == BPF_MOD) && r.nextBoolean()) {
                    off = 1;
                }
                if (op == BPF_MOV && reg && r.nextInt(3) == 0) {
                    int[] widths = cls == BPF_ALU64 ? new int[] {8, 16, 32} : new int[] {8, 16};
                    off = widths[r.nextInt(widths.length)];
                }
                return reg ? Instruction.of(cls | op | BPF_X, dst, reg(r), off, 0)
                    : Instruction.of(cls | op | BPF_K, dst, 0, off, imm(r));
            }
            case 4, 5: {
                int cls = r.nextBoolean() ? BPF_JMP : BPF_JMP32;
                int[] ops = {BPF_JA, BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT, BPF_JSGE, BPF_JLT, BPF_JLE,
                    BPF_JSLT, BPF_JSLE};
                int op = ops[r.nextInt(ops.length)];
                if (op == BPF_JA) {
                    return Instruction.of(cls | BPF_JA, 0, 0, 0, 0);
                }
                return r.nextBoolean() ? Instruction.of(cls | op | BPF_X, reg(r), reg(r), 0, 0)
                    : Instruction.of(cls | op | BPF_K, reg(r), 0, 0, imm(r));
            }
            case 6:
                return switch (r.nextInt(5)) {
                    case 0 -> Instruction.of(CALL, 0, BPF_CALL_HELPER, 0, r.nextInt(212));
                    case 1 -> Instruction.of(CALL, 0, BPF_PSEUDO_CALL, 0, 0);
                    case 2 -> Instruction.of(CALL, 0, BPF_PSEUDO_KFUNC_CALL, r.nextInt(3), r.nextInt(100000));
                    case 3 -> Instruction.of(CALLX, r.nextInt(10), 0, 0, 0);
                    default -> Instruction.of(EXIT, 0, 0, 0, 0);
                };
            case 7: {
                int sz = new int[] {BPF_B, BPF_H, BPF_W}[r.nextInt(3)];
                return r.nextBoolean() ? Instruction.of(BPF_LD | BPF_ABS | sz, 0, 0, 0, imm(r))
                    : Instruction.of(BPF_LD | BPF_IND | sz, 0, reg(r), 0, imm(r));
            }
            case 8: {
                int sz = size(r);
                boolean sx = sz != BPF_DW && r.nextInt(3) == 0;
                return Instruction.of(BPF_LDX | (sx ? BPF_MEMSX : BPF_MEM) | sz, writable(r), reg(r),
                    (short) r.nextInt(), 0);
            }
            case 9:
                return Instruction.of(BPF_ST | BPF_MEM | size(r), reg(r), 0, (short) r.nextInt(), imm(r));
            case 10:
                return Instruction.of(BPF_STX | BPF_MEM | size(r), reg(r), reg(r), (short) r.nextInt(), 0);
            default: {
                int[] aops = {BPF_ADD, BPF_OR, BPF_AND, BPF_XOR, BPF_ADD | BPF_FETCH, BPF_OR | BPF_FETCH,
                    BPF_AND | BPF_FETCH, BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG};
                int sz = r.nextBoolean() ? BPF_W : BPF_DW;
                return Instruction.of(BPF_STX | BPF_ATOMIC | sz, reg(r), reg(r), (short) r.nextInt(),
                    aops[r.nextInt(aops.length)]);
            }
        }
    }
}
