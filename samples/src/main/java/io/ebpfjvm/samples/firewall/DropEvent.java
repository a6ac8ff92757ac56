package io.ebpfjvm.samples.firewall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One drop report from the {@code drop_events} ring buffer ({@code struct drop_event} in
 * firewall.c, 48 bytes). Ports are host order here; for ICMP {@code dport} is the type and
 * {@code sport} the code. Malformed packets carry family 0 and no addresses.
 */
public record DropEvent(int ruleId, DropReason reason, int family, int protocol, int vlanTags, int sport, int dport,
                        int vlanId, int length, byte[] src, byte[] dst) {

    public static final int SIZE = 48;

    /** Decodes a record of {@link #SIZE} bytes at {@code offset}. */
    public static DropEvent decode(byte[] b, int offset, int length) {
        if (length < SIZE) {
            throw new IllegalArgumentException("drop report of " + length + " bytes, expected " + SIZE);
        }
        ByteBuffer in = ByteBuffer.wrap(b, offset, SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int rule = in.getInt(offset);
        int reason = b[offset + 4] & 0xff;
        int family = b[offset + 5] & 0xff;
        int proto = b[offset + 6] & 0xff;
        int tags = b[offset + 7] & 0xff;
        // Ports were copied from the packet: network order in memory.
        int sport = Short.toUnsignedInt(in.order(ByteOrder.BIG_ENDIAN).getShort(offset + 8));
        int dport = Short.toUnsignedInt(in.getShort(offset + 10));
        int vlan = Short.toUnsignedInt(in.order(ByteOrder.LITTLE_ENDIAN).getShort(offset + 12));
        int len = Short.toUnsignedInt(in.getShort(offset + 14));
        int addressLength = family == 4 ? 4 : family == 6 ? 16 : 0;
        byte[] src = addressLength == 0 ? null : Arrays.copyOfRange(b, offset + 16, offset + 16 + addressLength);
        byte[] dst = addressLength == 0 ? null : Arrays.copyOfRange(b, offset + 32, offset + 32 + addressLength);
        return new DropEvent(rule, DropReason.of(reason), family, proto, tags, sport, dport, vlan, len, src, dst);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DropEvent e && ruleId == e.ruleId && reason == e.reason && family == e.family
            && protocol == e.protocol && vlanTags == e.vlanTags && sport == e.sport && dport == e.dport
            && vlanId == e.vlanId && length == e.length && Arrays.equals(src, e.src) && Arrays.equals(dst, e.dst);
    }

    @Override
    public int hashCode() {
        return ((ruleId * 31 + (reason == null ? 0 : reason.ordinal())) * 31 + sport * 65599 + dport) * 31
            + Arrays.hashCode(src) * 17 + Arrays.hashCode(dst) + length;
    }

    /** {@code ACL rule 30: tcp 10.1.0.7:51234 -> 10.0.0.9:23 (vlan 12, 74 bytes)}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        s.append(reason == null ? "reason?" : reason.name());
        if (ruleId != 0) {
            s.append(" rule ").append(ruleId);
        }
        s.append(": ");
        if (family == 0) {
            s.append("unparsable packet");
        } else {
            boolean icmp = protocol == Protocols.ICMP || protocol == Protocols.ICMPV6;
            String a = Addresses.format(src);
            String z = Addresses.format(dst);
            if (family == 6) {
                a = "[" + a + "]";
                z = "[" + z + "]";
            }
            s.append(Protocols.name(protocol)).append(' ');
            if (icmp) {
                s.append(a).append(" -> ").append(z).append(" type ").append(dport).append(" code ").append(sport);
            } else {
                s.append(a).append(':').append(sport).append(" -> ").append(z).append(':').append(dport);
            }
        }
        s.append(" (");
        if (vlanTags > 0) {
            s.append("vlan ").append(vlanId).append(vlanTags > 1 ? " q-in-q" : "").append(", ");
        }
        return s.append(length).append(" bytes)").toString();
    }
}
