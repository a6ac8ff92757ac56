package io.ebpfjvm.samples.firewall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic traffic with a realistic mix: IPv4 and IPv6, TCP to the usual
 * service ports, UDP (DNS, NTP, QUIC, SSDP), ICMP/ICMPv6, a little GRE and SCTP, ARP and LLDP,
 * a share of 802.1Q and 802.1ad (Q-in-Q) tagged frames, IPv4 options, fragments of both
 * families, IPv6 extension-header chains, sources from the default blocklist, the default
 * rules' exact flows, and about 1.5% malformed or truncated frames. The same seed and count
 * give the same bytes on every run and machine.
 *
 * <p>Frames carry at most 64 bytes of payload: classification reads headers only, and short
 * frames keep a million of them in about 100 MB.
 */
public final class TrafficGenerator {
    private static final int MAX_FRAME = 256;
    private final SplittableRandom random;
    private final ByteBuffer frame = ByteBuffer.allocate(MAX_FRAME).order(ByteOrder.BIG_ENDIAN);

    private TrafficGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Frames generated from one random stream; chunks are generated in parallel, then joined in order. */
    private static final int CHUNK = 1 << 16;

    /** {@code count} frames from {@code seed}: the same bytes whatever the number of cores. */
    public static Traffic generate(long seed, int count) {
        int chunks = (count + CHUNK - 1) / CHUNK;
        SplittableRandom root = new SplittableRandom(seed);
        long[] seeds = new long[chunks];
        for (int c = 0; c < chunks; c++) {
            seeds[c] = root.nextLong();
        }
        Traffic[] parts = new Traffic[chunks];
        java.util.stream.IntStream.range(0, chunks).parallel().forEach(c -> {
            TrafficGenerator g = new TrafficGenerator(seeds[c]);
            Traffic.Builder out = new Traffic.Builder();
            int n = Math.min(CHUNK, count - c * CHUNK);
            for (int i = 0; i < n; i++) {
                int length = g.next();
                out.add(g.frame.array(), 0, length);
            }
            parts[c] = out.build();
        });
        return Traffic.concat(parts);
    }

