package io.ebpfjvm.core.host;

/** Bytes as they are. */
record RawCodec(int size) implements Codec {
    @Override
    public int alignment() {
        return 1;
    }

    @Override
    public void encode(Object value, byte[] out, int offset) {
        byte[] b = (byte[]) value;
        if (b.length != size) {
            throw new IllegalArgumentException(b.length + " bytes, expected " + size);
        }
        System.arraycopy(b, 0, out, offset, size);
    }

    @Override
    public Object decode(byte[] in, int offset) {
        byte[] b = new byte[size];
        System.arraycopy(in, offset, b, 0, size);
        return b;
    }
}
