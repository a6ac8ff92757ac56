package io.ebpfjvm.samples.firewall;

/** What the firewall does with a packet, with the XDP return code the eBPF program uses for it. */
public enum Action {
    DROP(1),
    PASS(2);

    private final int xdpCode;

    Action(int xdpCode) {
        this.xdpCode = xdpCode;
    }

    /** {@code XDP_DROP} (1) or {@code XDP_PASS} (2). */
    public int xdpCode() {
        return xdpCode;
    }

    /** The action for an XDP return code, or null for codes the firewall never returns. */
    public static Action ofXdp(long code) {
        return code == 1 ? DROP : code == 2 ? PASS : null;
    }
}
