package io.ebpfjvm.bench.baseline;

/** Byte-level reads and the IPv4 5-tuple parse the benchmark programs share, written for Java. */
final class Frames {
    /** {@link #l4Offset} result: the frame ends inside a header the program reads. */
    static final int RUNT = -1;
    /** {@link #l4Offset} result: not an IPv4 frame. */
    static final int NOT_IPV4 = -2;
    static final int IP = 14;

    private Frames() {
    }

    /**
     * Where the TCP/UDP header starts (relative to the frame), 0 for other IPv4 protocols, or
     * {@link #RUNT}/{@link #NOT_IPV4}: the same checks, in the same order, as {@code parse_flow}
     * in the programs' {@code common.h}.
     */
    static int l4Offset(byte[] f, int off, int len) {
        if (len < IP) {
            return RUNT;
        }
        if (be16(f, off + 12) != 0x0800) {
            return NOT_IPV4;
        }
        if (len < IP + 20) {
            return RUNT;
        }
        int proto = f[off + IP + 9] & 0xff;
        if (proto != 6 && proto != 17) {
            return 0;
        }
        int l4 = IP + (f[off + IP] & 0xf) * 4;
        return l4 + 8 > len ? RUNT : l4;
    }

    static int be16(byte[] f, int at) {
        return (f[at] & 0xff) << 8 | (f[at + 1] & 0xff);
    }

    static int be32(byte[] f, int at) {
        return (f[at] & 0xff) << 24 | (f[at + 1] & 0xff) << 16 | (f[at + 2] & 0xff) << 8 | (f[at + 3] & 0xff);
    }

    /** What a little-endian machine reads from 2 bytes: the program's view of a wire field. */
    static int le16(byte[] f, int at) {
        return (f[at] & 0xff) | (f[at + 1] & 0xff) << 8;
    }

    static long le32(byte[] f, int at) {
        return Integer.toUnsignedLong(Integer.reverseBytes(be32(f, at)));
    }
}
