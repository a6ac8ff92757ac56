package io.ebpfjvm.core.cbpf;

/**
 * The fields of a classic BPF opcode and the special load offsets, with the values and names
 * of the kernel's {@code linux/bpf_common.h} and {@code linux/filter.h}. The one place these
 * numbers are written down for classic BPF.
 */
public final class ClassicOpcodes {
    private ClassicOpcodes() {
    }

    // Instruction classes (code & 0x07).
    public static final int BPF_LD = 0x00;
    public static final int BPF_LDX = 0x01;
    public static final int BPF_ST = 0x02;
    public static final int BPF_STX = 0x03;
    public static final int BPF_ALU = 0x04;
    public static final int BPF_JMP = 0x05;
    public static final int BPF_RET = 0x06;
    public static final int BPF_MISC = 0x07;

    // Load sizes (code & 0x18).
    public static final int BPF_W = 0x00;
    public static final int BPF_H = 0x08;
    public static final int BPF_B = 0x10;

    // Load modes (code & 0xe0).
    public static final int BPF_IMM = 0x00;
    public static final int BPF_ABS = 0x20;
    public static final int BPF_IND = 0x40;
    public static final int BPF_MEM = 0x60;
    public static final int BPF_LEN = 0x80;
    public static final int BPF_MSH = 0xa0;

    // ALU operations (code & 0xf0).
    public static final int BPF_ADD = 0x00;
    public static final int BPF_SUB = 0x10;
    public static final int BPF_MUL = 0x20;
    public static final int BPF_DIV = 0x30;
    public static final int BPF_OR = 0x40;
    public static final int BPF_AND = 0x50;
    public static final int BPF_LSH = 0x60;
    public static final int BPF_RSH = 0x70;
    public static final int BPF_NEG = 0x80;
    public static final int BPF_MOD = 0x90;
    public static final int BPF_XOR = 0xa0;

    // Jump operations (code & 0xf0).
    public static final int BPF_JA = 0x00;
    public static final int BPF_JEQ = 0x10;
    public static final int BPF_JGT = 0x20;
    public static final int BPF_JGE = 0x30;
    public static final int BPF_JSET = 0x40;

    // Operand source (code & 0x08); for BPF_RET, code & 0x18.
    public static final int BPF_K = 0x00;
    public static final int BPF_X = 0x08;
    public static final int BPF_A = 0x10;

    // BPF_MISC operations (code & 0xf8).
    public static final int BPF_TAX = 0x00;
    public static final int BPF_TXA = 0x80;

    /** Scratch memory words M[0..15]. */
    public static final int BPF_MEMWORDS = 16;
    /** Most instructions a filter may have. */
    public static final int BPF_MAXINSNS = 4096;

    /** Loads at {@code SKF_AD_OFF + n} read socket metadata ("ancillary data") instead of the packet. */
    public static final int SKF_AD_OFF = -0x1000;
    public static final int SKF_AD_PROTOCOL = 0;
    public static final int SKF_AD_PKTTYPE = 4;
    public static final int SKF_AD_IFINDEX = 8;
    public static final int SKF_AD_NLATTR = 12;
    public static final int SKF_AD_NLATTR_NEST = 16;
    public static final int SKF_AD_MARK = 20;
    public static final int SKF_AD_QUEUE = 24;
    public static final int SKF_AD_HATYPE = 28;
    public static final int SKF_AD_RXHASH = 32;
    public static final int SKF_AD_CPU = 36;
    public static final int SKF_AD_ALU_XOR_X = 40;
    public static final int SKF_AD_VLAN_TAG = 44;
    public static final int SKF_AD_VLAN_TAG_PRESENT = 48;
    public static final int SKF_AD_PAY_OFFSET = 52;
    public static final int SKF_AD_RANDOM = 56;
    public static final int SKF_AD_VLAN_TPID = 60;
    public static final int SKF_AD_MAX = 64;
    /** Loads at {@code SKF_NET_OFF + n} read relative to the network header. */
    public static final int SKF_NET_OFF = -0x100000;
    /** Loads at {@code SKF_LL_OFF + n} read relative to the link-layer header. */
    public static final int SKF_LL_OFF = -0x200000;

    /** The instruction class ({@code BPF_LD} .. {@code BPF_MISC}). */
    public static int cls(int code) {
        return code & 0x07;
    }

    /** The load size ({@code BPF_W}, {@code BPF_H}, {@code BPF_B}). */
    public static int size(int code) {
        return code & 0x18;
    }

    /** The load mode ({@code BPF_IMM} .. {@code BPF_MSH}). */
    public static int mode(int code) {
        return code & 0xe0;
    }

    /** The ALU or jump operation. */
    public static int op(int code) {
        return code & 0xf0;
    }

    /** The operand source of an ALU or jump: {@code BPF_K} or {@code BPF_X}. */
    public static int src(int code) {
        return code & 0x08;
    }
}
