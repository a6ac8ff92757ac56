package io.ebpfjvm.samples.firewall;

/** IP protocol numbers the firewall names. */
public final class Protocols {
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int GRE = 47;
    public static final int ICMPV6 = 58;

    private Protocols() {
    }

    public static String name(int protocol) {
        return switch (protocol) {
            case ICMP -> "icmp";
            case TCP -> "tcp";
            case UDP -> "udp";
            case GRE -> "gre";
            case ICMPV6 -> "icmp6";
            default -> Integer.toString(protocol);
        };
    }

    /** The number for a name ({@code tcp}, {@code udp}, {@code icmp}, {@code icmp6}, {@code gre}) or a decimal 0-255; -1 if neither. */
    public static int parse(String text) {
        return switch (text.toLowerCase()) {
            case "icmp" -> ICMP;
            case "tcp" -> TCP;
            case "udp" -> UDP;
            case "gre" -> GRE;
            case "icmp6", "icmpv6", "ipv6-icmp" -> ICMPV6;
            default -> {
                if (!text.matches("\\d{1,3}")) {
                    yield -1;
                }
                int n = Integer.parseInt(text);
                yield n <= 255 ? n : -1;
            }
        };
    }
}
