package io.ebpfjvm.core.cbpf;

import static io.ebpfjvm.core.cbpf.ClassicTranslator.A;
import static io.ebpfjvm.core.cbpf.ClassicTranslator.LEN;
import static io.ebpfjvm.core.cbpf.ClassicTranslator.TMP;
import static io.ebpfjvm.core.cbpf.ClassicTranslator.X;
import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Classic loads at negative offsets (the {@code SKF_AD_OFF}, {@code SKF_NET_OFF} and
 * {@code SKF_LL_OFF} ranges): which are translated, into what, and the errors for the rest.
 * {@link ClassicTranslator}'s Javadoc has the table.
 */
final class SpecialLoads {
    private SpecialLoads() {
    }

    // Ethernet values of skb->protocol and skb->pkt_type (linux/if_ether.h, linux/if_packet.h).
    static final int ETH_P_802_3 = 0x0001;
    static final int ETH_P_802_2 = 0x0004;
    static final int ETH_P_802_3_MIN = 0x0600;
    static final int PACKET_HOST = 0;
    static final int PACKET_BROADCAST = 1;
    static final int PACKET_MULTICAST = 2;
    static final int ETH_HLEN = 14;

    /** Names of the ancillary fields, by {@code (k - SKF_AD_OFF) / 4}. */
    private static final String[] NAMES = {
        "SKF_AD_PROTOCOL", "SKF_AD_PKTTYPE", "SKF_AD_IFINDEX", "SKF_AD_NLATTR", "SKF_AD_NLATTR_NEST",
        "SKF_AD_MARK", "SKF_AD_QUEUE", "SKF_AD_HATYPE", "SKF_AD_RXHASH", "SKF_AD_CPU", "SKF_AD_ALU_XOR_X",
        "SKF_AD_VLAN_TAG", "SKF_AD_VLAN_TAG_PRESENT", "SKF_AD_PAY_OFFSET", "SKF_AD_RANDOM", "SKF_AD_VLAN_TPID",
    };

    /** True when an absolute load at {@code k} reads ancillary data rather than packet bytes. */
    static boolean isAncillary(int k) {
        return k >= ClassicOpcodes.SKF_AD_OFF && k < 0;
    }

    /**
     * The frame offset a plain byte load at {@code k} reads: {@code k} itself, or n for
     * {@code SKF_LL_OFF + n}; -1 where no packet byte ever is, so the load fails and the program
     * returns 0 as in the kernel (below {@code SKF_LL_OFF}, and the ancillary range when reached
     * by {@code ldx 4*([k]&0xf)}, which the kernel treats as a plain load).
     */
    static int packetOffset(int pc, int k) {
        if (k >= 0) {
            return k;
        }
        if (k >= ClassicOpcodes.SKF_NET_OFF && k < ClassicOpcodes.SKF_AD_OFF) {
            throw ClassicChecker.error(pc, "load at SKF_NET_OFF+" + (k - ClassicOpcodes.SKF_NET_OFF)
                + " is relative to the network header, whose offset depends on the link layer: not supported");
        }
        if (k >= ClassicOpcodes.SKF_LL_OFF && k < ClassicOpcodes.SKF_NET_OFF) {
            return k - ClassicOpcodes.SKF_LL_OFF;
        }
        return -1;
    }

