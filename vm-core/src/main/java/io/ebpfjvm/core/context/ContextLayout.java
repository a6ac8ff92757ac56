package io.ebpfjvm.core.context;

import io.ebpfjvm.core.memory.Pointers;
import io.ebpfjvm.core.memory.Regions;

/**
 * A program context structure as the program sees it. Plain fields are bytes of a
 * per-thread context array the caller fills ({@link PacketMetadata}); the packet-pointer
 * fields ({@code data}, {@code data_end}, {@code data_meta}) read as tagged pointers into the
 * packet region, the way the kernel rewrites those loads into pointer loads. Which fields
 * may be read and written, and at which sizes, follows the kernel's rules for root loaders.
 */
public enum ContextLayout {
    /** {@code struct xdp_md}: data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex. */
    XDP_MD(24, new int[] {0, 4, 8}),
    /** {@code struct __sk_buff} up to {@code data_meta} and beyond (192 bytes in the UAPI). */
    SK_BUFF(192, new int[] {76, 80, 140}),
    /** {@code struct pt_regs} of x86-64 (kprobes): 21 registers, read-only, any aligned size (see {@link PtRegs}). */
    PT_REGS(PtRegs.SIZE, null),
    /**
     * A tracepoint's raw record (see {@link TracepointFormat}): read-only, aligned loads, and
     * never the 8 bytes of common fields at its start (the kernel refuses offsets below 8).
     * The size is the kernel's bound, {@code PERF_MAX_TRACE_SIZE}; a run's record is shorter.
     */
    TRACEPOINT_RECORD(8192, null),
    /**
     * {@code struct bpf_sock} for cgroup/sock_create and cgroup/sock_release (see {@link BpfSock}):
     * bound_dev_if, mark and priority are writable, the source address and port are not visible.
     */
    BPF_SOCK(BpfSock.SIZE, null),
    /** {@code struct bpf_sock} for cgroup/post_bind4: read-only, src_ip4 and src_port visible. */
    BPF_SOCK_POST_BIND4(BpfSock.SIZE, null),
    /** {@code struct bpf_sock} for cgroup/post_bind6: read-only, src_ip6 and src_port visible. */
    BPF_SOCK_POST_BIND6(BpfSock.SIZE, null);

    public static final int SKB_LEN = 0;
    public static final int SKB_PKT_TYPE = 4;
    public static final int SKB_MARK = 8;
    public static final int SKB_QUEUE_MAPPING = 12;
    public static final int SKB_PROTOCOL = 16;
    public static final int SKB_VLAN_PRESENT = 20;
    public static final int SKB_VLAN_TCI = 24;
    public static final int SKB_VLAN_PROTO = 28;
    public static final int SKB_PRIORITY = 32;
    public static final int SKB_INGRESS_IFINDEX = 36;
    public static final int SKB_IFINDEX = 40;
    public static final int SKB_TC_INDEX = 44;
    public static final int SKB_CB = 48;
    public static final int SKB_HASH = 68;
    public static final int SKB_TC_CLASSID = 72;
    /** {@code __sk_buff->sk}, an 8-byte socket pointer (NULL here). */
    public static final int SKB_SK = 168;
    public static final int XDP_INGRESS_IFINDEX = 12;
    public static final int XDP_RX_QUEUE_INDEX = 16;
    public static final int XDP_EGRESS_IFINDEX = 20;

    private final int size;
    /** Offsets of data, data_end, data_meta. */
    private final int[] pointerFields;

    ContextLayout(int size, int[] pointerFields) {
        this.size = size;
        this.pointerFields = pointerFields;
    }

    public int size() {
        return size;
    }

    /** True for xdp_md and __sk_buff, whose runs have a packet; the others are the context alone. */
    public boolean hasPacket() {
        return pointerFields != null;
    }

    /**
     * What a load of {@code size} bytes at {@code offset} yields when it names a packet
     * pointer field, else {@link Long#MIN_VALUE}: {@code data} is {@code dataOffset} into the
     * packet region (which starts at {@code data_meta}), {@code data_end} {@code length} further.
     */
    public long pointerLoad(int offset, int size, int dataOffset, int length) {
        if (this == SK_BUFF && offset == SKB_SK && size == 8) {
            return 0; // __sk_buff->sk: no socket behind the packet
        }
        if (size != 4 || pointerFields == null) {
            return Long.MIN_VALUE;
        }
        if (offset == pointerFields[0]) {
            return Pointers.make(Regions.PACKET, dataOffset);
        }
        if (offset == pointerFields[2]) {
            return Pointers.make(Regions.PACKET, 0);
        }
        if (offset == pointerFields[1]) {
            return Pointers.make(Regions.PACKET, (long) dataOffset + length);
        }
        return Long.MIN_VALUE;
    }

    /** Null when a program may load {@code size} bytes at {@code offset} of this context, else why not. */
    public String loadProblem(int offset, int size) {
        if (offset < 0 || offset % size != 0) {
            return "misaligned context access: " + size + " bytes at offset " + offset + " of " + structName();
        }
        return switch (this) {
            case PT_REGS -> offset + size > PtRegs.SIZE ? "offset " + offset + " is beyond struct pt_regs (" + PtRegs.SIZE + " bytes)" : null;
            case TRACEPOINT_RECORD -> offset < 8 ? "offset " + offset + " of a tracepoint record: the common fields (offsets 0..7) are not readable" : null;
            case BPF_SOCK, BPF_SOCK_POST_BIND4, BPF_SOCK_POST_BIND6 -> BpfSock.accessProblem(this, offset, size, false);
            default -> null;
        };
    }

    /** The C name of the structure, for messages. */
    public String structName() {
        return switch (this) {
            case XDP_MD -> "xdp_md";
            case SK_BUFF -> "__sk_buff";
            case PT_REGS -> "pt_regs";
            case TRACEPOINT_RECORD -> "the tracepoint record";
            default -> "bpf_sock";
        };
    }

    /**
     * What a load of {@code size} bytes at {@code offset} yields when it names a packet
     * pointer field, else {@link Long#MIN_VALUE} (read the context bytes).
     */
    public long pointerLoad(int offset, int size, int packetLength) {
        if (size != 4 || pointerFields == null) {
            return Long.MIN_VALUE;
        }
        if (offset == pointerFields[0] || offset == pointerFields[2]) {
            return Pointers.make(Regions.PACKET, 0);
        }
        if (offset == pointerFields[1]) {
            return Pointers.make(Regions.PACKET, packetLength);
        }
        return Long.MIN_VALUE;
    }

    /** True when no field may be stored to, so a filled context stays as filled across runs. */
    public boolean readOnly() {
        return this != SK_BUFF && this != BPF_SOCK;
    }

    /** Null when a program may store {@code size} bytes at {@code offset}, else why not. */
    public String storeProblem(int offset, int size) {
        switch (this) {
            case XDP_MD, PT_REGS, TRACEPOINT_RECORD, BPF_SOCK_POST_BIND4, BPF_SOCK_POST_BIND6 -> {
                return structName() + " is read-only";
            }
            case BPF_SOCK -> {
                return BpfSock.accessProblem(this, offset, size, true);
            }
            default -> {
            }
        }
        boolean writable = (offset == SKB_MARK || offset == SKB_PRIORITY || offset == SKB_TC_INDEX || offset == SKB_TC_CLASSID
            || offset == SKB_QUEUE_MAPPING || (offset >= SKB_CB && offset + size <= SKB_CB + 20));
        return writable ? null : "field at offset " + offset + " of __sk_buff is not writable";
    }
}
