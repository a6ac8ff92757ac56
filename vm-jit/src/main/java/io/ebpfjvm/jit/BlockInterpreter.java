package io.ebpfjvm.jit;

import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.memory.Pointers;
import io.ebpfjvm.core.memory.Regions;

import static io.ebpfjvm.core.isa.Opcodes.*;
import static io.ebpfjvm.core.isa.Semantics.alu32;
import static io.ebpfjvm.core.isa.Semantics.alu64;

/**
 * The fallback for blocks the JIT does not translate: interprets the straight-line part of a
 * block (ALU, loads, stores, atomics, wide loads) over the register file compiled code spilled
 * into a {@code long[]} and the same stack and address space, with the interpreter's rules
 * (Semantics for arithmetic, checked accesses, context rewriting). Control transfers stay
 * compiled, so compiled code resumes right after the interpreted stretch.
 */
public final class BlockInterpreter {
    private BlockInterpreter() {
    }

    /** Whether an instruction is one this fallback runs (no control transfer, no helper). */
    static boolean handles(Instruction insn) {
        return switch (insn.cls()) {
            case BPF_ALU, BPF_ALU64, BPF_LDX, BPF_ST, BPF_STX -> true;
            case BPF_LD -> insn.isLddw() && insn.src() != BPF_PSEUDO_BTF_ID && insn.src() <= BPF_PSEUDO_FUNC;
            default -> false;
        };
    }

    /** Runs slots {@code [from, to)} over {@code r} (r0..r10). */
    public static void run(JitState s, JitLink link, long[] r, int from, int to) {
        Program p = link.program;
        for (int pc = from; pc < to; pc++) {
            Instruction insn = p.get(pc);
            int opcode = insn.opcode();
            int dst = insn.dst();
            int off = insn.offset();
            switch (insn.cls()) {
                case BPF_ALU64 -> {
                    long src = source(opcode) == BPF_X ? r[insn.src()] : insn.imm();
                    r[dst] = alu64(op(opcode), off, insn.imm(), r[dst], src);
                }
                case BPF_ALU -> {
                    long src = source(opcode) == BPF_X ? r[insn.src()] : insn.imm();
                    r[dst] = alu32(op(opcode), off, insn.imm(), source(opcode) == BPF_TO_BE, r[dst], src);
                }
                case BPF_LDX -> {
                    int size = sizeBytes(opcode);
                    long address = r[insn.src()] + off;
                    r[dst] = mode(opcode) == BPF_MEMSX ? JitRuntime.loadSigned(s, address, size, pc)
                        : JitRuntime.load(s, address, size, pc);
                }
                case BPF_ST -> JitRuntime.store(s, r[dst] + off, sizeBytes(opcode), insn.imm(), pc);
                case BPF_STX -> {
                    int src = insn.src();
                    if (mode(opcode) == BPF_ATOMIC) {
                        int aop = insn.imm();
                        long old = s.memory.atomic(r[dst] + off, sizeBytes(opcode), aop, r[src], r[0], pc);
                        if (aop == BPF_CMPXCHG) {
                            r[0] = old;
                        } else if ((aop & BPF_FETCH) != 0) {
                            r[src] = old;
                        }
                    } else {
                        JitRuntime.store(s, r[dst] + off, sizeBytes(opcode), r[src], pc);
                    }
                }
                default -> {
                    if (!insn.isLddw()) {
                        throw new EbpfRuntimeException(pc, "internal JIT error: block interpreter reached a non-straight-line instruction");
                    }
                    long wide = p.wideImmediate(pc);
                    r[dst] = switch (insn.src()) {
                        case BPF_PSEUDO_MAP_FD -> Regions.mapHandle(insn.imm());
                        case BPF_PSEUDO_MAP_VALUE -> Pointers.make(Regions.mapValues(insn.imm()), wide >>> 32);
                        case BPF_PSEUDO_FUNC -> Pointers.make(Regions.CODE, pc + 1 + insn.imm());
                        default -> wide;
                    };
                    pc++;
                }
            }
        }
    }
}
