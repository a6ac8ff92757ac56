package io.ebpfjvm.cli;

import java.util.SplittableRandom;

/**
 * A deterministic synthetic traffic set for the built-in demo: Ethernet frames, some with an
 * 802.1Q tag, carrying ARP, IPv6, IPv4 TCP/UDP/ICMP (some from the blocked 10.66/16, some to
 * telnet or SSDP), unknown EtherTypes and truncated frames. All frames live in one array.
 */
final class DemoTraffic {
    final byte[] bytes;
    final int[] offsets;
    final int[] lengths;

    private DemoTraffic(byte[] bytes, int[] offsets, int[] lengths) {
        this.bytes = bytes;
        this.offsets = offsets;
        this.lengths = lengths;
    }

    int count() {
        return offsets.length;
    }

    static DemoTraffic generate(int packets, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] frames = new byte[packets][];
        long total = 0;
        for (int i = 0; i < packets; i++) {
            frames[i] = frame(random);
            total += frames[i].length;
        }
        byte[] all = new byte[Math.toIntExact(total)];
        int[] offsets = new int[packets];
        int[] lengths = new int[packets];
        int at = 0;
        for (int i = 0; i < packets; i++) {
            System.arraycopy(frames[i], 0, all, at, frames[i].length);
            offsets[i] = at;
            lengths[i] = frames[i].length;
            at += frames[i].length;
        }
        return new DemoTraffic(all, offsets, lengths);
    }

    private static byte[] frame(SplittableRandom r) {
        boolean vlan = r.nextInt(10) == 0;
        int kind = r.nextInt(100);
        int etherType;
        byte[] l3;
        if (kind < 5) {
            etherType = 0x0806;
            l3 = randomBytes(r, 28);
        } else if (kind < 20) {
            etherType = 0x86dd;
            l3 = randomBytes(r, 40 + r.nextInt(60));
        } else if (kind < 23) {
            etherType = 0x88cc; // LLDP: not allowed by the policy
            l3 = randomBytes(r, 30);
        } else {
            etherType = 0x0800;
            l3 = ipv4(r);
        }
        int header = vlan ? 18 : 14;
        byte[] frame = new byte[header + l3.length];
        for (int i = 0; i < 12; i++) {
            frame[i] = (byte) r.nextInt(256);
        }
        if (vlan) {
            putShort(frame, 12, 0x8100);
            putShort(frame, 14, r.nextInt(4096));
        }
        putShort(frame, header - 2, etherType);
        System.arraycopy(l3, 0, frame, header, l3.length);
        if (r.nextInt(50) == 0) {
            // Truncated capture: cut the frame anywhere.
            byte[] cut = new byte[r.nextInt(frame.length)];
            System.arraycopy(frame, 0, cut, 0, cut.length);
            return cut;
        }
        return frame;
    }

    private static byte[] ipv4(SplittableRandom r) {
        int options = r.nextInt(8) == 0 ? 4 * (1 + r.nextInt(3)) : 0;
        int ihl = 20 + options;
        int pick = r.nextInt(100);
        int protocol = pick < 60 ? 6 : pick < 90 ? 17 : 1;
        int payload = protocol == 1 ? 8 : 8 + r.nextInt(200);
        byte[] p = new byte[ihl + payload];
        p[0] = (byte) (0x40 | (ihl / 4));
        putShort(p, 2, p.length);
        p[8] = 64;
        p[9] = (byte) protocol;
        boolean blocked = r.nextInt(20) == 0;
        p[12] = 10;
        p[13] = (byte) (blocked ? 66 : r.nextInt(256));
        p[14] = (byte) r.nextInt(256);
        p[15] = (byte) r.nextInt(256);
        for (int i = 16; i < 20; i++) {
            p[i] = (byte) r.nextInt(256);
        }
        if (protocol != 1) {
            putShort(p, ihl, 1024 + r.nextInt(60000));
            int port = switch (r.nextInt(10)) {
                case 0 -> 23;
                case 1 -> 1900;
                case 2 -> 53;
                default -> r.nextInt(65536);
            };
            putShort(p, ihl + 2, port);
        }
        return p;
    }

    private static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }
}
