package io.ebpfjvm.verifier.state;

/**
 * What a register holds, as the kernel verifier names it ({@code enum bpf_reg_type}). The
 * "or null" variants are a flag on {@link Reg}, not separate types, as in the kernel.
 */
public enum RegType {
    NOT_INIT("?"),
    SCALAR("scalar"),
    CTX("ctx"),
    CONST_MAP("map_ptr"),
    MAP_VALUE("map_value"),
    MAP_KEY("map_key"),
    STACK("fp"),
    PACKET("pkt"),
    PACKET_META("pkt_meta"),
    PACKET_END("pkt_end"),
    FLOW_KEYS("flow_keys"),
    SOCKET("sock"),
    SOCK_COMMON("sock_common"),
    TCP_SOCK("tcp_sock"),
    XDP_SOCK("xdp_sock"),
    MEM("mem"),
    RINGBUF_MEM("ringbuf_mem"),
    BUF("buf"),
    FUNC("func"),
    BTF_ID("ptr_"),
    TRUSTED_BTF_ID("trusted_ptr_");

    private final String kernelName;

    RegType(String kernelName) {
        this.kernelName = kernelName;
    }

    /** The name the kernel's log uses ({@code reg_type_str}). */
    public String kernelName() {
        return kernelName;
    }

    public boolean isPointer() {
        return this != NOT_INIT && this != SCALAR;
    }

    /** Packet data or metadata pointers (not the end marker). */
    public boolean isPacket() {
        return this == PACKET || this == PACKET_META;
    }

    /** Socket-like pointers a program may only read through a helper or checked fields. */
    public boolean isSocket() {
        return this == SOCKET || this == SOCK_COMMON || this == TCP_SOCK || this == XDP_SOCK;
    }
}
