package io.ebpfjvm.core.cbpf;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.isa.Semantics;

import java.util.Random;
import java.util.function.BiFunction;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Runs the eBPF subset {@link ClassicTranslator} emits (32/64-bit ALU, 64-bit jumps, stack
 * word loads and stores, {@code LD_ABS}/{@code LD_IND}, exit) in the raw-packet convention
 * (r1 = packet, r2 = length), so the translation is tested inside vm-core; the real engines
 * plug into {@link ClassicDifferential} the same way. Anything else fails loudly.
 *
 * <p>To catch translations that rely on what the kernel does not promise, r1..r5 get garbage
 * after every {@code LD_ABS}/{@code LD_IND} (the kernel treats them as clobbered, like a call)
 * and the stack starts as garbage.
 */
final class SubsetEbpfRunner implements BiFunction<Program, byte[], Long> {
    private static final long PACKET = 0x0000_0007_0000_0000L;
    private static final long STACK_TOP = 0x0000_0009_0000_0200L;

    private final Random garbage = new Random(1);

    @Override
    public Long apply(Program program, byte[] packet) {
        long[] r = new long[11];
        byte[] stack = new byte[512];
        garbage.nextBytes(stack);
        for (int i = 0; i < 10; i++) {
            r[i] = garbage.nextLong();
        }
        r[1] = PACKET;
        r[2] = packet.length;
        r[10] = STACK_TOP;
        int pc = 0;
        for (int steps = 0; steps < 1_000_000; steps++) {
            Instruction i = program.get(pc++);
            int op = i.op();
            switch (i.cls()) {
                case BPF_ALU, BPF_ALU64 -> {
                    long src = source(i.opcode()) == BPF_X ? r[i.src()] : i.imm();
                    r[i.dst()] = i.cls() == BPF_ALU
                        ? Semantics.alu32(op, i.offset(), i.imm(), false, r[i.dst()], src)
                        : Semantics.alu64(op, i.offset(), i.imm(), r[i.dst()], src);
                }
                case BPF_JMP -> {
                    if (i.opcode() == EXIT) {
                        return r[0];
                    }
                    long src = source(i.opcode()) == BPF_X ? r[i.src()] : i.imm();
                    if (op == BPF_JA || Semantics.jump64(op, r[i.dst()], src)) {
                        pc += i.offset();
                    }
                }
                case BPF_LDX -> {
                    expect(i.opcode() == (BPF_LDX | BPF_MEM | BPF_W) && i.src() == R10, i);
                    int at = stackIndex(r[R10] + i.offset());
                    r[i.dst()] = java.nio.ByteBuffer.wrap(stack).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(at) & 0xffffffffL;
                }
                case BPF_STX -> {
                    expect(i.opcode() == (BPF_STX | BPF_MEM | BPF_W) && i.dst() == R10, i);
                    int at = stackIndex(r[R10] + i.offset());
                    java.nio.ByteBuffer.wrap(stack).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(at, (int) r[i.src()]);
                }
                case BPF_LD -> {
                    int size = sizeBytes(i.opcode());
                    long at = mode(i.opcode()) == BPF_IND ? (int) (r[i.src()] + i.imm()) : i.imm();
                    expect(r[6] == PACKET, i); // LD_ABS finds the context in r6
                    if (at < 0 || at + size > packet.length) {
                        return 0L;
                    }
                    long v = 0;
                    for (int b = 0; b < size; b++) {
                        v = v << 8 | (packet[(int) at + b] & 0xff);
                    }
                    r[0] = v;
                    for (int reg = 1; reg <= 5; reg++) {
                        r[reg] = garbage.nextLong();
                    }
                }
                default -> throw new IllegalStateException("not in the subset: " + i + " at " + (pc - 1));
            }
        }
        throw new IllegalStateException("no exit after a million steps");
    }

    private static int stackIndex(long address) {
        long at = address - (STACK_TOP - 512);
        if (at < 0 || at + 4 > 512) {
            throw new IllegalStateException("stack access at " + Long.toHexString(address));
        }
        return (int) at;
    }

    private static void expect(boolean ok, Instruction i) {
        if (!ok) {
            throw new IllegalStateException("not in the subset: " + i);
        }
    }
}
