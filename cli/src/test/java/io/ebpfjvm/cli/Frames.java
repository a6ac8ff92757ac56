package io.ebpfjvm.cli;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;

/** Builds test frames: Ethernet (with VLAN tags), IPv4 (options, fragments), IPv6 (extension headers), TCP, UDP. */
final class Frames {
    private Frames() {
    }

    static byte[] tcp(int sport, int dport, int seq, int flags, int window) {
        ByteBuffer b = ByteBuffer.allocate(20);
        b.putShort((short) sport).putShort((short) dport).putInt(seq).putInt(0);
        b.put((byte) 0x50).put((byte) flags).putShort((short) window).putShort((short) 0).putShort((short) 0);
        return b.array();
    }

    static byte[] udp(int sport, int dport, int payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload)).putShort((short) 0);
        return b.array();
    }

    static byte[] ipv4(int proto, int src, int dst, int ttl, int optionWords, int fragOff, byte[] l4) {
        int ihl = 5 + optionWords;
        ByteBuffer b = ByteBuffer.allocate(ihl * 4 + l4.length);
        b.put((byte) (0x40 | ihl)).put((byte) 0).putShort((short) (ihl * 4 + l4.length)).putShort((short) 0x1234)
            .putShort((short) fragOff).put((byte) ttl).put((byte) proto).putShort((short) 0).putInt(src).putInt(dst);
        for (int i = 0; i < optionWords; i++) {
            b.putInt(0x01010101);   // NOPs
        }
        b.put(l4);
        return b.array();
    }

    /** IPv6 with extension headers {@code ext} (next-header numbers), each 8 bytes, then {@code l4} of protocol {@code proto}. */
    static byte[] ipv6(int proto, byte[] src, byte[] dst, int hops, int[] ext, byte[] l4) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int first = ext.length > 0 ? ext[0] : proto;
        ByteBuffer h = ByteBuffer.allocate(40);
        h.putInt(0x60000000).putShort((short) (ext.length * 8 + l4.length)).put((byte) first).put((byte) hops).put(src).put(dst);
        out.writeBytes(h.array());
        for (int i = 0; i < ext.length; i++) {
            byte[] e = new byte[8];
            e[0] = (byte) (i + 1 < ext.length ? ext[i + 1] : proto);
            e[1] = 0;
            out.writeBytes(e);
        }
        out.writeBytes(l4);
        return out.toByteArray();
    }

    static byte[] ethernet(int type, int[] vlanTypes, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + vlanTypes.length * 4 + payload.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2});
        for (int v : vlanTypes) {
            b.putShort((short) v).putShort((short) 7);
        }
        b.putShort((short) type).put(payload);
        return b.array();
    }

    static byte[] ethernet(int type, byte[] payload) {
        return ethernet(type, new int[0], payload);
    }

    /** Sometimes cuts a frame short (never below the 14 bytes bpftool needs). */
    static byte[] maybeTruncate(Random r, byte[] frame) {
        if (r.nextInt(8) != 0 || frame.length <= 14) {
            return frame;
        }
        return java.util.Arrays.copyOf(frame, 14 + r.nextInt(frame.length - 14));
    }

    static byte[] v6(int... words) {
        ByteBuffer b = ByteBuffer.allocate(16);
        for (int i = 0; i < 8; i++) {
            b.putShort((short) (i < words.length ? words[i] : 0));
        }
        return b.array();
    }
}
