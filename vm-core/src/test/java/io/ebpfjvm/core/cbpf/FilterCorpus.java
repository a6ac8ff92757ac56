package io.ebpfjvm.core.cbpf;

import io.ebpfjvm.core.error.CbpfFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.ebpfjvm.core.cbpf.ClassicInstruction.jump;
import static io.ebpfjvm.core.cbpf.ClassicInstruction.stmt;
import static io.ebpfjvm.core.cbpf.ClassicOpcodes.*;

/**
 * Classic filters to test translations with: the committed {@code tcpdump -dd} output of real
 * expressions, hand-written corner cases (every special load, division by a zero X, shifts of
 * 32 and more, negative constants in compares, every jt/jf shape) and random valid programs.
 */
public final class FilterCorpus {
    private FilterCorpus() {
    }

    /** A filter and what to call it in messages (a tcpdump expression, or a description). */
    public record Filter(String name, ClassicProgram program) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code src/test/resources/cbpf/filterNN.txt}: line 1 is {@code # EXPR}, then {@code tcpdump -dd} text. */
    public static List<Filter> tcpdump() {
        List<Filter> out = new ArrayList<>();
        for (int n = 1; ; n++) {
            String text = resource(String.format("/cbpf/filter%02d.txt", n));
            if (text == null) {
                return out;
            }
            out.add(new Filter(text.lines().findFirst().orElseThrow().substring(2), ClassicProgram.fromText(text)));
        }
    }

    static String resource(String name) {
        try (InputStream in = FilterCorpus.class.getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Filter filter(String name, ClassicInstruction... insns) {
        return new Filter(name, ClassicProgram.of(List.of(insns)));
    }

    public static List<Filter> handWritten() {
        int ld = BPF_LD | BPF_ABS;
        return List.of(
            filter("ld [proto]; ret a",
                stmt(ld | BPF_H, SKF_AD_OFF + SKF_AD_PROTOCOL), stmt(BPF_RET | BPF_A, 0)),
            filter("ld [type] + 1; ret a",
                stmt(ld | BPF_B, SKF_AD_OFF + SKF_AD_PKTTYPE), stmt(BPF_ALU | BPF_ADD | BPF_K, 1), stmt(BPF_RET | BPF_A, 0)),
            filter("ifindex == 0 ? 7 : 9",
                stmt(ld | BPF_W, SKF_AD_OFF + SKF_AD_IFINDEX), jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
                stmt(BPF_RET | BPF_K, 7), stmt(BPF_RET | BPF_K, 9)),
            filter("a ^= x via SKF_AD_ALU_XOR_X",
                stmt(BPF_LDX | BPF_W | BPF_LEN, 0), stmt(BPF_LD | BPF_IMM, 0xff00ff), stmt(ld | BPF_W, SKF_AD_OFF + SKF_AD_ALU_XOR_X),
                stmt(BPF_RET | BPF_A, 0)),
            filter("ldh [SKF_LL_OFF + 12]",
                stmt(ld | BPF_H, SKF_LL_OFF + 12), stmt(BPF_RET | BPF_A, 0)),
            filter("ld below SKF_LL_OFF fails",
                stmt(ld | BPF_W, SKF_LL_OFF - 4), stmt(BPF_RET | BPF_K, 1)),
            filter("ldx 4*([k]&0xf) in the ancillary range fails",
                stmt(BPF_LDX | BPF_B | BPF_MSH, SKF_AD_OFF + SKF_AD_PROTOCOL), stmt(BPF_RET | BPF_K, 1)),
            filter("ldx 4*([SKF_LL_OFF + 14]&0xf) keeps A",
                stmt(BPF_LD | BPF_IMM, 0xabcdef), stmt(BPF_LDX | BPF_B | BPF_MSH, SKF_LL_OFF + 14),
                stmt(BPF_ALU | BPF_ADD | BPF_X, 0), stmt(BPF_RET | BPF_A, 0)),
            filter("ld [x + k] with negative k",
                stmt(BPF_LDX | BPF_IMM, 20), stmt(BPF_LD | BPF_IND | BPF_W, -8), stmt(BPF_ST, 0),
                stmt(BPF_LDX | BPF_IMM, 2), stmt(BPF_LD | BPF_IND | BPF_B, -4), stmt(BPF_LD | BPF_MEM, 0), stmt(BPF_RET | BPF_A, 0)),
            filter("ld [x + k] wrapping past 2^32",
                stmt(BPF_LDX | BPF_IMM, -4), stmt(BPF_LD | BPF_IND | BPF_H, 16), stmt(BPF_RET | BPF_A, 0)),
            filter("len / ttl + 1000 % ttl",
                stmt(ld | BPF_B, 22), stmt(BPF_MISC | BPF_TAX, 0), stmt(BPF_LD | BPF_W | BPF_LEN, 0),
                stmt(BPF_ALU | BPF_DIV | BPF_X, 0), stmt(BPF_ST, 0), stmt(BPF_LD | BPF_IMM, 1000),
                stmt(BPF_ALU | BPF_MOD | BPF_X, 0), stmt(BPF_LDX | BPF_MEM, 0), stmt(BPF_ALU | BPF_ADD | BPF_X, 0),
                stmt(BPF_RET | BPF_A, 0)),
            filter("shifts by x up to 255",
                stmt(ld | BPF_B, 15), stmt(BPF_MISC | BPF_TAX, 0), stmt(BPF_LD | BPF_IMM, 0x12345678),
                stmt(BPF_ALU | BPF_LSH | BPF_X, 0), stmt(BPF_ST, 1), stmt(BPF_LD | BPF_IMM, 0x87654321),
                stmt(BPF_ALU | BPF_RSH | BPF_X, 0), stmt(BPF_LDX | BPF_MEM, 1), stmt(BPF_ALU | BPF_XOR | BPF_X, 0),
                stmt(BPF_RET | BPF_A, 0)),
            filter("compares with k >= 2^31",
                stmt(ld | BPF_W, 0),
                jump(BPF_JMP | BPF_JGT | BPF_K, 0x80000000, 0, 1), stmt(BPF_RET | BPF_K, 1),
                jump(BPF_JMP | BPF_JGE | BPF_K, 0xfffffffe, 1, 0), stmt(BPF_RET | BPF_K, 2),
                jump(BPF_JMP | BPF_JSET | BPF_K, 0x80000001, 0, 1), stmt(BPF_RET | BPF_K, 3),
                jump(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffff, 0, 1), stmt(BPF_RET | BPF_K, 4),
                stmt(BPF_RET | BPF_K, 5)),
            filter("every jt/jf shape, K and X",
                stmt(ld | BPF_B, 14), stmt(BPF_LDX | BPF_IMM, 0x45),
                jump(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 2),      // jt = 0: inverted (jne)
                jump(BPF_JMP | BPF_JGT | BPF_K, 0x30, 0, 3),   // jt = 0: jle
                jump(BPF_JMP | BPF_JSET | BPF_K, 0x0f, 0, 4),  // jt = 0, not invertible: jset + ja
                jump(BPF_JMP | BPF_JGE | BPF_X, 0, 2, 1),      // both: jge + ja
                stmt(BPF_RET | BPF_K, 10),
                stmt(BPF_RET | BPF_K, 11),
                jump(BPF_JMP | BPF_JGT | BPF_X, 0, 1, 0),      // jf = 0: one jump
                stmt(BPF_RET | BPF_K, 12),
                stmt(BPF_JMP | BPF_JA, 1),
                stmt(BPF_RET | BPF_K, 13),
                stmt(BPF_RET | BPF_A, 0)),
            filter("-len via x; ret a",
                stmt(BPF_LDX | BPF_W | BPF_LEN, 0), stmt(BPF_MISC | BPF_TXA, 0), stmt(BPF_ALU | BPF_NEG, 0), stmt(BPF_RET | BPF_A, 0)),
            filter("ret #0xffffffff",
                stmt(BPF_RET | BPF_K, -1)),
            filter("protocol and type combined",
                stmt(ld | BPF_H, SKF_AD_OFF + SKF_AD_PROTOCOL), jump(BPF_JMP | BPF_JGE | BPF_K, 0x600, 0, 3),
                stmt(BPF_ALU | BPF_LSH | BPF_K, 4), stmt(BPF_MISC | BPF_TAX, 0),
                stmt(ld | BPF_W, SKF_AD_OFF + SKF_AD_PKTTYPE), stmt(BPF_ALU | BPF_OR | BPF_X, 0), stmt(BPF_RET | BPF_A, 0))
        );
    }

    /**
     * Random programs the checker accepts: loads from every mode (packet offsets near the
     * headers, special offsets now and then), stores, ALU operations with K and X, forward
     * jumps of every kind, returns in the middle.
     */
    public static List<Filter> random(int count, long seed) {
        Random r = new Random(seed);
        List<Filter> out = new ArrayList<>();
        while (out.size() < count) {
            List<ClassicInstruction> insns = randomInstructions(r);
            try {
                out.add(new Filter("random #" + out.size() + " (seed " + seed + ")", ClassicProgram.of(insns)));
            } catch (CbpfFormatException e) {
                // e.g. a scratch read some path reaches unwritten: draw again
            }
        }
        return out;
    }

    private static List<ClassicInstruction> randomInstructions(Random r) {
        int n = 3 + r.nextInt(30);
        List<ClassicInstruction> insns = new ArrayList<>();
        int written = 0;
        for (int pc = 0; pc < n - 1; pc++) {
            int left = n - pc - 1; // instructions after this one
            ClassicInstruction insn = switch (r.nextInt(12)) {
                case 0, 1 -> stmt(BPF_LD | BPF_ABS | size(r), offset(r));
                case 2 -> stmt(BPF_LD | BPF_IND | size(r), r.nextInt(8) == 0 ? -r.nextInt(8) : r.nextInt(48));
                case 3 -> r.nextBoolean() ? stmt(BPF_LDX | BPF_B | BPF_MSH, r.nextInt(40))
                    : stmt((r.nextBoolean() ? BPF_LD : BPF_LDX) | (r.nextBoolean() ? BPF_IMM : BPF_W | BPF_LEN), constant(r));
                case 4 -> {
                    int m = r.nextInt(16);
                    written |= 1 << m;
                    yield stmt(r.nextBoolean() ? BPF_ST : BPF_STX, m);
                }
                case 5 -> written == 0 ? stmt(BPF_MISC | BPF_TAX, 0)
                    : stmt((r.nextBoolean() ? BPF_LD : BPF_LDX) | BPF_MEM, Integer.numberOfTrailingZeros(written));
                case 6, 7 -> alu(r);
                case 8, 9 -> {
                    int[] ops = {BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET};
                    int code = BPF_JMP | ops[r.nextInt(4)] | (r.nextBoolean() ? BPF_X : BPF_K);
                    yield jump(code, constant(r), r.nextInt(Math.min(left, 8)), r.nextInt(Math.min(left, 8)));
                }
                case 10 -> r.nextInt(3) == 0 ? stmt(BPF_RET | (r.nextBoolean() ? BPF_A : BPF_K), constant(r))
                    : stmt(BPF_JMP | BPF_JA, r.nextInt(Math.min(left, 4)));
                default -> stmt(BPF_MISC | (r.nextBoolean() ? BPF_TAX : BPF_TXA), 0);
            };
            insns.add(insn);
        }
        insns.add(stmt(BPF_RET | (r.nextBoolean() ? BPF_A : BPF_K), constant(r)));
        return insns;
    }

    private static ClassicInstruction alu(Random r) {
        int[] ops = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_NEG, BPF_MOD, BPF_XOR};
        int op = ops[r.nextInt(ops.length)];
        if (op == BPF_NEG) {
            return stmt(BPF_ALU | BPF_NEG, 0);
        }
        if (r.nextBoolean()) {
            return stmt(BPF_ALU | op | BPF_X, 0);
        }
        int k = constant(r);
        if (op == BPF_LSH || op == BPF_RSH) {
            k = r.nextInt(32);
        } else if ((op == BPF_DIV || op == BPF_MOD) && k == 0) {
            k = 3;
        }
        return stmt(BPF_ALU | op | BPF_K, k);
    }

    private static int size(Random r) {
        return new int[] {BPF_W, BPF_H, BPF_B}[r.nextInt(3)];
    }

    private static int offset(Random r) {
        return switch (r.nextInt(20)) {
            case 0 -> SKF_AD_OFF + new int[] {SKF_AD_PROTOCOL, SKF_AD_PKTTYPE, SKF_AD_IFINDEX, SKF_AD_ALU_XOR_X}[r.nextInt(4)];
            case 1 -> SKF_LL_OFF + r.nextInt(40);
            case 2 -> SKF_LL_OFF - 1 - r.nextInt(100);
            default -> r.nextInt(70);
        };
    }

    private static int constant(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> r.nextInt();
            case 1 -> -r.nextInt(4);
            case 2 -> 0x800 + r.nextInt(2);
            default -> r.nextInt(300);
        };
    }
}
