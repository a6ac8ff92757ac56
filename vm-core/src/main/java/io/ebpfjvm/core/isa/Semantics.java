package io.ebpfjvm.core.isa;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * The meaning of every arithmetic, byte-swap and jump instruction (RFC 9669 sections 4 and 5),
 * written once. The interpreter calls these methods; the JIT emits calls to them (or the
 * equivalent JVM instruction where it is provably the same), so the two engines cannot drift.
 *
 * <p>32-bit operations take and return the low 32 bits; their results are zero-extended to 64
 * bits, as the ISA requires for every {@code BPF_ALU} result.
 */
public final class Semantics {
    private Semantics() {
    }

    /**
     * A 64-bit ALU operation ({@code BPF_ALU64}).
     *
     * @param op     the operation bits ({@code opcode & 0xf0})
     * @param offset the instruction offset (selects signed division and sign-extending moves)
     * @param imm    the immediate (selects the byte-swap width)
     */
    public static long alu64(int op, int offset, int imm, long dst, long src) {
        return switch (op) {
            case BPF_ADD -> dst + src;
            case BPF_SUB -> dst - src;
            case BPF_MUL -> dst * src;
            case BPF_DIV -> offset == 0 ? udiv64(dst, src) : sdiv64(dst, src);
            case BPF_OR -> dst | src;
            case BPF_AND -> dst & src;
            case BPF_LSH -> dst << src;
            case BPF_RSH -> dst >>> src;
            case BPF_NEG -> -dst;
            case BPF_MOD -> offset == 0 ? umod64(dst, src) : smod64(dst, src);
            case BPF_XOR -> dst ^ src;
            case BPF_MOV -> movsx64(offset, src);
            case BPF_ARSH -> dst >> src;
            case BPF_END -> bswap(imm, dst);
            default -> throw new IllegalArgumentException("not an ALU operation: 0x" + Integer.toHexString(op));
        };
    }

    /**
     * A 32-bit ALU operation ({@code BPF_ALU}); the result is zero-extended. For
     * {@code BPF_END}, {@code toBigEndian} picks the direction (the opcode's source bit).
     */
    public static long alu32(int op, int offset, int imm, boolean toBigEndian, long dst, long src) {
        if (op == BPF_END) {
            // Byte swaps keep their 64-bit result: le64/be64 exist in the 32-bit class too.
            return toBigEndian ? bswap(imm, dst) : toLittleEndian(imm, dst);
        }
        int a = (int) dst;
        int b = (int) src;
        int r = switch (op) {
            case BPF_ADD -> a + b;
            case BPF_SUB -> a - b;
            case BPF_MUL -> a * b;
            case BPF_DIV -> offset == 0 ? udiv32(a, b) : sdiv32(a, b);
            case BPF_OR -> a | b;
            case BPF_AND -> a & b;
            case BPF_LSH -> a << b;
            case BPF_RSH -> a >>> b;
            case BPF_NEG -> -a;
            case BPF_MOD -> offset == 0 ? umod32(a, b) : smod32(a, b);
            case BPF_XOR -> a ^ b;
            case BPF_MOV -> movsx32(offset, b);
            case BPF_ARSH -> a >> b;
            default -> throw new IllegalArgumentException("not an ALU operation: 0x" + Integer.toHexString(op));
        };
        return r & 0xffffffffL;
    }

    /** Unsigned 64-bit division; by zero gives 0. Avoids JDK 17's BigInteger path. */
    public static long udiv64(long a, long b) {
        if (b == 0) {
            return 0;
        }
        if (b < 0) {
            // Divisor at least 2^63: the quotient is 0 or 1.
            return Long.compareUnsigned(a, b) < 0 ? 0 : 1;
        }
        if (a >= 0) {
            return a / b;
        }
        long q = ((a >>> 1) / b) << 1;
        long r = a - q * b;
        return Long.compareUnsigned(r, b) >= 0 ? q + 1 : q;
    }

    /** Unsigned 64-bit remainder; by zero leaves the dividend. */
    public static long umod64(long a, long b) {
        if (b == 0) {
            return a;
        }
        return a - udiv64(a, b) * b;
    }

