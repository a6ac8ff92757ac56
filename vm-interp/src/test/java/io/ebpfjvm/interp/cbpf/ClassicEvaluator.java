package io.ebpfjvm.interp.cbpf;

import io.ebpfjvm.core.cbpf.ClassicInstruction;
import io.ebpfjvm.core.cbpf.ClassicProgram;

/**
 * A deliberately plain classic BPF interpreter, written from the classic BPF semantics, as
 * the oracle the eBPF translation is checked against.
 */
final class ClassicEvaluator {
    private ClassicEvaluator() {
    }

    static long run(ClassicProgram filter, byte[] p, int off, int len) {
        int a = 0;
        int x = 0;
        int[] m = new int[16];
        int pc = 0;
        while (true) {
            ClassicInstruction i = filter.instructions().get(pc++);
            int code = i.code();
            int k = i.k();
            switch (code) {
                case 0x00 -> a = k;                                       // ld #k
                case 0x20, 0x28, 0x30, 0x40, 0x48, 0x50 -> {             // ld [k] / [x+k]
                    long at = ((code & 0x40) != 0 ? (x & 0xffffffffL) : 0) + (k & 0xffffffffL);
                    int size = (code & 0x18) == 0 ? 4 : (code & 0x18) == 0x08 ? 2 : 1;
                    if (at + size > len) {
                        return 0;
                    }
                    int v = 0;
                    for (int b = 0; b < size; b++) {
                        v = v << 8 | (p[off + (int) at + b] & 0xff);
                    }
                    a = v;
                }
                case 0x60 -> a = m[k];
                case 0x80 -> a = len;
                case 0x01 -> x = k;
                case 0x61 -> x = m[k];
                case 0x81 -> x = len;
                case 0xb1 -> {                                            // ldx 4*([k]&0xf)
                    if ((k & 0xffffffffL) >= len) {
                        return 0;
                    }
                    x = 4 * (p[off + k] & 0xf);
                }
                case 0x02 -> m[k] = a;
                case 0x03 -> m[k] = x;
                case 0x07 -> x = a;
                case 0x87 -> a = x;
                case 0x06 -> {
                    return k & 0xffffffffL;
                }
                case 0x16 -> {
                    return a & 0xffffffffL;
                }
                default -> {
                    int cls = code & 7;
                    int src = (code & 0x08) != 0 ? x : k;
                    if (cls == 4) {
                        switch (code & 0xf0) {
                            case 0x00 -> a += src;
                            case 0x10 -> a -= src;
                            case 0x20 -> a *= src;
                            case 0x30 -> {
                                if (src == 0) {
                                    return 0;
                                }
                                a = Integer.divideUnsigned(a, src);
                            }
                            case 0x40 -> a |= src;
                            case 0x50 -> a &= src;
                            case 0x60 -> a = a << src;
                            case 0x70 -> a = a >>> src;
                            case 0x80 -> a = -a;
                            case 0x90 -> {
                                if (src == 0) {
                                    return 0;
                                }
                                a = Integer.remainderUnsigned(a, src);
                            }
                            case 0xa0 -> a ^= src;
                            default -> throw new IllegalStateException("alu " + code);
                        }
                    } else if (cls == 5) {
                        if ((code & 0xf0) == 0) {
                            pc += k;
                            continue;
                        }
                        boolean taken = switch (code & 0xf0) {
                            case 0x10 -> a == src;
                            case 0x20 -> Integer.compareUnsigned(a, src) > 0;
                            case 0x30 -> Integer.compareUnsigned(a, src) >= 0;
                            case 0x40 -> (a & src) != 0;
                            default -> throw new IllegalStateException("jmp " + code);
                        };
                        pc += taken ? i.jt() : i.jf();
                    } else {
                        throw new IllegalStateException("opcode " + code);
                    }
                }
            }
        }
    }
}
