package io.ebpfjvm.bench.baseline;

import io.ebpfjvm.bench.Classifier;

/** Hand-written ethertype.c: IPv4, IPv6 and ARP pass (2), anything else drops (1). */
public final class EthertypeJava implements Classifier {
    @Override
    public long classify(byte[] f, int off, int len) {
        if (len < 14) {
            return 1;
        }
        int type = Frames.be16(f, off + 12);
        return type == 0x0800 || type == 0x86dd || type == 0x0806 ? 2 : 1;
    }
}
