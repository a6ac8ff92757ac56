package io.ebpfjvm.interp.cbpf;

import io.ebpfjvm.core.pcap.PcapWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Synthetic Ethernet traffic varied enough that every test filter matches some packets and not others. */
final class TestTraffic {
    private TestTraffic() {
    }

    static List<byte[]> packets(int n, long seed) {
        Random r = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(packet(r));
        }
        return out;
    }

    static Path writePcap(List<byte[]> packets) {
        try {
            Path file = Files.createTempFile("ebpf-jvm-traffic", ".pcap");
            file.toFile().deleteOnExit();
            try (OutputStream os = Files.newOutputStream(file); PcapWriter w = PcapWriter.ethernet(os)) {
                long t = 1_700_000_000_000_000_000L;
                for (byte[] p : packets) {
                    w.write(t += 1000, p, 0, p.length, p.length);
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] packet(Random r) {
        int kind = r.nextInt(20);
        boolean vlan = r.nextInt(6) == 0;
        byte[] l3;
        int etherType;
        if (kind == 0) {
            etherType = 0x0806;
            l3 = bytes(r, 28);
        } else if (kind < 4) {
            etherType = 0x86dd;
            l3 = ipv6(r);
        } else if (kind == 4) {
            etherType = 0x88cc;
            l3 = bytes(r, 40);
        } else {
            etherType = 0x0800;
            l3 = ipv4(r);
        }
        int header = vlan ? 18 : 14;
        byte[] f = new byte[header + l3.length];
        byte[] mac = bytes(r, 12);
        System.arraycopy(mac, 0, f, 0, 12);
        f[0] = (byte) (r.nextInt(4) == 0 ? 0x01 : 0x02);
        if (vlan) {
            put16(f, 12, 0x8100);
            put16(f, 14, r.nextInt(4096));
        }
        put16(f, header - 2, etherType);
        System.arraycopy(l3, 0, f, header, l3.length);
        if (r.nextInt(40) == 0) {
            return java.util.Arrays.copyOf(f, 14 + r.nextInt(f.length - 13));
        }
        return f;
    }

    private static byte[] ipv4(Random r) {
        int opts = r.nextInt(5) == 0 ? 4 * (1 + r.nextInt(3)) : 0;
        int ihl = 20 + opts;
        int proto = new int[] {6, 6, 6, 17, 17, 1}[r.nextInt(6)];
        int l4 = proto == 6 ? 20 + 4 * r.nextInt(3) : 8;
        int payload = r.nextInt(300);
        byte[] p = new byte[ihl + l4 + payload];
        p[0] = (byte) (0x40 | ihl / 4);
        put16(p, 2, p.length);
        put16(p, 6, r.nextInt(4) == 0 ? r.nextInt(0x4000) : 0x4000);
        p[8] = 64;
        p[9] = (byte) proto;
        p[12] = (byte) (r.nextInt(3) == 0 ? 10 : 192);
        p[13] = (byte) r.nextInt(256);
        p[14] = (byte) r.nextInt(256);
        p[15] = (byte) r.nextInt(256);
        p[16] = (byte) (r.nextInt(5) == 0 ? 224 + r.nextInt(16) : (r.nextInt(3) == 0 ? 10 : 172));
        p[17] = (byte) r.nextInt(256);
        if (proto != 1) {
            int[] ports = {80, 53, 443, 1500, 1999, 2001, 22, 9999};
            put16(p, ihl, ports[r.nextInt(ports.length)]);
            put16(p, ihl + 2, ports[r.nextInt(ports.length)]);
        }
        if (proto == 6) {
            p[ihl + 12] = (byte) ((l4 / 4) << 4);
            p[ihl + 13] = (byte) (r.nextBoolean() ? 0x02 : 0x10);
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
        p[6] = (byte) (r.nextBoolean() ? 17 : 6);
        p[7] = 64;
        put16(p, 40, 1000 + r.nextInt(2000));
        put16(p, 42, r.nextBoolean() ? 53 : 1500);
        return p;
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
