package io.ebpfjvm.samples.firewall;

/**
 * The parser's totals ({@code struct totals} in {@code .bss}) and the ring buffer's
 * bookkeeping ({@code reports} in {@code .data}).
 */
public record Totals(long packets, long bytes, long ipv4, long ipv6, long vlan, long fragments, long malformed,
                     long nonIp, long reportsSent, long reportsLost) {
}
