package io.ebpfjvm.core.memory;

import io.ebpfjvm.core.isa.Opcodes;

/** Well-known region ids of an {@link AddressSpace}. */
public final class Regions {
    private Regions() {
    }

    /** Never mapped: address 0 and small integers. */
    public static final int NULL = 0;
    /** The program context (xdp_md, __sk_buff, ...). */
    public static final int CONTEXT = 1;
    /** The packet, or the caller's buffer for raw-memory programs. */
    public static final int PACKET = 2;
    /** Stack frame {@code f} (0 = the entry function) is region {@code STACK_FRAME_0 + f}. */
    public static final int STACK_FRAME_0 = 3;
    /** First id for regions shared by all runs: map value storage, global data. */
    public static final int FIRST_SHARED = STACK_FRAME_0 + Opcodes.MAX_CALL_FRAMES;
    /** How many region ids an address space has room for. */
    public static final int CAPACITY = 4096;

    public static int stackFrame(int frame) {
        return STACK_FRAME_0 + frame;
    }

    /** The r10 value of stack frame {@code frame}: one past its top byte. */
    public static long framePointer(int frame) {
        return Pointers.make(stackFrame(frame), Opcodes.STACK_SIZE);
    }

    /** Human-readable name of a region id, for error messages. */
    public static String describe(int region) {
        if (region == NULL) {
            return "null";
        }
        if (region == CONTEXT) {
            return "context";
        }
        if (region == PACKET) {
            return "packet";
        }
        if (region >= STACK_FRAME_0 && region < FIRST_SHARED) {
            return "stack frame " + (region - STACK_FRAME_0);
        }
        return "region " + region;
    }
}
