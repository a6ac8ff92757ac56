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
    /** Most maps one program may use. */
    public static final int MAX_MAPS = 1024;
    /**
     * A map handle ({@code lddw} with a map reference) is a pointer into region
     * {@code MAP_HANDLE_0 + map index}, which is never mapped: the handle names the map for
     * helpers, and dereferencing it faults.
     */
    public static final int MAP_HANDLE_0 = FIRST_SHARED + MAX_MAPS;
    /** How many region ids an address space has room for. */
    public static final int CAPACITY = MAP_HANDLE_0 + MAX_MAPS;
    /**
     * A function pointer ({@code lddw} with {@code BPF_PSEUDO_FUNC}, the callback of
     * {@code bpf_loop}) is {@code (CODE, instruction index)}: a region never mapped.
     */
    public static final int CODE = CAPACITY;

    /** Region holding the values of map {@code index}. */
    public static int mapValues(int index) {
        return FIRST_SHARED + index;
    }

    /** The handle pointer of map {@code index}. */
    public static long mapHandle(int index) {
        return Pointers.make(MAP_HANDLE_0 + index, 0);
    }

    /** The map index a handle pointer names, or -1. */
    public static int mapOfHandle(long pointer) {
        int region = Pointers.region(pointer);
        return region >= MAP_HANDLE_0 && region < MAP_HANDLE_0 + MAX_MAPS && Pointers.offset(pointer) == 0
            ? region - MAP_HANDLE_0 : -1;
    }

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
        if (region >= FIRST_SHARED && region < MAP_HANDLE_0) {
            return "map " + (region - FIRST_SHARED) + " values";
        }
        if (region >= MAP_HANDLE_0 && region < CAPACITY) {
            return "map " + (region - MAP_HANDLE_0) + " handle";
        }
        return "region " + region;
    }
}
