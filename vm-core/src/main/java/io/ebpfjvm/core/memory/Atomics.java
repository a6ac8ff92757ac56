package io.ebpfjvm.core.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * The eBPF atomic operations on little-endian byte arrays: the one implementation the
 * interpreter (through {@link AddressSpace#atomic}) and compiled code with a proven region use.
 */
public final class Atomics {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Where element 0 of a byte[] lies relative to an 8-byte boundary on this JVM. */
    private static final int BASE_MISALIGNMENT = probeBaseMisalignment();

    /** Guards the rare index that is not aligned in memory (the JVM's atomic modes need alignment). */
    private static final Object[] LOCKS = new Object[64];

    static {
        for (int i = 0; i < LOCKS.length; i++) {
            LOCKS[i] = new Object();
        }
    }

    private Atomics() {
    }

    /**
     * Applies atomic operation {@code op} ({@code BPF_ADD}, ... with or without {@code BPF_FETCH},
     * {@code BPF_XCHG}, {@code BPF_CMPXCHG}) of {@code size} 4 or 8 at {@code a[i]}; returns the
     * old value (zero-extended for 4 bytes). {@code i} must lie inside {@code a}: the array
     * accesses check it.
     */
    public static long apply(byte[] a, int i, int size, int op, long operand, long expected) {
        if (!aligned(a, i, size)) {
            synchronized (LOCKS[(System.identityHashCode(a) ^ i) & (LOCKS.length - 1)]) {
                return plain(a, i, size, op, operand, expected);
            }
        }
        return size == 4 ? int32(a, i, op, operand, expected) : int64(a, i, op, operand, expected);
    }

    private static int probeBaseMisalignment() {
        byte[] probe = new byte[16];
        for (int i = 0; i < 8; i++) {
            try {
                LONG.getVolatile(probe, i);
                return i;
            } catch (IllegalStateException misaligned) {
                // try the next index
            }
        }
        return -1;
    }

    static boolean aligned(byte[] a, int index, int size) {
        return BASE_MISALIGNMENT >= 0 && ((index - BASE_MISALIGNMENT) & (size - 1)) == 0;
    }

    static long int32(byte[] a, int i, int op, long operand, long expected) {
        int v = (int) operand;
        int old = switch (op & ~BPF_FETCH) {
            case BPF_ADD -> (int) INT.getAndAdd(a, i, v);
            case BPF_OR -> (int) INT.getAndBitwiseOr(a, i, v);
            case BPF_AND -> (int) INT.getAndBitwiseAnd(a, i, v);
            case BPF_XOR -> (int) INT.getAndBitwiseXor(a, i, v);
            case BPF_XCHG & ~BPF_FETCH -> (int) INT.getAndSet(a, i, v);
            case BPF_CMPXCHG & ~BPF_FETCH -> (int) INT.compareAndExchange(a, i, (int) expected, v);
            default -> throw new IllegalArgumentException("atomic op 0x" + Integer.toHexString(op));
        };
        return old & 0xffffffffL;
    }

    static long int64(byte[] a, int i, int op, long operand, long expected) {
        return switch (op & ~BPF_FETCH) {
            case BPF_ADD -> (long) LONG.getAndAdd(a, i, operand);
            case BPF_OR -> (long) LONG.getAndBitwiseOr(a, i, operand);
            case BPF_AND -> (long) LONG.getAndBitwiseAnd(a, i, operand);
            case BPF_XOR -> (long) LONG.getAndBitwiseXor(a, i, operand);
            case BPF_XCHG & ~BPF_FETCH -> (long) LONG.getAndSet(a, i, operand);
            case BPF_CMPXCHG & ~BPF_FETCH -> (long) LONG.compareAndExchange(a, i, expected, operand);
            default -> throw new IllegalArgumentException("atomic op 0x" + Integer.toHexString(op));
        };
    }

    /** The same operations without atomic access modes; callers hold a lock. */
    static long plain(byte[] a, int i, int size, int op, long operand, long expected) {
        VarHandle h = size == 4 ? INT : LONG;
        long old = size == 4 ? ((int) h.get(a, i)) & 0xffffffffL : (long) h.get(a, i);
        long cmp = size == 4 ? expected & 0xffffffffL : expected;
        long next = switch (op & ~BPF_FETCH) {
            case BPF_ADD -> old + operand;
            case BPF_OR -> old | operand;
            case BPF_AND -> old & operand;
            case BPF_XOR -> old ^ operand;
            case BPF_XCHG & ~BPF_FETCH -> operand;
            case BPF_CMPXCHG & ~BPF_FETCH -> old == cmp ? operand : old;
            default -> throw new IllegalArgumentException("atomic op 0x" + Integer.toHexString(op));
        };
        if (size == 4) {
            h.set(a, i, (int) next);
        } else {
            h.set(a, i, next);
        }
        return old;
    }
}