    /** Emits {@code A = <ancillary field>} for {@code ld [SKF_AD_OFF + n]}, or refuses it. */
    static void ancillary(EbpfEmitter out, int pc, int k) {
        int field = k - ClassicOpcodes.SKF_AD_OFF;
        switch (field) {
            case ClassicOpcodes.SKF_AD_PROTOCOL -> protocol(out);
            case ClassicOpcodes.SKF_AD_PKTTYPE -> packetType(out);
            case ClassicOpcodes.SKF_AD_IFINDEX -> out.emit(BPF_ALU | BPF_MOV | BPF_K, A, 0, 0, 0);
            case ClassicOpcodes.SKF_AD_ALU_XOR_X -> out.emit(BPF_ALU | BPF_XOR | BPF_X, A, X, 0, 0);
            default -> {
                if (field % 4 != 0 || field / 4 >= NAMES.length) {
                    throw ClassicChecker.error(pc, "load at SKF_AD_OFF+" + field
                        + " is no ancillary field the kernel knows: not supported");
                }
                throw ClassicChecker.error(pc, "ancillary load " + NAMES[field / 4] + " needs socket metadata a "
                    + "captured frame does not carry: not supported (translated: PROTOCOL, PKTTYPE, IFINDEX, ALU_XOR_X)");
            }
        }
    }

    /** A = skb->protocol as {@code eth_type_trans} derives it from an Ethernet header. */
    private static void protocol(EbpfEmitter out) {
        int done = out.newLabel();
        int llc = out.newLabel();
        out.emit(BPF_LD | BPF_ABS | BPF_H, 0, 0, 0, 12); // EtherType or 802.3 length (a runt returns 0)
        out.jump(BPF_JMP | BPF_JGE | BPF_K, A, 0, ETH_P_802_3_MIN, done);
        out.jump(BPF_JMP | BPF_JLT | BPF_K, LEN, 0, ETH_HLEN + 2, llc);
        out.emit(BPF_LD | BPF_ABS | BPF_H, 0, 0, 0, ETH_HLEN);
        out.jump(BPF_JMP | BPF_JNE | BPF_K, A, 0, 0xffff, llc);
        out.emit(BPF_ALU | BPF_MOV | BPF_K, A, 0, 0, ETH_P_802_3); // Novell "raw 802.3": payload starts 0xffff
        out.jump(BPF_JMP | BPF_JA, 0, 0, 0, done);
        out.bind(llc);
        out.emit(BPF_ALU | BPF_MOV | BPF_K, A, 0, 0, ETH_P_802_2);
        out.bind(done);
    }

    /** A = skb->pkt_type as {@code eth_type_trans} derives it from the destination MAC. */
    private static void packetType(EbpfEmitter out) {
        int whole = out.newLabel();
        int group = out.newLabel();
        int multicast = out.newLabel();
        int done = out.newLabel();
        out.jump(BPF_JMP | BPF_JGE | BPF_K, LEN, 0, ETH_HLEN, whole);
        out.emit(BPF_ALU | BPF_MOV | BPF_K, A, 0, 0, 0); // shorter than an Ethernet header: return 0
        out.emit(EXIT, 0, 0, 0, 0);
        out.bind(whole);
        out.emit(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 0);
        out.jump(BPF_JMP | BPF_JSET | BPF_K, A, 0, 1, group); // the group bit of the destination
        out.emit(BPF_ALU | BPF_MOV | BPF_K, A, 0, 0, PACKET_HOST);
        out.jump(BPF_JMP | BPF_JA, 0, 0, 0, done);
        out.bind(group);
        out.emit(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 0);
        out.emit(BPF_ALU | BPF_MOV | BPF_K, TMP, 0, 0, -1); // w2 = 0xffffffff (zero-extended)
        out.jump(BPF_JMP | BPF_JNE | BPF_X, A, TMP, 0, multicast);
        out.emit(BPF_LD | BPF_ABS | BPF_H, 0, 0, 0, 4);
        out.jump(BPF_JMP | BPF_JNE | BPF_K, A, 0, 0xffff, multicast);
        out.emit(BPF_ALU | BPF_MOV | BPF_K, A, 0, 0, PACKET_BROADCAST);
        out.jump(BPF_JMP | BPF_JA, 0, 0, 0, done);
        out.bind(multicast);
        out.emit(BPF_ALU | BPF_MOV | BPF_K, A, 0, 0, PACKET_MULTICAST);
        out.bind(done);
    }
}
