# Built-in demo classifier (uBPF syntax). Input: r1 = frame start, r2 = frame length.
# Returns XDP-style verdicts: 1 = DROP, 2 = PASS.
# Policy: Ethernet (optionally one 802.1Q tag) carrying
#   ARP            -> PASS
#   IPv6           -> PASS
#   IPv4 from 10.66.0.0/16                 -> DROP (blocked subnet)
#   IPv4 TCP to port 23 (telnet)           -> DROP
#   IPv4 UDP to port 1900 (SSDP)           -> DROP
#   other IPv4                             -> PASS
#   anything else, or a truncated header   -> DROP
    mov %r6, %r1            # r6 = packet start
    mov %r7, %r2            # r7 = packet length
    mov %r8, 14             # r8 = offset of the L3 header
    jlt %r7, 14, drop
    ldxh %r3, [%r6+12]
    be16 %r3                # EtherType in host order
    jne %r3, 0x8100, untagged
    jlt %r7, 18, drop
    ldxh %r3, [%r6+16]
    be16 %r3
    mov %r8, 18
untagged:
    jeq %r3, 0x0806, pass
    jeq %r3, 0x86dd, pass
    jne %r3, 0x0800, drop
    # IPv4: need 20 bytes of header
    mov %r4, %r8
    add %r4, 20
    jgt %r4, %r7, drop
    mov %r5, %r6
    add %r5, %r8            # r5 = IPv4 header
    ldxw %r3, [%r5+12]      # source address, network order
    and %r3, 0xffff
    jeq %r3, 0x420a, drop   # 10.66.x.x read little-endian
    ldxb %r9, [%r5+0]
    and %r9, 0x0f
    lsh %r9, 2              # r9 = IHL in bytes
    jlt %r9, 20, drop
    ldxb %r3, [%r5+9]       # protocol
    add %r8, %r9            # r8 = offset of the L4 header
    mov %r4, %r8
    add %r4, 4
    jgt %r4, %r7, l4short
    mov %r5, %r6
    add %r5, %r8
    ldxh %r4, [%r5+2]       # destination port
    be16 %r4
    jeq %r3, 6, tcp
    jeq %r3, 17, udp
    ja pass
tcp:
    jeq %r4, 23, drop
    ja pass
udp:
    jeq %r4, 1900, drop
    ja pass
l4short:
    jeq %r3, 6, drop        # TCP/UDP without ports is malformed
    jeq %r3, 17, drop
pass:
    mov %r0, 2
    exit
drop:
    mov %r0, 1
    exit
