package io.ebpfjvm.core.cbpf;

/**
 * One {@code struct sock_filter}: a 16-bit opcode, the jump-if-true and jump-if-false
 * offsets (8 bits each, relative to the next instruction) and the 32-bit constant {@code k}.
 * Field ranges are checked here; whether the opcode means anything is {@link ClassicProgram}'s
 * business.
 */
public record ClassicInstruction(int code, int jt, int jf, int k) {

    /** Checks that each field fits its {@code struct sock_filter} width. */
    public ClassicInstruction {
        if ((code & ~0xffff) != 0 || (jt & ~0xff) != 0 || (jf & ~0xff) != 0) {
            throw new IllegalArgumentException("sock_filter field out of range: code=" + code + " jt=" + jt + " jf=" + jf);
        }
    }

    /** A non-jump instruction, like the kernel's {@code BPF_STMT(code, k)}. */
    public static ClassicInstruction stmt(int code, int k) {
        return new ClassicInstruction(code, 0, 0, k);
    }

    /** A jump, like the kernel's {@code BPF_JUMP(code, k, jt, jf)}. */
    public static ClassicInstruction jump(int code, int k, int jt, int jf) {
        return new ClassicInstruction(code, jt, jf, k);
    }

    /** The instruction class ({@code code & 7}). */
    public int cls() {
        return ClassicOpcodes.cls(code);
    }

    /** As {@code tcpdump -dd} prints it: {@code { 0x28, 0, 0, 0x0000000c }}. */
    @Override
    public String toString() {
        return String.format("{ 0x%x, %d, %d, 0x%08x }", code, jt, jf, k);
    }
}
