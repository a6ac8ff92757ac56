package io.ebpfjvm.samples.firewall;

/** Why the eBPF program dropped a packet: the {@code reason} byte of a drop report (enum drop_reason in firewall.c). */
public enum DropReason {
    BLOCKLIST(1),
    ACL(2),
    DEFAULT(3),
    MALFORMED(4),
    FRAGMENT(5);

    private final int code;

    DropReason(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The reason for a code, or null if the program sent one we do not know. */
    public static DropReason of(int code) {
        for (DropReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return null;
    }
}
