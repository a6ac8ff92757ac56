package io.ebpfjvm.core.host;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Objects;

/** A record as a C struct: components at their offsets through accessor and constructor method handles. */
final class RecordCodec implements Codec {
    private final Class<?> type;
    private final MethodHandle[] accessors;
    private final MethodHandle constructor;
    private final Codec[] fields;
    private final int[] offsets;
    private final int size;
    private final int align;

    RecordCodec(Class<?> type, RecordComponent[] components, Codec[] fields, int[] offsets, int size, int align) {
        this.type = type;
        this.fields = fields;
        this.offsets = offsets;
        this.size = size;
        this.align = align;
        this.accessors = new MethodHandle[components.length];
        Class<?>[] types = new Class<?>[components.length];
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            for (int i = 0; i < components.length; i++) {
                var accessor = components[i].getAccessor();
                accessor.setAccessible(true);
                accessors[i] = lookup.unreflect(accessor).asType(MethodType.methodType(Object.class, Object.class));
                types[i] = components[i].getType();
            }
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            this.constructor = lookup.unreflectConstructor(canonical)
                .asSpreader(Object[].class, components.length)
                .asType(MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new LayoutException("record " + type.getName() + ": cannot reach its accessors or canonical constructor: " + e);
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int alignment() {
        return align;
    }

    @Override
    public void encode(Object value, byte[] out, int offset) {
        Objects.requireNonNull(value, "a null " + type.getSimpleName());
        try {
            for (int i = 0; i < fields.length; i++) {
                fields[i].encode((Object) accessors[i].invokeExact(value), out, offset + offsets[i]);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public Object decode(byte[] in, int offset) {
        Object[] args = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            args[i] = fields[i].decode(in, offset + offsets[i]);
        }
        try {
            return (Object) constructor.invokeExact(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
