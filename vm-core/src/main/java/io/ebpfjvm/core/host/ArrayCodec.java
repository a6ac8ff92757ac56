package io.ebpfjvm.core.host;

import java.lang.reflect.Array;
import java.util.Objects;

/** A fixed-length C array as a Java primitive array. */
final class ArrayCodec implements Codec {
    private final ScalarCodec element;
    private final int count;
    private final Class<?> javaElement;

    ArrayCodec(ScalarCodec element, int count) {
        this.element = element;
        this.count = count;
        this.javaElement = switch (element.kind) {
            case 'B' -> byte.class;
            case 'Z' -> boolean.class;
            case 'S' -> short.class;
            case 'I' -> int.class;
            case 'J' -> long.class;
            case 'F' -> float.class;
            default -> double.class;
        };
    }

    @Override
    public int size() {
        return element.width * count;
    }

    @Override
    public int alignment() {
        return element.width;
    }

    @Override
    public void encode(Object value, byte[] out, int offset) {
        Objects.requireNonNull(value, "a null array field");
        int length = Array.getLength(value);
        if (length != count) {
            throw new IllegalArgumentException("array of " + length + " elements, the C array has " + count);
        }
        if (element.kind == 'B') {
            System.arraycopy(value, 0, out, offset, count);
            return;
        }
        for (int i = 0; i < count; i++) {
            element.encode(Array.get(value, i), out, offset + i * element.width);
        }
    }

    @Override
    public Object decode(byte[] in, int offset) {
        Object a = Array.newInstance(javaElement, count);
        if (element.kind == 'B') {
            System.arraycopy(in, offset, a, 0, count);
            return a;
        }
        for (int i = 0; i < count; i++) {
            Array.set(a, i, element.decode(in, offset + i * element.width));
        }
        return a;
    }
}
