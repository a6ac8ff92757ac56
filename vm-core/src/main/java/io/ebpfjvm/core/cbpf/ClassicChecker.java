package io.ebpfjvm.core.cbpf;

import io.ebpfjvm.core.error.CbpfFormatException;

import java.util.List;

import static io.ebpfjvm.core.cbpf.ClassicOpcodes.*;

/**
 * The checks the kernel's {@code bpf_check_classic} makes before it attaches a filter: a
 * length of 1..4096, only opcodes the kernel knows, no division or modulo by a constant 0, no
 * constant shift of 32 or more, scratch-memory indexes below 16, jumps that stay inside the
 * program (forward only, by construction of the encoding), a return at the end, and no read
 * of a scratch word that some path reaches without writing it.
 */
final class ClassicChecker {
    private ClassicChecker() {
    }

    /** Every opcode the kernel accepts, as its {@code codes[]} table lists them. */
    private static final boolean[] KNOWN = new boolean[256];

    static {
        for (int op : new int[] {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH}) {
            KNOWN[BPF_ALU | op | BPF_K] = true;
            KNOWN[BPF_ALU | op | BPF_X] = true;
        }
        KNOWN[BPF_ALU | BPF_NEG] = true;
        for (int size : new int[] {BPF_W, BPF_H, BPF_B}) {
            KNOWN[BPF_LD | BPF_ABS | size] = true;
            KNOWN[BPF_LD | BPF_IND | size] = true;
        }
        int[] others = {
            BPF_LD | BPF_W | BPF_LEN, BPF_LD | BPF_IMM, BPF_LD | BPF_MEM,
            BPF_LDX | BPF_W | BPF_LEN, BPF_LDX | BPF_B | BPF_MSH, BPF_LDX | BPF_IMM, BPF_LDX | BPF_MEM,
            BPF_ST, BPF_STX,
            BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
            BPF_RET | BPF_K, BPF_RET | BPF_A,
            BPF_JMP | BPF_JA,
        };
        for (int code : others) {
            KNOWN[code] = true;
        }
        for (int op : new int[] {BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET}) {
            KNOWN[BPF_JMP | op | BPF_K] = true;
            KNOWN[BPF_JMP | op | BPF_X] = true;
        }
    }

    static void check(List<ClassicInstruction> insns) {
        int n = insns.size();
        if (n == 0 || n > BPF_MAXINSNS) {
            throw new CbpfFormatException("classic BPF: " + n + " instructions, expected 1.." + BPF_MAXINSNS);
        }
        for (int pc = 0; pc < n; pc++) {
            checkInstruction(insns.get(pc), pc, n);
        }
        int last = insns.get(n - 1).code();
        if (last != (BPF_RET | BPF_K) && last != (BPF_RET | BPF_A)) {
            throw error(n - 1, "the last instruction must be a return");
        }
        checkScratchMemory(insns);
    }

    private static void checkInstruction(ClassicInstruction insn, int pc, int n) {
        int code = insn.code();
        if (code >= KNOWN.length || !KNOWN[code]) {
            throw error(pc, String.format("unknown opcode 0x%02x", code));
        }
        long k = insn.k() & 0xffffffffL; // the kernel compares k unsigned
        boolean usesScratch = code == BPF_ST || code == BPF_STX
            || code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM);
        if (usesScratch && k >= BPF_MEMWORDS) {
            throw error(pc, "scratch memory index " + k + ", expected 0.." + (BPF_MEMWORDS - 1));
        }
        if ((code == (BPF_ALU | BPF_DIV | BPF_K) || code == (BPF_ALU | BPF_MOD | BPF_K)) && k == 0) {
            throw error(pc, "division by constant zero");
        }
        if ((code == (BPF_ALU | BPF_LSH | BPF_K) || code == (BPF_ALU | BPF_RSH | BPF_K)) && k >= 32) {
            throw error(pc, "shift by " + k + ", expected 0..31");
        }
        if (code == (BPF_JMP | BPF_JA)) {
            if (k >= n - pc - 1) {
                throw error(pc, "jump offset " + k + " leaves the program (" + n + " instructions)");
            }
        } else if (cls(code) == BPF_JMP && (pc + 1 + insn.jt() >= n || pc + 1 + insn.jf() >= n)) {
            throw error(pc, "conditional jump (jt " + insn.jt() + ", jf " + insn.jf() + ") leaves the program ("
                + n + " instructions)");
        }
    }

    /**
     * A read of M[k] must follow a write of M[k] on every path. Like the kernel, this walks the
     * instructions in order (jumps only go forward) carrying the set of written words; a jump
     * narrows its targets' sets, and straight-line flow (even after a return) carries it on.
     */
    private static void checkScratchMemory(List<ClassicInstruction> insns) {
        int n = insns.size();
        int[] written = new int[n];
        java.util.Arrays.fill(written, 0xffff);
        int valid = 0;
        for (int pc = 0; pc < n; pc++) {
            ClassicInstruction insn = insns.get(pc);
            int code = insn.code();
            valid &= written[pc];
            if (code == BPF_ST || code == BPF_STX) {
                valid |= 1 << insn.k();
            } else if (code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM)) {
                if ((valid & (1 << insn.k())) == 0) {
                    throw error(pc, "reads scratch memory M[" + insn.k() + "] before any write");
                }
            } else if (code == (BPF_JMP | BPF_JA)) {
                written[pc + 1 + insn.k()] &= valid;
                valid = 0xffff;
            } else if (cls(code) == BPF_JMP) {
                written[pc + 1 + insn.jt()] &= valid;
                written[pc + 1 + insn.jf()] &= valid;
                valid = 0xffff;
            }
        }
    }

    static CbpfFormatException error(int pc, String what) {
        return new CbpfFormatException("classic BPF insn " + pc + ": " + what);
    }
}
