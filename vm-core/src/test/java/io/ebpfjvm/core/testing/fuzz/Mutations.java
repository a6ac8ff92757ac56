package io.ebpfjvm.core.testing.fuzz;

import io.ebpfjvm.core.isa.Instruction;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Unsafe variants of safe programs, made by undoing one safety check, for tests that a program
 * the verifier rejects is never run: in generated programs (instruction lists) and in the
 * clang-built {@code xdp_acl.o} (its ELF bytes patched in place).
 */
public final class Mutations {
    private Mutations() {
    }

    /**
     * The generator's prologue check {@code if r1 > r8 goto out} (packet shorter than the window)
     * turned into {@code if r1 < r8}: every packet access after it is unproven.
     */
    public static List<Instruction> flipPacketCheck(List<Instruction> slots) {
        List<Instruction> out = new ArrayList<>(slots);
        for (int pc = 0; pc < out.size(); pc++) {
            Instruction i = out.get(pc);
            if (i.opcode() == (BPF_JMP | BPF_JGT | BPF_X) && i.dst() == 1 && i.src() == 8) {
                out.set(pc, Instruction.of(BPF_JMP | BPF_JLT | BPF_X, 1, 8, i.offset(), 0));
                return out;
            }
        }
        throw new IllegalArgumentException("no packet check to flip");
    }

    /**
     * The first {@code if r0 == 0 goto miss} after a hash map lookup replaced by {@code goto +0}:
     * the value accesses behind it may dereference NULL. Null when the program has no such lookup.
     * (Array lookups with a constant key in range are known non-null to the kernel: no check needed.)
     * Only checks at an instruction {@code reachable} accepts count: branches on constants leave
     * dead code, which a verifier never looks at.
     */
    public static List<Instruction> dropNullCheck(List<Instruction> slots, java.util.function.IntPredicate reachable) {
        List<Instruction> out = new ArrayList<>(slots);
        for (int pc = 1; pc < out.size(); pc++) {
            Instruction i = out.get(pc);
            // The generator re-initialises r1..r5 between the call and the check.
            if (i.opcode() == (BPF_JMP | BPF_JEQ | BPF_K) && i.dst() == 0 && i.imm() == 0 && reachable.test(pc)
                && lookupBefore(out, pc)) {
                out.set(pc, Instruction.of(BPF_JMP | BPF_JA, 0, 0, 0, 0));
                return out;
            }
        }
        return null;
    }

    /** A {@code map_lookup_elem} on the hash map (map index 1) shortly before {@code pc}. */
    private static boolean lookupBefore(List<Instruction> slots, int pc) {
        boolean call = false;
        for (int back = pc - 1; back >= 0 && back >= pc - 16; back--) {
            Instruction i = slots.get(back);
            if (i.opcode() == (BPF_JMP | BPF_CALL)) {
                if (call || i.src() != 0 || i.imm() != 1) {
                    return false;
                }
                call = true;
            } else if (call && i.isLddw() && i.src() == BPF_PSEUDO_MAP_FD) {
                return i.imm() == 1;
            }
        }
        return false;
    }

    /** A one-instruction change to {@code xdp_acl.o}, and where and how the verifier must refuse it. */
    public enum AclMutation {
        /** insn 15, {@code if r4 > r2 goto drop} (IP header within data_end) becomes {@code if r4 < r2}. */
        FLIPPED_BOUNDS_CHECK("2d242a0000000000", "ad242a0000000000", 16, "R3 offset is outside of the packet"),
        /** insn 45, {@code if r0 == 0 goto +1} after the rules lookup becomes {@code goto +0}. */
        DROPPED_NULL_CHECK("1500010000000000", "0500000000000000", 46, "invalid mem access 'map_value_or_null'");

        private final String from;
        private final String to;
        /** The instruction the verifier stops at. */
        public final int rejectedAt;
        /** What the kernel's verifier says there (ours must say the same). */
        public final String message;

        AclMutation(String from, String to, int rejectedAt, String message) {
            this.from = from;
            this.to = to;
            this.rejectedAt = rejectedAt;
            this.message = message;
        }

        /** {@code xdp_acl.o}'s bytes with this one instruction changed. */
        public byte[] apply(byte[] elf) {
            byte[] f = HexFormat.of().parseHex(from);
            int at = -1;
            for (int i = 0; i + f.length <= elf.length; i++) {
                if (java.util.Arrays.equals(elf, i, i + f.length, f, 0, f.length)) {
                    if (at >= 0) {
                        throw new IllegalStateException(name() + ": instruction found twice");
                    }
                    at = i;
                }
            }
            if (at < 0) {
                throw new IllegalStateException(name() + ": instruction not found");
            }
            byte[] out = elf.clone();
            System.arraycopy(HexFormat.of().parseHex(to), 0, out, at, f.length);
            return out;
        }
    }
}
