package io.ebpfjvm.core.cbpf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Ethernet frames varied enough that each test filter matches some and not others: IPv4
 * (TCP with flags and options, UDP, ICMP, fragments, options, zero TTL), IPv6, ARP, LLDP,
 * 802.1Q/802.1ad/QinQ tags, broadcast and multicast destinations, 802.3 length frames (raw
 * and LLC), runts and frames cut short. Deterministic for a seed.
 */
public final class SyntheticTraffic {
    private SyntheticTraffic() {
    }

    private static final int[] PORTS = {80, 53, 443, 999, 1000, 1500, 2000, 2001, 22, 9999};

    /** {@link #edges()} first, then random frames up to {@code n} in all. */
    public static List<byte[]> packets(int n, long seed) {
        Random r = new Random(seed);
        List<byte[]> out = new ArrayList<>(edges());
        while (out.size() < n) {
            out.add(frame(r));
        }
        return out;
    }

    /**
     * Frames at the length limits of the special loads: every runt length, 802.3 frames of 14
     * to 17 bytes with and without the raw-IPX 0xffff, a broadcast header alone.
     */
    static List<byte[]> edges() {
        List<byte[]> out = new ArrayList<>();
        for (int n = 0; n < 14; n++) {
            byte[] runt = new byte[n];
            Arrays.fill(runt, (byte) 0xff);
            out.add(runt);
        }
        for (int n = 14; n <= 17; n++) {
            for (int fill : new int[] {0xff, 0xaa}) {
                byte[] f = new byte[n];
                Arrays.fill(f, (byte) fill);
                f[0] = 0x02;
                put16(f, 12, n - 14);
                out.add(f);
            }
        }
        byte[] broadcast = new byte[14];
        Arrays.fill(broadcast, (byte) 0xff);
        put16(broadcast, 12, 0x0800);
        out.add(broadcast);
        return out;
    }

    private static byte[] frame(Random r) {
        int kind = r.nextInt(40);
        if (kind == 0) {
            return bytes(r, r.nextInt(14)); // runt
        }
        if (kind == 1) {
            return ieee8023(r);
        }
        int etherType;
        byte[] l3;
        if (kind < 4) {
            etherType = 0x0806;
            l3 = bytes(r, 28);
        } else if (kind < 10) {
            etherType = 0x86dd;
            l3 = ipv6(r);
        } else if (kind == 10) {
            etherType = 0x88cc;
            l3 = bytes(r, 40);
        } else {
            etherType = 0x0800;
            l3 = ipv4(r);
        }
        int tags = r.nextInt(6) == 0 ? 1 + r.nextInt(2) : 0;
        int header = 14 + 4 * tags;
        byte[] f = new byte[header + l3.length];
        System.arraycopy(destination(r), 0, f, 0, 6);
        System.arraycopy(bytes(r, 6), 0, f, 6, 6);
        int at = 12;
        for (int t = 0; t < tags; t++) {
            int[] tpids = {0x8100, 0x88a8, 0x9100};
            put16(f, at, t == 0 && tags == 2 ? 0x88a8 : tpids[r.nextInt(3)]);
            put16(f, at + 2, r.nextInt(4096));
            at += 4;
        }
        put16(f, at, etherType);
        System.arraycopy(l3, 0, f, header, l3.length);
        if (r.nextInt(25) == 0) {
            return Arrays.copyOf(f, 14 + r.nextInt(f.length - 13)); // cut by a small snapshot
        }
        return f;
    }

    private static byte[] destination(Random r) {
        byte[] mac = bytes(r, 6);
        switch (r.nextInt(8)) {
            case 0 -> Arrays.fill(mac, (byte) 0xff);
            case 1 -> mac[0] |= 1;                            // some multicast group
            case 2 -> {
                mac[0] = (byte) 0xff;                         // almost broadcast
                mac[1] = (byte) 0xff;
                mac[2] = (byte) 0xff;
                mac[3] = (byte) 0xff;
                mac[4] = (byte) 0xff;
            }
            default -> mac[0] &= (byte) 0xfe;                 // unicast
        }
        return mac;
    }

    /** An 802.3 frame: a length field instead of an EtherType, then raw IPX (0xffff) or LLC. */
    private static byte[] ieee8023(Random r) {
        int payload = r.nextInt(60);
        byte[] f = new byte[14 + payload];
        System.arraycopy(destination(r), 0, f, 0, 6);
        put16(f, 12, payload);
        if (payload >= 2 && r.nextBoolean()) {
            f[14] = (byte) 0xff;
            f[15] = (byte) (r.nextBoolean() ? 0xff : 0xfe);
        } else if (payload >= 3) {
            f[14] = (byte) 0xaa;
            f[15] = (byte) 0xaa;
            f[16] = 0x03;
        }
        return f;
    }

    private static byte[] ipv4(Random r) {
        int ihl = 20 + (r.nextInt(5) == 0 ? 4 * (1 + r.nextInt(3)) : 0);
        int proto = new int[] {6, 6, 6, 17, 17, 1, 47}[r.nextInt(7)];
        int l4 = proto == 6 ? 20 + 4 * r.nextInt(3) : 8;
        int payload = r.nextInt(5) == 0 ? r.nextInt(600) : r.nextInt(120);
        byte[] p = new byte[ihl + l4 + payload];
        p[0] = (byte) (0x40 | ihl / 4);
        p[1] = (byte) r.nextInt(256);
        put16(p, 2, r.nextInt(10) == 0 ? r.nextInt(65536) : p.length);
        put16(p, 6, r.nextInt(4) == 0 ? r.nextInt(0x4000) : 0x4000);
        p[8] = (byte) (r.nextInt(8) == 0 ? 0 : r.nextInt(256));
        p[9] = (byte) proto;
        p[12] = (byte) (r.nextInt(3) == 0 ? 10 : 192);
        p[13] = (byte) r.nextInt(256);
        p[14] = (byte) r.nextInt(256);
        p[15] = (byte) r.nextInt(256);
        p[16] = (byte) (r.nextInt(5) == 0 ? 224 + r.nextInt(16) : r.nextInt(3) == 0 ? 10 : 172);
        p[17] = (byte) r.nextInt(256);
        p[18] = (byte) r.nextInt(256);
        p[19] = (byte) r.nextInt(256);
        if (proto == 6 || proto == 17) {
            put16(p, ihl, port(r));
            put16(p, ihl + 2, port(r));
        } else if (proto == 1) {
            p[ihl] = (byte) new int[] {0, 8, 3, 11}[r.nextInt(4)];
        }
        if (proto == 6) {
            p[ihl + 12] = (byte) ((l4 / 4) << 4);
            p[ihl + 13] = (byte) new int[] {0x02, 0x12, 0x10, 0x18, 0x11, 0x04}[r.nextInt(6)];
            if (payload >= 4 && r.nextBoolean()) {
                System.arraycopy("GET ".getBytes(), 0, p, ihl + l4, 4);
            }
        }
        return p;
    }

    private static byte[] ipv6(Random r) {
        byte[] p = new byte[40 + 8 + r.nextInt(100)];
        p[0] = 0x60;
        put16(p, 4, p.length - 40);
        p[6] = (byte) new int[] {17, 6, 58, 44}[r.nextInt(4)];
        p[7] = 64;
        put16(p, 40, port(r));
        put16(p, 42, r.nextBoolean() ? 53 : port(r));
        return p;
    }

    private static int port(Random r) {
        return r.nextInt(4) == 0 ? r.nextInt(65536) : PORTS[r.nextInt(PORTS.length)];
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }
}