    /** Signed 64-bit division; by zero gives 0, {@code MIN / -1} gives {@code MIN}. */
    public static long sdiv64(long a, long b) {
        return b == 0 ? 0 : a / b;
    }

    /** Signed 64-bit remainder (sign of the dividend); by zero leaves the dividend. */
    public static long smod64(long a, long b) {
        return b == 0 ? a : a % b;
    }

    public static int udiv32(int a, int b) {
        return b == 0 ? 0 : (int) ((a & 0xffffffffL) / (b & 0xffffffffL));
    }

    public static int umod32(int a, int b) {
        return b == 0 ? a : (int) ((a & 0xffffffffL) % (b & 0xffffffffL));
    }

    public static int sdiv32(int a, int b) {
        return b == 0 ? 0 : a / b;
    }

    public static int smod32(int a, int b) {
        return b == 0 ? a : a % b;
    }

    /** {@code mov}/{@code movsx} in the 64-bit class: offset 0 copies, 8/16/32 sign-extend. */
    public static long movsx64(int offset, long src) {
        return switch (offset) {
            case 8 -> (byte) src;
            case 16 -> (short) src;
            case 32 -> (int) src;
            default -> src;
        };
    }

    /** {@code mov32}/{@code movsx32}: offset 0 copies, 8/16 sign-extend into 32 bits. */
    public static int movsx32(int offset, int src) {
        return switch (offset) {
            case 8 -> (byte) src;
            case 16 -> (short) src;
            default -> src;
        };
    }

    /** Unconditional byte swap of the low {@code width} bits, zero-extended. */
    public static long bswap(int width, long v) {
        return switch (width) {
            case 16 -> Short.reverseBytes((short) v) & 0xffffL;
            case 32 -> Integer.reverseBytes((int) v) & 0xffffffffL;
            default -> Long.reverseBytes(v);
        };
    }

    /** Conversion to little endian on a little-endian machine: truncation to {@code width} bits. */
    public static long toLittleEndian(int width, long v) {
        return switch (width) {
            case 16 -> v & 0xffffL;
            case 32 -> v & 0xffffffffL;
            default -> v;
        };
    }

    /** Whether a 64-bit conditional jump with operation {@code op} is taken. */
    public static boolean jump64(int op, long a, long b) {
        return switch (op) {
            case BPF_JEQ -> a == b;
            case BPF_JGT -> Long.compareUnsigned(a, b) > 0;
            case BPF_JGE -> Long.compareUnsigned(a, b) >= 0;
            case BPF_JSET -> (a & b) != 0;
            case BPF_JNE -> a != b;
            case BPF_JSGT -> a > b;
            case BPF_JSGE -> a >= b;
            case BPF_JLT -> Long.compareUnsigned(a, b) < 0;
            case BPF_JLE -> Long.compareUnsigned(a, b) <= 0;
            case BPF_JSLT -> a < b;
            case BPF_JSLE -> a <= b;
            default -> throw new IllegalArgumentException("not a conditional jump: 0x" + Integer.toHexString(op));
        };
    }

    /** Whether a 32-bit conditional jump ({@code BPF_JMP32}) is taken, on the low halves. */
    public static boolean jump32(int op, long a, long b) {
        int x = (int) a;
        int y = (int) b;
        return switch (op) {
            case BPF_JEQ -> x == y;
            case BPF_JGT -> Integer.compareUnsigned(x, y) > 0;
            case BPF_JGE -> Integer.compareUnsigned(x, y) >= 0;
            case BPF_JSET -> (x & y) != 0;
            case BPF_JNE -> x != y;
            case BPF_JSGT -> x > y;
            case BPF_JSGE -> x >= y;
            case BPF_JLT -> Integer.compareUnsigned(x, y) < 0;
            case BPF_JLE -> Integer.compareUnsigned(x, y) <= 0;
            case BPF_JSLT -> x < y;
            case BPF_JSLE -> x <= y;
            default -> throw new IllegalArgumentException("not a conditional jump: 0x" + Integer.toHexString(op));
        };
    }
}
