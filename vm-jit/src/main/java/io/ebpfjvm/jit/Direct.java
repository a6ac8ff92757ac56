package io.ebpfjvm.jit;

import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.isa.Opcodes;
import io.ebpfjvm.core.memory.Atomics;
import io.ebpfjvm.core.memory.Regions;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian array accesses emitted for proven memory instructions. Each is tiny so C2
 * inlines it into the generated method; the VarHandles sit in static finals so they fold to
 * plain (bounds-checked) array loads and stores.
 */
public final class Direct {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private Direct() {
    }

    public static long u8(byte[] a, int i) {
        return a[i] & 0xffL;
    }

    public static long u16(byte[] a, int i) {
        return (short) SHORT.get(a, i) & 0xffffL;
    }

    public static long u32(byte[] a, int i) {
        return (int) INT.get(a, i) & 0xffffffffL;
    }

    public static long u64(byte[] a, int i) {
        return (long) LONG.get(a, i);
    }

    /** Network-order (big-endian) 16 bits, zero-extended: the legacy {@code LD_ABS}/{@code LD_IND} loads. */
    public static long be16(byte[] a, int i) {
        return (short) SHORT_BE.get(a, i) & 0xffffL;
    }

    /** Network-order (big-endian) 32 bits, zero-extended. */
    public static long be32(byte[] a, int i) {
        return (int) INT_BE.get(a, i) & 0xffffffffL;
    }

    public static long s8(byte[] a, int i) {
        return a[i];
    }

    public static long s16(byte[] a, int i) {
        return (short) SHORT.get(a, i);
    }

    public static long s32(byte[] a, int i) {
        return (int) INT.get(a, i);
    }

    public static void st8(byte[] a, int i, long v) {
        a[i] = (byte) v;
    }

    public static void st16(byte[] a, int i, long v) {
        SHORT.set(a, i, (short) v);
    }

    public static void st32(byte[] a, int i, long v) {
        INT.set(a, i, (int) v);
    }

    public static void st64(byte[] a, int i, long v) {
        LONG.set(a, i, v);
    }

    /**
     * An atomic instruction on a proven stack slot or map value: {@code a[i]} is at an offset of
     * its region with the same alignment, so a misaligned index faults as the checked path does.
     */
    public static long atomic(byte[] a, int i, int size, int op, long operand, long expected, int pc) {
        if ((i & (size - 1)) != 0) {
            throw new EbpfRuntimeException(pc, "misaligned atomic access of " + size + " bytes");
        }
        return Atomics.apply(a, i, size, op, operand, expected);
    }

    /** Index in the all-frames stack array of a stack pointer (region = frame, low half = offset). */
    public static int stackIndex(long address) {
        return ((int) (address >>> 32) - Regions.STACK_FRAME_0) * Opcodes.STACK_SIZE + (int) address;
    }
}
