package io.ebpfjvm.core.cbpf;

import io.ebpfjvm.core.isa.Program;

import java.util.List;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Classic BPF to eBPF, the way the kernel's {@code bpf_convert_filter} converts a socket
 * filter, for the engine's raw-packet convention: at entry r1 points at the packet (the frame
 * as a capture file stores it, from the link-layer header on) and r2 holds its length. The
 * result returns what the classic filter returns (0 drops the packet).
 *
 * <table>
 *   <caption>What each classic construct becomes</caption>
 *   <tr><th>classic</th><th>eBPF</th></tr>
 *   <tr><td>A, X</td><td>w0, w7 (32-bit values, zero-extended; both zeroed at entry)</td></tr>
 *   <tr><td>context</td><td>r6, saved from r1 at entry (where {@code LD_ABS} expects it)</td></tr>
 *   <tr><td>{@code len} ({@code ld #len}, {@code ldx #len})</td>
 *       <td>w9: the packet length, saved from r2 at entry in a register calls do not clobber</td></tr>
 *   <tr><td>M[0..15]</td><td>{@code *(u32 *)(r10 - 64 + 4k)} on the stack</td></tr>
 *   <tr><td>{@code ld [k]}, {@code ld [x + k]} (W/H/B)</td>
 *       <td>{@code LD_ABS}/{@code LD_IND}: big-endian read; the program returns 0 when the bytes
 *           are not all inside the packet (a negative {@code x + k} included)</td></tr>
 *   <tr><td>{@code ldx 4*([k]&0xf)}</td>
 *       <td>the kernel's expansion: X = A, A = P[k], A &amp;= 0xf, A &lt;&lt;= 2, then A and X swapped through r2</td></tr>
 *   <tr><td>ALU op K / X, {@code neg}</td><td>the same 32-bit ALU operation on w0</td></tr>
 *   <tr><td>{@code div x}, {@code mod x}</td><td>{@code if r7 == 0: return 0}, then the operation</td></tr>
 *   <tr><td>{@code jeq/jgt/jge/jset} with jt, jf</td>
 *       <td>one conditional jump when jf (or, inverted, jt) is the next instruction, otherwise a
 *           conditional jump to jt and {@code goto} jf; a negative K is first moved into w2</td></tr>
 *   <tr><td>{@code ja}</td><td>{@code goto}</td></tr>
 *   <tr><td>{@code ret #k}, {@code ret a}</td><td>{@code w0 = k; exit}, {@code exit}</td></tr>
 *   <tr><td>{@code tax}, {@code txa}</td><td>{@code w7 = w0}, {@code w0 = w7}</td></tr>
 * </table>
 *
 * <p>Loads at negative offsets read socket metadata in the kernel. Only what the frame itself
 * determines (for Ethernet frames) is translated:
 *
 * <table>
 *   <caption>Special loads ({@code ld [SKF_... + n]})</caption>
 *   <tr><th>load</th><th>becomes</th></tr>
 *   <tr><td>{@code SKF_AD_PROTOCOL} ({@code proto})</td><td>the EtherType at bytes 12..13, or for an
 *       802.3 length field 0x0001 (raw 802.3, payload starting 0xffff) or 0x0004 (802.2 LLC), as
 *       {@code eth_type_trans} sets {@code skb->protocol}</td></tr>
 *   <tr><td>{@code SKF_AD_PKTTYPE} ({@code type})</td><td>from the destination MAC: 1 broadcast,
 *       2 multicast, else 0 (to us): a capture file does not say which frames were outgoing or
 *       for another host</td></tr>
 *   <tr><td>{@code SKF_AD_IFINDEX} ({@code ifidx})</td><td>0: the frame arrived on no device, and no
 *       device has index 0 (so {@code ifindex N} matches nothing)</td></tr>
 *   <tr><td>{@code SKF_AD_ALU_XOR_X}</td><td>{@code w0 ^= w7}</td></tr>
 *   <tr><td>{@code SKF_LL_OFF + n}</td><td>byte n of the frame (it starts at the link-layer header)</td></tr>
 *   <tr><td>below {@code SKF_LL_OFF}</td><td>returns 0, as the kernel's failed load does</td></tr>
 * </table>
 *
 * Both PROTOCOL and PKTTYPE need a whole Ethernet header: on a shorter frame the program returns
 * 0, like any load past the end. Everything else (mark, queue, hatype, rxhash, cpu, VLAN offload
 * tag/present/TPID, netlink attributes, payload offset, random, {@code SKF_NET_OFF}) needs
 * metadata this convention does not carry and is refused with a {@code CbpfFormatException}
 * naming the instruction. The packet is read-only; nothing here writes it.
 */
public final class ClassicTranslator {
    static final int A = 0;
    static final int TMP = 2;
    static final int CTX = 6;
    static final int X = 7;
    static final int LEN = 9;

    private final List<ClassicInstruction> in;
    private final EbpfEmitter out = new EbpfEmitter();
    /** Label i marks the first eBPF instruction of classic instruction i. */
    private final int[] start;

    private ClassicTranslator(ClassicProgram filter) {
        this.in = filter.instructions();
        this.start = new int[in.size()];
        for (int i = 0; i < start.length; i++) {
            start[i] = out.newLabel();
        }
    }

    /** The eBPF program equivalent to {@code filter}; valid for {@link Program#of}. */
    public static Program translate(ClassicProgram filter) {
        return new ClassicTranslator(filter).run();
    }

    private Program run() {
        out.emit(BPF_ALU | BPF_XOR | BPF_X, A, A, 0, 0);
        out.emit(BPF_ALU | BPF_XOR | BPF_X, X, X, 0, 0);
        out.emit(BPF_ALU64 | BPF_MOV | BPF_X, CTX, 1, 0, 0);
        out.emit(BPF_ALU64 | BPF_MOV | BPF_X, LEN, 2, 0, 0);
        for (int pc = 0; pc < in.size(); pc++) {
            out.bind(start[pc]);
            translate(pc, in.get(pc));
        }
        return out.finish();
    }

    private void translate(int pc, ClassicInstruction insn) {
        int code = insn.code();
        int k = insn.k();
        switch (ClassicOpcodes.cls(code)) {
            case ClassicOpcodes.BPF_LD -> load(pc, insn, A);
            case ClassicOpcodes.BPF_LDX -> load(pc, insn, X);
            case ClassicOpcodes.BPF_ST -> out.emit(BPF_STX | BPF_MEM | BPF_W, R10, A, scratch(k), 0);
            case ClassicOpcodes.BPF_STX -> out.emit(BPF_STX | BPF_MEM | BPF_W, R10, X, scratch(k), 0);
            case ClassicOpcodes.BPF_ALU -> alu(code, k);
            case ClassicOpcodes.BPF_JMP -> jump(pc, insn);
            case ClassicOpcodes.BPF_RET -> {
                if (code == (ClassicOpcodes.BPF_RET | ClassicOpcodes.BPF_K)) {
                    out.emit(BPF_ALU | BPF_MOV | BPF_K, A, 0, 0, k);
                }
                out.emit(EXIT, 0, 0, 0, 0);
            }
            default -> {
                if (code == (ClassicOpcodes.BPF_MISC | ClassicOpcodes.BPF_TAX)) {
                    out.emit(BPF_ALU | BPF_MOV | BPF_X, X, A, 0, 0);
                } else {
                    out.emit(BPF_ALU | BPF_MOV | BPF_X, A, X, 0, 0);
                }
            }
        }
    }

    private void load(int pc, ClassicInstruction insn, int dst) {
        int code = insn.code();
        int k = insn.k();
        int size = ClassicOpcodes.size(code);
        switch (ClassicOpcodes.mode(code)) {
            case ClassicOpcodes.BPF_IMM -> out.emit(BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, k);
            case ClassicOpcodes.BPF_LEN -> out.emit(BPF_ALU | BPF_MOV | BPF_X, dst, LEN, 0, 0);
            case ClassicOpcodes.BPF_MEM -> out.emit(BPF_LDX | BPF_MEM | BPF_W, dst, R10, scratch(k), 0);
            case ClassicOpcodes.BPF_IND -> out.emit(BPF_LD | BPF_IND | size, 0, X, 0, k);
            case ClassicOpcodes.BPF_ABS -> {
                if (SpecialLoads.isAncillary(k)) {
                    SpecialLoads.ancillary(out, pc, k);
                } else {
                    loadAbsolute(pc, size, k);
                }
            }
            default -> { // BPF_MSH: X = 4 * (P[k] & 0xf), A kept; the kernel parks A in X meanwhile
                out.emit(BPF_ALU64 | BPF_MOV | BPF_X, X, A, 0, 0);
                loadAbsolute(pc, BPF_B, k);
                out.emit(BPF_ALU | BPF_AND | BPF_K, A, 0, 0, 0xf);
                out.emit(BPF_ALU | BPF_LSH | BPF_K, A, 0, 0, 2);
                out.emit(BPF_ALU64 | BPF_MOV | BPF_X, TMP, X, 0, 0);
                out.emit(BPF_ALU64 | BPF_MOV | BPF_X, X, A, 0, 0);
                out.emit(BPF_ALU64 | BPF_MOV | BPF_X, A, TMP, 0, 0);
            }
        }
    }

    /** {@code A = P[k]} for a non-ancillary offset; negative offsets per {@link SpecialLoads#packetOffset}. */
    private void loadAbsolute(int pc, int size, int k) {
        int offset = SpecialLoads.packetOffset(pc, k);
        if (offset < 0) {
            out.emit(BPF_ALU | BPF_MOV | BPF_K, A, 0, 0, 0);
            out.emit(EXIT, 0, 0, 0, 0);
        } else {
            out.emit(BPF_LD | BPF_ABS | size, 0, 0, 0, offset);
        }
    }

    private void alu(int code, int k) {
        int op = ClassicOpcodes.op(code);
        if (op == BPF_NEG) {
            out.emit(BPF_ALU | BPF_NEG, A, 0, 0, 0);
        } else if (ClassicOpcodes.src(code) == ClassicOpcodes.BPF_K) {
            out.emit(BPF_ALU | op | BPF_K, A, 0, 0, k);
        } else {
            if (op == BPF_DIV || op == BPF_MOD) {
                // Classic BPF returns 0 on division by a zero X; eBPF would yield 0 or A instead.
                out.emit(BPF_JMP | BPF_JNE | BPF_K, X, 0, 2, 0);
                out.emit(BPF_ALU | BPF_XOR | BPF_X, A, A, 0, 0);
                out.emit(EXIT, 0, 0, 0, 0);
            }
            out.emit(BPF_ALU | op | BPF_X, A, X, 0, 0);
        }
    }

    private void jump(int pc, ClassicInstruction insn) {
        int code = insn.code();
        int op = ClassicOpcodes.op(code);
        if (op == BPF_JA) {
            out.jump(BPF_JMP | BPF_JA, 0, 0, 0, start[pc + 1 + insn.k()]);
            return;
        }
        int src = 0;
        int imm = insn.k();
        int source = BPF_K;
        if (ClassicOpcodes.src(code) == ClassicOpcodes.BPF_X) {
            src = X;
            imm = 0;
            source = BPF_X;
        } else if (imm < 0) {
            // eBPF sign-extends imm for a 64-bit compare; A is zero-extended: compare with w2 instead.
            out.emit(BPF_ALU | BPF_MOV | BPF_K, TMP, 0, 0, imm);
            src = TMP;
            imm = 0;
            source = BPF_X;
        }
        int whenTrue = start[pc + 1 + insn.jt()];
        int whenFalse = start[pc + 1 + insn.jf()];
        if (insn.jf() == 0) {
            out.jump(BPF_JMP | op | source, A, src, imm, whenTrue);
        } else if (insn.jt() == 0 && op != BPF_JSET) {
            int inverse = switch (op) {
                case BPF_JEQ -> BPF_JNE;
                case BPF_JGT -> BPF_JLE;
                default -> BPF_JLT; // JGE
            };
            out.jump(BPF_JMP | inverse | source, A, src, imm, whenFalse);
        } else {
            out.jump(BPF_JMP | op | source, A, src, imm, whenTrue);
            out.jump(BPF_JMP | BPF_JA, 0, 0, 0, whenFalse);
        }
    }

    /** Stack offset of scratch word M[k]: the 16 words sit just below the frame pointer. */
    static int scratch(int k) {
        return -4 * ClassicOpcodes.BPF_MEMWORDS + 4 * k;
    }
}
