package io.ebpfjvm.bench.baseline;

import io.ebpfjvm.bench.Classifier;

/** Hand-written csum.c: ones' complement sum of the bytes after the Ethernet header, folded. */
public final class CsumJava implements Classifier {
    private static final int MAX_WORDS = 768;

    @Override
    public long classify(byte[] f, int off, int len) {
        int p = 14;
        if (p > len) {
            return 1;
        }
        long sum = 0;
        for (int i = 0; i < MAX_WORDS && p + 2 <= len; i++, p += 2) {
            sum += Frames.le16(f, off + p);
        }
        if (p + 1 <= len) {
            sum += f[off + p] & 0xff;
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        return (sum & 1) != 0 ? 2 : 1;
    }
}