    private int pick(int... weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int r = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private boolean chance(int perMille) {
        return random.nextInt(1000) < perMille;
    }

    /** Writes one frame into {@link #frame}; returns its length. */
    private int next() {
        ByteBuffer f = frame;
        java.util.Arrays.fill(f.array(), (byte) 0);
        f.clear();
        // Ethernet: locally administered MACs.
        f.put((byte) 0x02).putInt(random.nextInt()).put((byte) 1);
        f.put((byte) 0x02).putInt(random.nextInt()).put((byte) 2);
        int tags = pick(860, 120, 18, 2);  // none, 802.1Q, Q-in-Q, three tags (the program follows two)
        for (int t = 0; t < tags; t++) {
            f.putShort((short) (t == 0 && tags > 1 ? 0x88a8 : 0x8100));
            f.putShort((short) ((random.nextInt(8) << 13) | (1 + random.nextInt(4094))));
        }
        int kind = pick(15, 5, 15, 690, 275);  // ARP, LLDP, malformed, IPv4, IPv6
        int length;
        switch (kind) {
            case 0 -> length = arp(f);
            case 1 -> length = lldp(f);
            case 2 -> length = malformed(f);
            case 3 -> length = ipv4(f);
            default -> length = ipv6(f);
        }
        return Math.max(length, 0);
    }

    private int arp(ByteBuffer f) {
        f.putShort((short) 0x0806);
        f.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) (1 + random.nextInt(2)));
        f.position(f.position() + 6).putInt(0x0a010000 | random.nextInt(1 << 16));
        f.position(f.position() + 6).putInt(0x0a000000 | random.nextInt(256));
        return Math.max(f.position(), 60);
    }

    private int lldp(ByteBuffer f) {
        f.putShort((short) 0x88cc);
        f.putShort((short) ((1 << 9) | 7)).put((byte) 4).put(new byte[6]);
        f.putShort((short) 0);
        return Math.max(f.position(), 60);
    }

    /** A frame the parser must refuse: cut short somewhere in its headers, or inconsistent. */
    private int malformed(ByteBuffer f) {
        int how = pick(20, 20, 25, 15, 10, 10);
        switch (how) {
            case 0 -> {
                return random.nextInt(14);  // runt: not even an Ethernet header
            }
            case 1 -> {  // IPv4 header cut short
                int start = f.position();
                ipv4(f);
                return start + 2 + random.nextInt(20);
            }
            case 2 -> {  // transport header cut short (TCP needs 20 bytes, UDP 8)
                boolean v6 = random.nextBoolean();
                int l3 = f.position() + 2;
                int protocol = random.nextBoolean() ? Protocols.TCP : Protocols.UDP;
                writeIp(f, v6, protocol, client(v6), server(v6), 0, 0, false);
                int l4 = l3 + (v6 ? 40 : 20);
                return l4 + random.nextInt(protocol == Protocols.TCP ? 20 : 8);
            }
            case 3 -> {  // wrong IP version in the header
                int start = f.position();
                int end = ipv4(f);
                f.put(start + 2, (byte) ((random.nextBoolean() ? 0x65 : 0x35)));
                return end;
            }
            case 4 -> {  // IPv4 header length below 5 words, or past the frame
                int start = f.position();
                ipv4(f);
                boolean tooSmall = random.nextBoolean();
                f.put(start + 2, (byte) (0x40 | (tooSmall ? random.nextInt(5) : 15)));
                return tooSmall ? f.position() : start + 2 + 20 + random.nextInt(20);
            }
            default -> {  // IPv6 with more extension headers than the program walks
                f.putShort((short) 0x86dd);
                int ip = f.position();
                int chain = 5 + random.nextInt(2);
                f.putInt(0x60000000).putShort((short) (chain * 8 + 8)).put((byte) 0).put((byte) 64);
                f.put(client(true)).put(server(true));
                for (int i = 0; i < chain; i++) {
                    f.put((byte) (i == chain - 1 ? Protocols.UDP : 60)).put((byte) 0).putShort((short) 0).putInt(0);
                }
                f.putShort((short) 5000).putShort((short) 53).putShort((short) 8).putShort((short) 0);
                return Math.max(f.position(), ip);
            }
        }
    }

    private byte[] client(boolean v6) {
        if (v6) {
            int which = pick(60, 35, 5);
            byte[] a = new byte[16];
            if (which == 0) {
                put(a, 0x20010db8, 0x00010000, 0, random.nextInt(4096));
            } else if (which == 1) {
                put(a, 0x2a000000 | random.nextInt(1 << 24), random.nextInt(), random.nextInt(), random.nextInt());
            } else {
                put(a, 0x20010db8, 0x0bad0000 | random.nextInt(1 << 16), 0, random.nextInt());
            }
            return a;
        }
        int which = pick(50, 20, 26, 2, 1, 1);
        int address = switch (which) {
            case 0 -> 0x0a010000 | random.nextInt(1 << 16);          // 10.1.0.0/16
            case 1 -> 0xac100000 | random.nextInt(1 << 16);          // 172.16.0.0/16
            case 2 -> 0x08000000 + random.nextInt(0x60000000);       // public
            case 3 -> 0xcb007100 | random.nextInt(256);              // 203.0.113.0/24, blocked
            case 4 -> 0xc6336400 | random.nextInt(256);              // 198.51.100.0/24, blocked in two rules
            default -> random.nextBoolean() ? 0xc0000242 : 0xc0000243; // 192.0.2.66 blocked, .67 not
        };
        return ByteBuffer.allocate(4).putInt(address).array();
    }

    private byte[] server(boolean v6) {
        if (v6) {
            byte[] a = new byte[16];
            int host = pick(40, 20, 20, 20);
            put(a, 0x20010db8, 0x00020000, 0, host == 0 ? 0x22 : host == 1 ? 0x53 : host == 2 ? 0x80 : 0x100 + random.nextInt(64));
            return a;
        }
        int host = pick(10, 20, 20, 50);
        int last = host == 0 ? 22 : host == 1 ? 53 : host == 2 ? 80 : 10 + random.nextInt(90);
        return ByteBuffer.allocate(4).putInt(0x0a000000 | last).array();
    }

    private static void put(byte[] a, int w0, int w1, int w2, int w3) {
        ByteBuffer.wrap(a).putInt(w0).putInt(w1).putInt(w2).putInt(w3);
    }

    private int protocol() {
        return switch (pick(620, 280, 70, 15, 5, 10)) {
            case 0 -> Protocols.TCP;
            case 1 -> Protocols.UDP;
            case 2 -> Protocols.ICMP;  // ICMPv6 for IPv6
            case 3 -> Protocols.GRE;
            case 4 -> 132;             // SCTP
            default -> 89;             // OSPF
        };
    }

    private int dport(int protocol) {
        if (protocol == Protocols.TCP) {
            int[] ports = {443, 80, 22, 23, 3389, 25, 8080};
            int i = pick(400, 200, 80, 30, 30, 30, 50, 180);
            return i < ports.length ? ports[i] : 1024 + random.nextInt(64512);
        }
        int[] ports = {53, 123, 1900, 443, 5353};
        int i = pick(400, 100, 80, 200, 50, 170);
        return i < ports.length ? ports[i] : 1024 + random.nextInt(64512);
    }

    private int ipv4(ByteBuffer f) {
        return ipFlow(f, false);
    }

    private int ipv6(ByteBuffer f) {
        return ipFlow(f, true);
    }

    /** A well-formed IP packet of a random flow (or one of the default rules' exact flows). */
    private int ipFlow(ByteBuffer f, boolean v6) {
        if (chance(10)) {
            // The exact flows of the default rules 10 and 11.
            if (!v6) {
                return writeIp(f, false, Protocols.TCP, new byte[] {10, 1, 2, 3}, new byte[] {10, 0, 0, 80}, 40000, 80, true);
            }
            byte[] src = new byte[16];
            byte[] dst = new byte[16];
            put(src, 0x20010db8, 0x00010000, 0, 0x10);
            put(dst, 0x20010db8, 0x00020000, 0, 0x53);
            return writeIp(f, true, Protocols.UDP, src, dst, 5353, 53, true);
        }
        int protocol = protocol();
        if (v6 && protocol == Protocols.ICMP) {
            protocol = Protocols.ICMPV6;
        }
        int sport = 1024 + random.nextInt(64512);
        int dport = protocol == Protocols.TCP || protocol == Protocols.UDP ? dport(protocol) : 0;
        return writeIp(f, v6, protocol, client(v6), server(v6), sport, dport, true);
    }

    /**
     * Writes an IP header (with, sometimes, IPv4 options, IPv6 extension headers, or a
     * fragment header), then the transport header and a short payload.
     */
    private int writeIp(ByteBuffer f, boolean v6, int protocol, byte[] src, byte[] dst, int sport, int dport,
                        boolean payload) {
        int payloadLength = payload ? random.nextInt(65) : 0;
        boolean laterFragment = false;
        boolean firstFragment = false;
        int transportLength = transportLength(protocol);
        if (!v6) {
            f.putShort((short) 0x0800);
            int ip = f.position();
            int optionWords = chance(30) ? 1 + random.nextInt(3) : 0;
            int fragment = pick(960, 20, 20);  // none, first fragment (MF), later fragment
            firstFragment = fragment == 1;
            laterFragment = fragment == 2;
            f.put((byte) (0x45 + optionWords)).put((byte) 0).putShort((short) 0).putShort((short) random.nextInt(65536));
            int flags = firstFragment ? 0x2000 : laterFragment ? (random.nextBoolean() ? 0x2000 : 0) | (1 + random.nextInt(180)) : 0x4000;
            f.putShort((short) flags).put((byte) (32 + random.nextInt(96))).put((byte) protocol).putShort((short) 0);
            f.put(src).put(dst);
            for (int w = 0; w < optionWords; w++) {
                f.putInt(w == optionWords - 1 ? 0x01010100 : 0x01010101);  // NOPs, then end of options
            }
            int headerLength = 20 + optionWords * 4;
            int total = headerLength + (laterFragment ? 0 : transportLength) + payloadLength;
            f.putShort(ip + 2, (short) total);
            f.putShort(ip + 10, (short) checksum(f.array(), ip, headerLength));
        } else {
            f.putShort((short) 0x86dd);
            int ip = f.position();
            f.putInt(0x60000000 | random.nextInt(1 << 20)).putShort((short) 0);
            int firstNext = f.position();
            f.put((byte) protocol).put((byte) 64).put(src).put(dst);
            int extensions = chance(60) ? pick(30, 25, 10, 25, 5, 5) + 1 : 0;
            int[] chain = switch (extensions) {
                case 0 -> new int[0];
                case 1 -> new int[] {0};            // hop-by-hop
                case 2 -> new int[] {60};           // destination options
                case 3 -> new int[] {43};           // routing
                case 4 -> new int[] {44};           // fragment
                case 5 -> new int[] {0, 60, 44};    // hop-by-hop, destination options, fragment
                default -> new int[] {51};          // authentication header
            };
            int previous = firstNext;
            for (int type : chain) {
                f.put(previous, (byte) type);
                previous = f.position();
                f.put((byte) protocol);
                if (type == 44) {
                    laterFragment = random.nextInt(2) == 0;
                    firstFragment = !laterFragment;
                    int offset = laterFragment ? (1 + random.nextInt(180)) << 3 : 0;
                    f.put((byte) 0).putShort((short) (offset | (random.nextBoolean() || firstFragment ? 1 : 0)))
                        .putInt(random.nextInt());
                } else if (type == 51) {
                    f.put((byte) 4).putShort((short) 0).putInt(random.nextInt()).putInt(random.nextInt())
                        .putInt(random.nextInt()).putInt(random.nextInt()).putInt(random.nextInt());  // 24 bytes
                } else {
                    int units = random.nextInt(2);
                    f.put((byte) units).put((byte) 1).put((byte) 4).putInt(0);  // PadN
                    for (int u = 0; u < units; u++) {
                        f.putLong(0x0106000000000000L);  // PadN of 6 bytes
                    }
                }
            }
            int payloadStart = ip + 40;
            int total = f.position() - payloadStart + (laterFragment ? 0 : transportLength) + payloadLength;
            f.putShort(ip + 4, (short) total);
        }
        if (!laterFragment) {
            writeTransport(f, protocol, sport, dport, payloadLength);
        }
        for (int i = 0; i < payloadLength; i++) {
            f.put((byte) random.nextInt(256));
        }
        return f.position();
    }

    private static int transportLength(int protocol) {
        return switch (protocol) {
            case Protocols.TCP -> 20;
            case Protocols.UDP, Protocols.ICMP, Protocols.ICMPV6, Protocols.GRE, 132 -> 8;
            default -> 0;
        };
    }

    private void writeTransport(ByteBuffer f, int protocol, int sport, int dport, int payloadLength) {
        switch (protocol) {
            case Protocols.TCP -> {
                f.putShort((short) sport).putShort((short) dport).putInt(random.nextInt()).putInt(random.nextInt());
                int flags = pick(30, 50, 10, 10);  // SYN, ACK, FIN|ACK, PSH|ACK
                f.put((byte) 0x50).put((byte) (flags == 0 ? 0x02 : flags == 1 ? 0x10 : flags == 2 ? 0x11 : 0x18));
                f.putShort((short) 64240).putShort((short) 0).putShort((short) 0);
            }
            case Protocols.UDP -> f.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payloadLength))
                .putShort((short) 0);
            case Protocols.ICMP -> {
                int[] types = {8, 0, 3, 11, 13};
                int type = types[pick(50, 30, 10, 5, 5)];
                f.put((byte) type).put((byte) (type == 3 ? random.nextInt(4) : 0)).putShort((short) 0).putInt(random.nextInt());
            }
            case Protocols.ICMPV6 -> {
                int[] types = {128, 129, 135, 136, 137, 1};
                int type = types[pick(40, 30, 10, 10, 5, 5)];
                f.put((byte) type).put((byte) (type == 1 ? random.nextInt(5) : 0)).putShort((short) 0).putInt(random.nextInt());
            }
            case Protocols.GRE -> f.putShort((short) 0).putShort((short) 0x0800).putInt(0);
            case 132 -> f.putShort((short) sport).putShort((short) (dport == 0 ? 2905 : dport)).putInt(random.nextInt());
            default -> {
            }
        }
    }

    private static int checksum(byte[] b, int offset, int length) {
        int sum = 0;
        for (int i = 0; i < length; i += 2) {
            sum += ((b[offset + i] & 0xff) << 8) | (b[offset + i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return ~sum & 0xffff;
    }
}
