package io.ebpfjvm.core.cbpf;

/**
 * One {@code struct sock_filter}: 16-bit code, jump-if-true and jump-if-false offsets, and the
 * 32-bit constant {@code k}.
 */
public record ClassicInstruction(int code, int jt, int jf, int k) {
    // Classes, sizes, modes, operations: the values of linux/filter.h.
    static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, RET = 0x06, MISC = 0x07;
    static final int W = 0x00, H = 0x08, B = 0x10;
    static final int IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, LEN = 0x80, MSH = 0xa0;
    static final int K = 0x00, X = 0x08, A = 0x10;
    static final int TAX = 0x00, TXA = 0x80;
    /** Scratch memory words M[0..15]. */
    static final int MEMWORDS = 16;
    /** Largest filter the kernel accepts (BPF_MAXINSNS). */
    static final int MAX_INSNS = 4096;
    /** Loads at or above this offset ({@code SKF_AD_OFF}, negative) are ancillary data or link/net offsets. */
    static final int SKF_LL_OFF = -0x200000;

    int cls() {
        return code & 0x07;
    }
}
