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
    SK_BUFF(192, new int[] {76, 80, 140});

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

    /**
     * What a load of {@code size} bytes at {@code offset} yields when it names a packet
     * pointer field, else {@link Long#MIN_VALUE} (read the context bytes).
     */
    public long pointerLoad(int offset, int size, int packetLength) {
        if (size != 4) {
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

    /** Null when a program may store {@code size} bytes at {@code offset}, else why not. */
    public String storeProblem(int offset, int size) {
        if (this == XDP_MD) {
            return "xdp_md is read-only";
        }
        boolean writable = (offset == SKB_MARK || offset == SKB_PRIORITY || offset == SKB_TC_INDEX || offset == SKB_TC_CLASSID
            || offset == SKB_QUEUE_MAPPING || (offset >= SKB_CB && offset + size <= SKB_CB + 20));
        return writable ? null : "field at offset " + offset + " of __sk_buff is not writable";
    }
}
