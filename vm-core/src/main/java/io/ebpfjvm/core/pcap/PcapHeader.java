package io.ebpfjvm.core.pcap;

import java.nio.ByteOrder;
import java.util.Objects;

/**
 * What a capture says about all its packets: the global header of a classic pcap file (or,
 * for pcapng, the section's byte order and the first interface's description).
 *
 * @param order      byte order the file was written in
 * @param nanosecond true for nanosecond timestamps (pcap magic {@code 0xa1b23c4d}; pcapng
 *                   interfaces finer than microseconds), false for microseconds
 * @param snapLength the capture's snapshot length as written (an unsigned 32-bit field; 0 or
 *                   absurd values mean "no limit", see {@link #recordLimit()})
 * @param linkType   the link-layer header type, e.g. {@link #LINKTYPE_ETHERNET}; for pcap the
 *                   low 16 bits of the header field (the upper bits carry FCS annotations)
 */
public record PcapHeader(ByteOrder order, boolean nanosecond, int snapLength, int linkType) {
    /** {@code LINKTYPE_ETHERNET} (DLT_EN10MB): frames start with a 14-byte Ethernet header. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** {@code LINKTYPE_RAW}: frames start with an IPv4 or IPv6 header. */
    public static final int LINKTYPE_RAW = 101;
    /** {@code LINKTYPE_LINUX_SLL}: Linux "cooked" capture, a 16-byte pseudo-header ({@code tcpdump -i any}). */
    public static final int LINKTYPE_LINUX_SLL = 113;
    /** {@code LINKTYPE_LINUX_SLL2}: the 20-byte cooked header of newer libpcap. */
    public static final int LINKTYPE_LINUX_SLL2 = 276;
    /**
     * The largest record this library accepts (libpcap's {@code MAXIMUM_SNAPLEN}, 256 KiB):
     * nothing captures bigger frames, so a larger length field is corruption.
     */
    public static final int MAX_SNAPLEN = 256 * 1024;

    public PcapHeader {
        Objects.requireNonNull(order, "order");
        if ((linkType & ~0xffff) != 0) {
            throw new IllegalArgumentException("link type " + linkType + " out of range 0..65535");
        }
    }

    /** Ethernet, little-endian, microseconds, 262144-byte snapshot: what {@code tcpdump -w} writes. */
    public static PcapHeader ethernet() {
        return new PcapHeader(ByteOrder.LITTLE_ENDIAN, false, MAX_SNAPLEN, LINKTYPE_ETHERNET);
    }

    /**
     * The most bytes one record may hold: the snapshot length, or {@link #MAX_SNAPLEN} when
     * the snapshot length is 0 or larger than that (as libpcap treats such headers).
     */
    public int recordLimit() {
        return snapLength > 0 && snapLength <= MAX_SNAPLEN ? snapLength : MAX_SNAPLEN;
    }
}
