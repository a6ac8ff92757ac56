package io.ebpfjvm.bench.baseline;

import io.ebpfjvm.bench.Classifier;

/** Hand-written hash.c: 32 rounds of the same 64-bit mix over the 5-tuple as the program sees it. */
public final class HashJava implements Classifier {
    private static final int ROUNDS = 32;

    private static long mix(long h, long v) {
        h ^= v;
        h *= 0x9e3779b97f4a7c15L;
        h ^= h >>> 29;
        h = Long.rotateLeft(h, 7);
        return h + 0x632be59bd9b4e019L;
    }

    @Override
    public long classify(byte[] f, int off, int len) {
        int l4 = Frames.l4Offset(f, off, len);
        if (l4 < 0) {
            return 2;
        }
        int ip = off + Frames.IP;
        long sport = l4 > 0 ? Frames.le16(f, off + l4) : 0;
        long dport = l4 > 0 ? Frames.le16(f, off + l4 + 2) : 0;
        long a = Frames.le32(f, ip + 12) << 32 | Frames.le32(f, ip + 16);
        long b = sport << 32 | dport << 16 | (f[ip + 9] & 0xff);
        long h = 0x243f6a8885a308d3L;
        for (int i = 0; i < ROUNDS; i++) {
            h = mix(h, a);
            h = mix(h, b ^ i);
        }
        return (h >>> 61) & 3;
    }
}
