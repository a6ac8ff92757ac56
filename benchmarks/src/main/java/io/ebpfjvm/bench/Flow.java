package io.ebpfjvm.bench;

/**
 * A 5-tuple as it appears on the wire: addresses and ports in network byte order, read as
 * big-endian ints/shorts.
 */
public record Flow(int src, int dst, int sport, int dport, int proto) {
    /** The key of the eBPF programs' {@code struct flow} as it lies in memory (16 bytes, wire order fields). */
    public byte[] ebpfKey() {
        byte[] k = new byte[16];
        putBe32(k, 0, src);
        putBe32(k, 4, dst);
        k[8] = (byte) (sport >>> 8);
        k[9] = (byte) sport;
        k[10] = (byte) (dport >>> 8);
        k[11] = (byte) dport;
        k[12] = (byte) proto;
        return k;
    }

    static void putBe32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
