package io.ebpfjvm.core.map;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian access to map storage, and the value copy every map uses: each naturally
 * aligned 8-byte word of the destination is written (and, when copying out, read) with one
 * opaque access, so a reader of an aligned u64 field never sees half of an old and half of a
 * new word, the guarantee the kernel's word-sized {@code memcpy} gives in practice.
 */
final class Words {
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Where element 0 of a byte[] lies relative to an 8-byte boundary, or -1 if word access modes never work. */
    private static final int BASE_MISALIGNMENT = probe();

    private Words() {
    }

    private static int probe() {
        byte[] probe = new byte[16];
        for (int i = 0; i < 8; i++) {
            try {
                LONG.getOpaque(probe, i);
                return i;
            } catch (IllegalStateException misaligned) {
                // try the next index
            }
        }
        return -1;
    }

    /** True when {@code size}-byte access modes other than plain work at {@code index} of any byte[]. */
    static boolean aligned(int index, int size) {
        return BASE_MISALIGNMENT >= 0 && ((index - BASE_MISALIGNMENT) & (size - 1)) == 0;
    }

    static int u32(byte[] b, int at) {
        return (int) INT.get(b, at);
    }

    static void putU32(byte[] b, int at, int v) {
        INT.set(b, at, v);
    }

    /** Copies {@code n} bytes into map storage {@code dst}, whole words where {@code dst} is word aligned. */
    static void copyIn(byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
        if (!aligned(dstOff, 8) || overlaps(src, srcOff, dst, dstOff, n)) {
            System.arraycopy(src, srcOff, dst, dstOff, n);
            return;
        }
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            LONG.setOpaque(dst, dstOff + i, (long) LONG.get(src, srcOff + i));
        }
        for (; i < n; i++) {
            dst[dstOff + i] = src[srcOff + i];
        }
    }

    /** Copies {@code n} bytes out of map storage {@code src}, whole words where {@code src} is word aligned. */
    static void copyOut(byte[] src, int srcOff, byte[] dst, int dstOff, int n) {
        if (!aligned(srcOff, 8) || overlaps(src, srcOff, dst, dstOff, n)) {
            System.arraycopy(src, srcOff, dst, dstOff, n);
            return;
        }
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            LONG.set(dst, dstOff + i, (long) LONG.getOpaque(src, srcOff + i));
        }
        for (; i < n; i++) {
            dst[dstOff + i] = src[srcOff + i];
        }
    }

    /** Zeroes {@code n} bytes of storage, word by word where aligned. */
    static void zero(byte[] dst, int dstOff, int n) {
        int i = 0;
        if (aligned(dstOff, 8)) {
            for (; i + 8 <= n; i += 8) {
                LONG.setOpaque(dst, dstOff + i, 0L);
            }
        }
        for (; i < n; i++) {
            dst[dstOff + i] = 0;
        }
    }

    private static boolean overlaps(byte[] a, int aOff, byte[] b, int bOff, int n) {
        return a == b && aOff < bOff + n && bOff < aOff + n;
    }
}
