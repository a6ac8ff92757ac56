package io.ebpfjvm.cli;

/**
 * The demo's policy written directly in Java, independently of the eBPF program in
 * {@code demo/classify.s}: the reference the demo checks the VM's verdicts against.
 */
final class DemoPolicy {
    static final int DROP = 1;
    static final int PASS = 2;

    private DemoPolicy() {
    }

    static int classify(byte[] b, int off, int len) {
        if (len < 14) {
            return DROP;
        }
        int etherType = u16(b, off + 12);
        int l3 = 14;
        if (etherType == 0x8100) {
            if (len < 18) {
                return DROP;
            }
            etherType = u16(b, off + 16);
            l3 = 18;
        }
        if (etherType == 0x0806 || etherType == 0x86dd) {
            return PASS;
        }
        if (etherType != 0x0800 || l3 + 20 > len) {
            return DROP;
        }
        int ip = off + l3;
        if ((b[ip + 12] & 0xff) == 10 && (b[ip + 13] & 0xff) == 66) {
            return DROP;
        }
        int ihl = (b[ip] & 0x0f) * 4;
        if (ihl < 20) {
            return DROP;
        }
        int protocol = b[ip + 9] & 0xff;
        int l4 = l3 + ihl;
        if (l4 + 4 > len) {
            return protocol == 6 || protocol == 17 ? DROP : PASS;
        }
        int port = u16(b, off + l4 + 2);
        if (protocol == 6 && port == 23) {
            return DROP;
        }
        if (protocol == 17 && port == 1900) {
            return DROP;
        }
        return PASS;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }
}
