package io.ebpfjvm.verifier;

import io.ebpfjvm.verifier.state.Reg;
import io.ebpfjvm.verifier.state.RegType;

/**
 * What every verified path proves about registers r0..r9 just before each instruction: the
 * register holds a number whose signed 64-bit value lies in a range inside {@code int}, or a
 * pointer into the packet ({@code data_meta}, {@code data}, {@code data_end} and pointers
 * derived from them). A compiler may keep such a number in 32 bits and compare packet
 * pointers by their offsets.
 *
 * <p>Facts join every state the verifier explored at an instruction. That covers every run:
 * a path cut short by pruning continues as an explored state that contains it, and this
 * verifier prunes only on containment (it compares every scalar as if precise). A register
 * some explored state left uninitialised has no fact.
 */
public final class RegisterFacts {
    private static final int REGS = 10;
    private static final byte UNSEEN = 0;
    private static final byte NONE = 1;
    private static final byte INT_SCALAR = 2;
    private static final byte PACKET = 3;

    private final int size;
    private byte[] kind;
    private int[] min;
    private int[] max;

    RegisterFacts(int size) {
        this.size = size;
    }

    /** Joins the registers of a state about to execute {@code pc}. */
    void record(int pc, Reg[] regs) {
        if (kind == null) {
            kind = new byte[size * REGS];
            min = new int[size * REGS];
            max = new int[size * REGS];
        }
        for (int r = 0; r < REGS; r++) {
            int i = pc * REGS + r;
            Reg reg = regs[r];
            byte k = classify(reg);
            if (kind[i] == UNSEEN) {
                kind[i] = k;
                if (k == INT_SCALAR) {
                    min[i] = (int) reg.var().smin();
                    max[i] = (int) reg.var().smax();
                }
            } else if (kind[i] != k) {
                kind[i] = NONE;
            } else if (k == INT_SCALAR) {
                min[i] = Math.min(min[i], (int) reg.var().smin());
                max[i] = Math.max(max[i], (int) reg.var().smax());
            }
        }
    }

    private static byte classify(Reg reg) {
        if (reg.type() == RegType.SCALAR) {
            long lo = reg.var().smin();
            long hi = reg.var().smax();
            return lo >= Integer.MIN_VALUE && hi <= Integer.MAX_VALUE ? INT_SCALAR : NONE;
        }
        boolean packet = reg.type() == RegType.PACKET || reg.type() == RegType.PACKET_META || reg.type() == RegType.PACKET_END;
        return packet && !reg.nullable() ? PACKET : NONE;
    }

    private byte kind(int pc, int r) {
        return kind == null || pc < 0 || pc >= size || r < 0 || r >= REGS ? UNSEEN : kind[pc * REGS + r];
    }

    /** Whether register {@code r} holds, on every path reaching {@code pc}, a number within {@code int}. */
    public boolean intScalar(int pc, int r) {
        return kind(pc, r) == INT_SCALAR;
    }

    /** The smallest value of {@code r} at {@code pc} when {@link #intScalar}; undefined otherwise. */
    public int min(int pc, int r) {
        return intScalar(pc, r) ? min[pc * REGS + r] : Integer.MIN_VALUE;
    }

    /** The largest value of {@code r} at {@code pc} when {@link #intScalar}; undefined otherwise. */
    public int max(int pc, int r) {
        return intScalar(pc, r) ? max[pc * REGS + r] : Integer.MAX_VALUE;
    }

    /** Whether register {@code r} points into the packet (meta, data or end) on every path reaching {@code pc}. */
    public boolean packetPointer(int pc, int r) {
        return kind(pc, r) == PACKET;
    }

    /** Facts that prove nothing: what an unverified program has. */
    public static RegisterFacts none() {
        return new RegisterFacts(0);
    }
}
