package io.ebpfjvm.core.host;

/**
 * Converts one Java value to and from the bytes of a C object, at a given offset. Built once
 * per Java type and BTF layout by {@link Layouts}; stateless and thread-safe.
 */
interface Codec {
    /** Bytes of the C object. */
    int size();

    /** Its C alignment. */
    int alignment();

    void encode(Object value, byte[] out, int offset);

    Object decode(byte[] in, int offset);
}
