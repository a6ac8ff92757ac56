package io.ebpfjvm.bench;

import java.util.SplittableRandom;

/**
 * The frame sizes a benchmark runs over. Contents come from {@link Traffic}; this only decides
 * how long each frame is.
 */
public enum PacketMix {
    /** Minimum-size Ethernet frames (64 bytes with FCS, 60 without). */
    SMALL,
    /** Full 1514-byte frames (1500-byte MTU plus the Ethernet header). */
    MTU,
    /** The "simple IMIX" proportions 7:4:1 of 60, 590 and 1514 bytes. */
    MIXED;

    int frameLength(SplittableRandom random) {
        return switch (this) {
            case SMALL -> 60;
            case MTU -> 1514;
            case MIXED -> {
                int pick = random.nextInt(12);
                yield pick < 7 ? 60 : pick < 11 ? 590 : 1514;
            }
        };
    }

    /** The lower-case name used in JMH parameters and reports. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static PacketMix of(String id) {
        return valueOf(id.toUpperCase(java.util.Locale.ROOT));
    }
}
