package io.ebpfjvm.core.cbpf;

import java.util.List;

/**
 * A deliberately plain classic BPF interpreter, written from the classic semantics (and, for
 * the special loads, from the definitions in {@link ClassicTranslator}'s Javadoc), as the
 * oracle the eBPF translation is checked against. It shares no code with the translator.
 *
 * <p>Packet loads that do not fit the packet end the filter with 0, as do division or modulo
 * by a zero X; shifts take the amount modulo 32 (the eBPF and x86 behaviour).
 */
public final class ReferenceClassicVm {
    private ReferenceClassicVm() {
    }

    /** Returns what {@code filter} returns for {@code packet} (as an unsigned 32-bit value). */
    public static long run(ClassicProgram filter, byte[] packet) {
        List<ClassicInstruction> insns = filter.instructions();
        int len = packet.length;
        int a = 0;
        int x = 0;
        int[] m = new int[16];
        int pc = 0;
        while (true) {
            ClassicInstruction i = insns.get(pc++);
            int k = i.k();
            switch (i.code()) {
                case 0x00 -> a = k;                         // ld #k
                case 0x01 -> x = k;                         // ldx #k
                case 0x80 -> a = len;                       // ld #len
                case 0x81 -> x = len;                       // ldx #len
                case 0x60 -> a = m[k];                      // ld M[k]
                case 0x61 -> x = m[k];                      // ldx M[k]
                case 0x02 -> m[k] = a;                      // st M[k]
                case 0x03 -> m[k] = x;                      // stx M[k]
                case 0x07 -> x = a;                         // tax
                case 0x87 -> a = x;                         // txa
                case 0x06 -> {                              // ret #k
                    return k & 0xffffffffL;
                }
                case 0x16 -> {                              // ret a
                    return a & 0xffffffffL;
                }
                case 0x20, 0x28, 0x30 -> {                  // ld [k]
                    int size = size(i.code());
                    if (k < 0 && k >= -0x1000) {
                        Long v = ancillary(k + 0x1000, packet, a, x);
                        if (v == null) {
                            return 0;
                        }
                        a = (int) (long) v;
                    } else {
                        long at = frameOffset(k);
                        if (at < 0 || at + size > len) {
                            return 0;
                        }
                        a = bigEndian(packet, (int) at, size);
                    }
                }
                case 0x40, 0x48, 0x50 -> {                  // ld [x + k]: a 32-bit sum, negative reads nothing
                    int size = size(i.code());
                    long at = x + k;
                    if (at < 0 || at + size > len) {
                        return 0;
                    }
                    a = bigEndian(packet, (int) at, size);
                }
                case 0xb1 -> {                              // ldx 4*([k]&0xf)
                    long at = k < 0 && k >= -0x1000 ? -1 : frameOffset(k);
                    if (at < 0 || at >= len) {
                        return 0;
                    }
                    x = 4 * (packet[(int) at] & 0xf);
                }
                default -> {
                    int src = (i.code() & 0x08) != 0 ? x : k;
                    if ((i.code() & 7) == 4) {
                        switch (i.code() & 0xf0) {
                            case 0x00 -> a += src;
                            case 0x10 -> a -= src;
                            case 0x20 -> a *= src;
                            case 0x30, 0x90 -> {
                                if (src == 0) {
                                    return 0;
                                }
                                a = (i.code() & 0xf0) == 0x30 ? Integer.divideUnsigned(a, src) : Integer.remainderUnsigned(a, src);
                            }
                            case 0x40 -> a |= src;
                            case 0x50 -> a &= src;
                            case 0x60 -> a <<= src;          // Java shifts by src & 31
                            case 0x70 -> a >>>= src;
                            case 0x80 -> a = -a;
                            case 0xa0 -> a ^= src;
                            default -> throw new IllegalStateException("alu " + i);
                        }
                    } else if (i.code() == 0x05) {
                        pc += k;
                    } else {
                        boolean taken = switch (i.code() & 0xf0) {
                            case 0x10 -> a == src;
                            case 0x20 -> Integer.compareUnsigned(a, src) > 0;
                            case 0x30 -> Integer.compareUnsigned(a, src) >= 0;
                            case 0x40 -> (a & src) != 0;
                            default -> throw new IllegalStateException("jmp " + i);
                        };
                        pc += taken ? i.jt() : i.jf();
                    }
                }
            }
        }
    }

    private static int size(int code) {
        return (code & 0x18) == 0 ? 4 : (code & 0x18) == 0x08 ? 2 : 1;
    }

    /** Offset in the frame of a plain load at k: k, or k - SKF_LL_OFF; -1 for nowhere. */
    private static long frameOffset(int k) {
        if (k >= 0) {
            return k;
        }
        if (k >= -0x200000 && k < -0x100000) {
            return k + 0x200000L;
        }
        return -1;
    }

    /** The ancillary field at SKF_AD_OFF + n for an Ethernet frame; null where the filter returns 0. */
    private static Long ancillary(int n, byte[] p, int a, int x) {
        switch (n) {
            case 0 -> { // protocol, as eth_type_trans derives it
                if (p.length < 14) {
                    return null;
                }
                int type = bigEndian(p, 12, 2);
                if (type >= 0x600) {
                    return (long) type;
                }
                return p.length >= 16 && p[14] == (byte) 0xff && p[15] == (byte) 0xff ? 1L : 4L;
            }
            case 4 -> { // packet type from the destination MAC
                if (p.length < 14) {
                    return null;
                }
                if ((p[0] & 1) == 0) {
                    return 0L;
                }
                for (int b = 0; b < 6; b++) {
                    if (p[b] != (byte) 0xff) {
                        return 2L;
                    }
                }
                return 1L;
            }
            case 8 -> {
                return 0L; // ifindex: no device
            }
            case 40 -> {
                return (a ^ x) & 0xffffffffL;
            }
            default -> throw new IllegalStateException("ancillary field " + n + " is not translated");
        }
    }

    private static int bigEndian(byte[] p, int at, int size) {
        int v = 0;
        for (int b = 0; b < size; b++) {
            v = v << 8 | (p[at + b] & 0xff);
        }
        return v;
    }
}
