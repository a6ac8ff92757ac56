package io.ebpfjvm.core.memory;

import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.isa.Opcodes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The memory one execution sees: a table of regions, each a window
 * ({@code array[base .. base+length)}) on a {@code byte[]}, addressed by tagged pointers
 * (see {@link Pointers}). One address space belongs to one thread and is reused across runs;
 * mapping a region stores three fields and allocates nothing.
 *
 * <p>Every access is bounds-checked in {@code long} arithmetic; a failed check raises an
 * {@link EbpfRuntimeException} naming the instruction and the region. Multi-byte values are
 * little-endian. Atomic operations are atomic across threads through the VarHandles' atomic
 * access modes, which need the absolute array index naturally aligned; where a caller's
 * buffer offset makes it misaligned, a striped lock keeps them atomic instead.
 */
public final class AddressSpace {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[][] arrays = new byte[Regions.CAPACITY][];
    private final int[] bases = new int[Regions.CAPACITY];
    private final int[] lengths = new int[Regions.CAPACITY];
    private final boolean[] writable = new boolean[Regions.CAPACITY];
    private final byte[] stack = new byte[Opcodes.MAX_CALL_FRAMES * Opcodes.STACK_SIZE];

    public AddressSpace() {
        for (int f = 0; f < Opcodes.MAX_CALL_FRAMES; f++) {
            map(Regions.stackFrame(f), stack, f * Opcodes.STACK_SIZE, Opcodes.STACK_SIZE, true);
        }
    }

    /** Maps {@code array[base .. base+length)} as {@code region}; replaces what was there. */
    public void map(int region, byte[] array, int base, int length, boolean isWritable) {
        if (region <= Regions.NULL || region >= Regions.CAPACITY) {
            throw new IllegalArgumentException("region id " + region + " out of range 1.." + (Regions.CAPACITY - 1));
        }
        if (base < 0 || length < 0 || (long) base + length > array.length) {
            throw new IllegalArgumentException("window [" + base + ", +" + length + ") outside an array of " + array.length);
        }
        if (arrays[region] != array) {
            // A reference store costs a GC write barrier: skip it when the array is already mapped.
            arrays[region] = array;
        }
        bases[region] = base;
        lengths[region] = length;
        writable[region] = isWritable;
    }

    public void unmap(int region) {
        arrays[region] = null;
        lengths[region] = 0;
        writable[region] = false;
    }

    /** The whole stack of all frames (frame f at {@code f * 512}). */
    public byte[] stack() {
        return stack;
    }

    public boolean isMapped(int region) {
        return region >= 0 && region < Regions.CAPACITY && arrays[region] != null;
    }

    /** The array mapped as {@code region}, or null. */
    public byte[] mapped(int region) {
        return arrays[region];
    }

    /** Length of a mapped region in bytes. */
    public int length(int region) {
        return lengths[region];
    }

    /** The array behind the region of {@code address}; pair it with {@link #index}. */
    public byte[] array(long address) {
        return arrays[Pointers.region(address)];
    }

    /**
     * Checks that {@code size} bytes at {@code address} are mapped (and writable when
     * {@code write}) and returns their index in {@link #array(long)}.
     */
    public int index(long address, int size, boolean write, int pc) {
        int region = Pointers.region(address);
        long offset = Pointers.offset(address);
        if (region < 0 || region >= Regions.CAPACITY || arrays[region] == null) {
            throw fault(pc, address, size, write, region == 0 ? "null or scalar pointer" : "unmapped region " + region);
        }
        if (offset + size > lengths[region]) {
            throw new EbpfRuntimeException(pc, "invalid " + (write ? "write" : "read") + " of " + size
                + " bytes at offset " + offset + " of " + Regions.describe(region) + " (size " + lengths[region] + ")");
        }
        if (write && !writable[region]) {
            throw new EbpfRuntimeException(pc, "invalid write of " + size + " bytes to read-only "
                + Regions.describe(region) + " at offset " + offset);
        }
        return bases[region] + (int) offset;
    }

    private static EbpfRuntimeException fault(int pc, long address, int size, boolean write, String why) {
        return new EbpfRuntimeException(pc, "invalid " + (write ? "write" : "read") + " of " + size
            + " bytes at address 0x" + Long.toHexString(address) + ": " + why);
    }

    /** Loads {@code size} (1, 2, 4, 8) bytes, zero-extended. */
    public long load(long address, int size, int pc) {
        int i = index(address, size, false, pc);
        byte[] a = arrays[Pointers.region(address)];
        return switch (size) {
            case 1 -> a[i] & 0xffL;
            case 2 -> (short) SHORT.get(a, i) & 0xffffL;
            case 4 -> (int) INT.get(a, i) & 0xffffffffL;
            default -> (long) LONG.get(a, i);
        };
    }

    /** Stores the low {@code size} bytes of {@code value}. */
    public void store(long address, int size, long value, int pc) {
        int i = index(address, size, true, pc);
        byte[] a = arrays[Pointers.region(address)];
        switch (size) {
            case 1 -> a[i] = (byte) value;
            case 2 -> SHORT.set(a, i, (short) value);
            case 4 -> INT.set(a, i, (int) value);
            default -> LONG.set(a, i, value);
        }
    }

    /**
     * An atomic read-modify-write ({@code BPF_STX | BPF_ATOMIC}) of 4 or 8 bytes.
     *
     * @param op       the atomic operation (imm of the instruction)
     * @param operand  the source register
     * @param expected r0, for cmpxchg
     * @return the old value (zero-extended for 4 bytes)
     */
    public long atomic(long address, int size, int op, long operand, long expected, int pc) {
        if ((Pointers.offset(address) & (size - 1)) != 0) {
            throw new EbpfRuntimeException(pc, "misaligned atomic access of " + size + " bytes at offset "
                + Pointers.offset(address) + " of " + Regions.describe(Pointers.region(address)));
        }
        int i = index(address, size, true, pc);
        return Atomics.apply(arrays[Pointers.region(address)], i, size, op, operand, expected);
    }
}
