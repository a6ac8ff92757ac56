package io.ebpfjvm.samples.firewall;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4/IPv6 literals to bytes and back, without ever asking DNS. */
public final class Addresses {
    private Addresses() {
    }

    /** 4 or 16 bytes for an address literal, or null if the text is not one. */
    public static byte[] parse(String text) {
        if (text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            String[] parts = text.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                b[i] = (byte) v;
            }
            return b;
        }
        // Only strings made of hex digits, colons and dots reach InetAddress: an IPv6 literal
        // is parsed locally, never resolved.
        if (text.contains(":") && text.matches("[0-9A-Fa-f:.]+")) {
            try {
                InetAddress a = InetAddress.getByName(text);
                return a instanceof Inet6Address ? a.getAddress() : null;
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    /** {@code any} for null, else the usual text form. */
    public static String format(byte[] address) {
        if (address == null) {
            return "any";
        }
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        // RFC 5952: lower-case hex groups, the longest run of two or more zero groups as "::".
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /** True when the first {@code bits} bits of {@code a} and {@code b} are equal. */
    public static boolean samePrefix(byte[] a, byte[] b, int bits) {
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >>> (i & 7);
            if ((a[i >>> 3] & mask) != (b[i >>> 3] & mask)) {
                return false;
            }
        }
        return true;
    }
}
