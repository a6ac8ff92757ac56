package io.ebpfjvm.core.host;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/** A number in host (little-endian) or network (big-endian) order. */
final class ScalarCodec implements Codec {
    private static final VarHandle S_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle S_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle J_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle J_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    final char kind;
    final int width;
    final boolean big;

    ScalarCodec(char kind, int width, ByteOrder order) {
        this.kind = kind;
        this.width = width;
        this.big = order == ByteOrder.BIG_ENDIAN;
    }

    @Override
    public int size() {
        return width;
    }

    @Override
    public int alignment() {
        return width;
    }

    @Override
    public void encode(Object value, byte[] out, int offset) {
        Objects.requireNonNull(value, "a null field");
        switch (kind) {
            case 'B' -> out[offset] = (Byte) value;
            case 'Z' -> out[offset] = (byte) ((Boolean) value ? 1 : 0);
            case 'S' -> (big ? S_BE : S_LE).set(out, offset, (short) (Short) value);
            case 'I' -> (big ? I_BE : I_LE).set(out, offset, (int) (Integer) value);
            case 'J' -> (big ? J_BE : J_LE).set(out, offset, (long) (Long) value);
            case 'F' -> I_LE.set(out, offset, Float.floatToRawIntBits((Float) value));
            default -> J_LE.set(out, offset, Double.doubleToRawLongBits((Double) value));
        }
    }

    @Override
    public Object decode(byte[] in, int offset) {
        return switch (kind) {
            case 'B' -> in[offset];
            case 'Z' -> in[offset] != 0;
            case 'S' -> (short) (big ? S_BE : S_LE).get(in, offset);
            case 'I' -> (int) (big ? I_BE : I_LE).get(in, offset);
            case 'J' -> (long) (big ? J_BE : J_LE).get(in, offset);
            case 'F' -> Float.intBitsToFloat((int) I_LE.get(in, offset));
            default -> Double.longBitsToDouble((long) J_LE.get(in, offset));
        };
    }
}
