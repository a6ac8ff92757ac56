package io.ebpfjvm.core.pcap;

import java.nio.ByteOrder;

/**
 * The global header of a classic pcap file.
 *
 * @param order       byte order the file was written in
 * @param nanosecond  true for the nanosecond-resolution variant (magic 0xa1b23c4d)
 * @param snapLength  the capture's snapshot length
 * @param linkType    the link-layer header type (1 = Ethernet, 101 = raw IP, 113 = Linux cooked)
 */
public record PcapHeader(ByteOrder order, boolean nanosecond, int snapLength, int linkType) {
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int LINKTYPE_RAW = 101;
    public static final int LINKTYPE_LINUX_SLL = 113;
}
