package io.ebpfjvm.bench.baseline;

import io.ebpfjvm.bench.Classifier;

/**
 * Hand-written {@code ip and tcp dst port 80 or udp port 53}, with the semantics of the classic
 * BPF tcpdump compiles it to: a load past the end rejects (0), fragments never match ports,
 * a match keeps 262144 bytes.
 */
public final class WebDnsJava implements Classifier {
    private static final long ACCEPT = 262144;

    @Override
    public long classify(byte[] f, int off, int len) {
        if (len < 14) {
            return 0;
        }
        int type = Frames.be16(f, off + 12);
        if (type == 0x0800) {
            if (len < 24) {
                return 0;
            }
            int proto = f[off + 23] & 0xff;
            if (proto != 6 && proto != 17) {
                return 0;
            }
            if (len < 22 || (Frames.be16(f, off + 20) & 0x1fff) != 0 || len < 15) {
                return 0;
            }
            int x = (f[off + 14] & 0xf) * 4;
            if (proto == 6) {
                return x + 18 <= len && Frames.be16(f, off + x + 16) == 80 ? ACCEPT : 0;
            }
            if (x + 16 > len) {
                return 0;
            }
            if (Frames.be16(f, off + x + 14) == 53) {
                return ACCEPT;
            }
            return x + 18 <= len && Frames.be16(f, off + x + 16) == 53 ? ACCEPT : 0;
        }
        if (type == 0x86dd) {
            if (len < 21 || (f[off + 20] & 0xff) != 17 || len < 56) {
                return 0;
            }
            if (Frames.be16(f, off + 54) == 53) {
                return ACCEPT;
            }
            return len >= 58 && Frames.be16(f, off + 56) == 53 ? ACCEPT : 0;
        }
        return 0;
    }
}
