package io.ebpfjvm.verifier.state;

import java.util.Arrays;

/**
 * One call frame ({@code struct bpf_func_state}): registers r0..r10 and the 512-byte stack,
 * tracked per byte ({@code STACK_INVALID}, {@code STACK_MISC}, {@code STACK_ZERO},
 * {@code STACK_SPILL}) with the spilled register of each 8-byte slot. Mutable; copied when
 * the verifier forks a path.
 */
public final class FuncState {
    public static final byte STACK_INVALID = 0;
    public static final byte STACK_SPILL = 1;
    public static final byte STACK_MISC = 2;
    public static final byte STACK_ZERO = 3;
    public static final int STACK_BYTES = 512;
    public static final int SLOTS = STACK_BYTES / 8;

    public final Reg[] regs = new Reg[11];
    /** Byte kinds, indexed by {@code -offset - 1} from the frame pointer. */
    public final byte[] slotType = new byte[STACK_BYTES];
    /** The spilled register of each 8-byte slot, indexed by {@code (-offset - 1) / 8}. */
    public final Reg[] spilled = new Reg[SLOTS];
    /** Deepest stack byte touched, as a positive byte count. */
    public int allocatedStack;
    /** The call instruction that created this frame, -1 for the main program. */
    public final int callsite;
    public final int frameNo;
    public final int subprog;
    /** This frame runs a callback a helper invokes (bpf_loop), not a bpf-to-bpf call. */
    public boolean callback;

    public FuncState(int callsite, int frameNo, int subprog) {
        this.callsite = callsite;
        this.frameNo = frameNo;
        this.subprog = subprog;
        Arrays.fill(regs, Reg.notInit());
        Arrays.fill(spilled, Reg.notInit());
        regs[10] = Reg.stack(frameNo);
    }

    public FuncState copy() {
        FuncState c = new FuncState(callsite, frameNo, subprog);
        System.arraycopy(regs, 0, c.regs, 0, regs.length);
        System.arraycopy(slotType, 0, c.slotType, 0, slotType.length);
        System.arraycopy(spilled, 0, c.spilled, 0, spilled.length);
        c.allocatedStack = allocatedStack;
        c.callback = callback;
        return c;
    }

    /** Whether the 8-byte slot {@code spi} holds a spilled register (its top byte is a spill). */
    public boolean isSpilled(int spi) {
        return slotType[spi * 8 + 7] == STACK_SPILL;
    }

    public byte type(int spi, int index) {
        return slotType[spi * 8 + index];
    }

    public void growStack(int bytes) {
        int rounded = (bytes + 7) & ~7;
        if (rounded > allocatedStack) {
            allocatedStack = rounded;
        }
    }
}
