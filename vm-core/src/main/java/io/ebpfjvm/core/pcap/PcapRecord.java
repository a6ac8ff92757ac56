package io.ebpfjvm.core.pcap;

/**
 * One captured packet.
 *
 * @param timestampNanos capture time, nanoseconds since the epoch
 * @param originalLength length of the packet on the wire
 * @param data           the captured bytes ({@code data.length <= originalLength})
 */
public record PcapRecord(long timestampNanos, int originalLength, byte[] data) {
}
