package io.ebpfjvm.core.context;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * x86-64 {@code struct pt_regs}, the context of kprobe and uprobe programs: 21 eight-byte
 * registers in the kernel's order. The caller fills the registers a probe would have seen;
 * libbpf's {@code PT_REGS_PARM1..5(ctx)} read {@link Register#DI}, {@link Register#SI},
 * {@link Register#DX}, {@link Register#CX}, {@link Register#R8}, {@code PT_REGS_RC(ctx)}
 * reads {@link Register#AX} and {@code PT_REGS_IP(ctx)} {@link Register#IP}.
 *
 * <pre>{@code
 * byte[] regs = new PtRegs().set(PtRegs.Register.DI, 42).set(PtRegs.Register.IP, 0xffffffff81000000L).bytes();
 * long r0 = kprobe.run(regs);
 * }</pre>
 */
public final class PtRegs {
    /** {@code sizeof(struct pt_regs)} on x86-64. */
    public static final int SIZE = 168;

    /** The registers in {@code struct pt_regs} order; {@link #offset()} is the byte offset. */
    public enum Register {
        R15, R14, R13, R12, BP, BX, R11, R10, R9, R8, AX, CX, DX, SI, DI, ORIG_AX, IP, CS, FLAGS, SP, SS;

        public int offset() {
            return ordinal() * 8;
        }
    }

    /** The registers carrying function arguments 1..6 in the x86-64 calling convention (syscalls use R10 for the 4th). */
    public static final Register[] ARGUMENTS = {Register.DI, Register.SI, Register.DX, Register.CX, Register.R8, Register.R9};

    private final ByteBuffer regs = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);

    public PtRegs set(Register r, long value) {
        regs.putLong(r.offset(), value);
        return this;
    }

    /** Sets function argument {@code n} (1-based, as {@code PT_REGS_PARMn}). */
    public PtRegs argument(int n, long value) {
        if (n < 1 || n > ARGUMENTS.length) {
            throw new IllegalArgumentException("argument " + n + ": expected 1.." + ARGUMENTS.length);
        }
        return set(ARGUMENTS[n - 1], value);
    }

    public long get(Register r) {
        return regs.getLong(r.offset());
    }

    /** A copy of the structure's bytes, the memory to run a kprobe program on. */
    public byte[] bytes() {
        return regs.array().clone();
    }
}
