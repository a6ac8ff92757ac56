package io.ebpfjvm.core.context;

import java.util.Arrays;

/**
 * What the caller tells a program about a packet beyond its bytes: the plain fields of
 * {@code xdp_md} / {@code __sk_buff} (ifindex, mark, priority, ...). Unset fields are zero,
 * except those derived from the packet itself ({@code len}, {@code protocol}, VLAN fields),
 * which {@link #fill} computes the way the kernel's receive path does when they are not given.
 */
public final class PacketMetadata {
    private final int[] words = new int[48];
    private final boolean[] set = new boolean[48];
    private int version;

    /** Sets the 32-bit field at byte offset {@code offset} of the context structure. */
    public PacketMetadata field(int offset, int value) {
        words[offset / 4] = value;
        set[offset / 4] = true;
        version++;
        return this;
    }

    /** Changes with every {@link #field} call: lets an engine keep a filled read-only context while it is current. */
    public int version() {
        return version;
    }

    public static PacketMetadata defaults() {
        return new PacketMetadata();
    }

    /** Writes the context bytes for a packet of {@code length} bytes at {@code packet[offset..]}. */
    public void fill(ContextLayout layout, byte[] context, byte[] packet, int offset, int length) {
        Arrays.fill(context, 0, layout.size(), (byte) 0);
        if (layout == ContextLayout.SK_BUFF) {
            put(context, ContextLayout.SKB_LEN, length);
            if (length >= 14) {
                int etherType = (packet[offset + 12] & 0xff) << 8 | (packet[offset + 13] & 0xff);
                // skb->protocol is big-endian: a 32-bit load sees the swapped 16-bit value.
                put(context, ContextLayout.SKB_PROTOCOL, Short.reverseBytes((short) etherType) & 0xffff);
            }
        }
        for (int i = 0; i < words.length && i * 4 < layout.size(); i++) {
            if (set[i]) {
                put(context, i * 4, words[i]);
            }
        }
    }

    private static void put(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }
}
