package io.ebpfjvm.core.testing.fuzz;

import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.MapSpec;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.core.testing.fuzz.CodeBuffer.Label;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Random XDP programs that are safe by construction, for differential fuzzing of the verifier
 * (it must accept them), the interpreter and the JIT (they must agree, and never fault).
 *
 * <p>Shape: r6 = ctx, r7 = packet start, r8 = packet end, checked to hold at least
 * {@link #PACKET_WINDOW} bytes; 104 bytes of stack zeroed; scalars live in r0..r5, r9 counts
 * loops. The body mixes 32/64-bit ALU (signed division, sign-extending moves and byte swaps
 * included), stack and packet loads and stores of every width, atomics on the stack and in map
 * values, forward branches, bounded loops, bpf-to-bpf calls, array and hash map lookups with
 * null checks, hash updates and deletes, {@code bpf_loop} with callbacks and {@code get_smp_processor_id}. Packet and map value
 * accesses also come at variable offsets: a masked scalar added to the pointer, the packet ones
 * behind their own {@code data_end} check (which may fail at run time). Every register is
 * written before it is read, every access is in bounds, every loop ends. At exit the stack is
 * folded into the result, so engines must agree on it too. The same seed gives the same program.
 */
public final class SafeProgramGenerator {
    /** Bytes of packet every program may touch; test packets must be at least this long. */
    public static final int PACKET_WINDOW = 64;
    private static final int STACK_ZEROED = 104;
    /** A slot below the zeroed area (and below map keys and values) where pointers are spilled. */
    private static final int POINTER_SPILL = -STACK_ZEROED - 40;
    private static final int ARRAY_VALUE = 64;
    private static final int HASH_VALUE = 16;
    private static final int[] SCALARS = {0, 1, 2, 3, 4, 5};
    private static final int[] SIZES = {BPF_B, BPF_H, BPF_W, BPF_DW};

    private final SplittableRandom random;
    private final CodeBuffer code = new CodeBuffer();
    private final List<Label> subprograms = new ArrayList<>();
    private final java.util.Set<Label> called = new java.util.HashSet<>();
    /** bpf_loop callbacks: r1 the index, r2 a pointer into the caller's zeroed stack. */
    private final List<Label> callbacks = new ArrayList<>();
    /** Subprograms whose r1 is always a pointer into the caller's zeroed stack. */
    private final java.util.Set<Label> takesStack = new java.util.HashSet<>();
    private final int maxStatements;
    private final boolean cpuHelper;
    private int budget;
    private boolean inStackSub;

    private SafeProgramGenerator(long seed, int maxStatements, boolean cpuHelper) {
        this.random = new SplittableRandom(seed);
        this.maxStatements = maxStatements;
        this.cpuHelper = cpuHelper;
    }

    /** One generated program: an object holding it and its two maps, and a packet for it. */
    public record Generated(long seed, BpfObject object, ProgramSpec program, byte[] packet) {
    }

    /** The program of this seed, with up to {@code maxStatements} top-level statements. */
    public static Generated generate(long seed, int maxStatements) {
        return new SafeProgramGenerator(seed, maxStatements, true).build(seed);
    }

    /**
     * The same without {@code get_smp_processor_id}, whose result differs between the kernel
     * and the JVM, and without {@code bpf_loop}, whose callback the kernel accepts only with BTF
     * func_info (an ELF object's {@code .BTF.ext}, not a raw program), for comparisons with the kernel.
     */
    public static Generated generateForKernel(long seed, int maxStatements) {
        return new SafeProgramGenerator(seed, maxStatements, false).build(seed);
    }

    private Generated build(long seed) {
        Label out = new Label();
        emitPrologue(out);
        budget = 1 + random.nextInt(maxStatements);
        int subs = random.nextInt(3);
        for (int i = 0; i < subs; i++) {
            Label sub = new Label();
            subprograms.add(sub);
            if (random.nextBoolean()) {
                takesStack.add(sub);
            }
        }
        body(Context.MAIN, 0);
        // Fold every scalar into r0, keep the full value in the packet, return a valid XDP action.
        for (int r = 1; r <= 5; r++) {
            code.emit(BPF_ALU64 | (random.nextBoolean() ? BPF_XOR : BPF_ADD) | BPF_X, 0, r, 0, 0);
        }
        // The stack too: a slot written wrongly by one engine changes the result.
        for (int off = -8; off >= -STACK_ZEROED; off -= 8) {
            code.emit(BPF_LDX | BPF_MEM | BPF_DW, 1, 10, off, 0);
            code.emit(BPF_ALU64 | BPF_MUL | BPF_K, 0, 0, 0, 31);
            code.emit(BPF_ALU64 | BPF_ADD | BPF_X, 0, 1, 0, 0);
        }
        code.emit(BPF_ALU64 | BPF_XOR | BPF_X, 0, 9, 0, 0);
        code.emit(BPF_STX | BPF_MEM | BPF_DW, 7, 0, PACKET_WINDOW - 8, 0);
        code.emit(BPF_ALU64 | BPF_AND | BPF_K, 0, 0, 0, 3);
        code.emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
        code.place(out);
        code.emit(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1);
        code.emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
        for (Label sub : subprograms) {
            if (called.contains(sub)) {
                emitSubprogram(sub); // the kernel rejects code no path reaches
            }
        }
        for (Label callback : callbacks) {
            emitCallback(callback);
        }
        List<Instruction> slots = code.build();
        ProgramSpec spec = new ProgramSpec("fuzz_" + Long.toUnsignedString(seed, 16), "xdp", slots);
        List<MapSpec> maps = List.of(
            new MapSpec("values", 2, 4, ARRAY_VALUE, 4, 0, 0, 0, null, false),
            new MapSpec("table", 1, 8, HASH_VALUE, 64, 0, 0, 0, null, false));
        BpfObject object = new BpfObject("fuzz.o", List.of(spec), maps, "GPL", null);
        byte[] packet = new byte[PACKET_WINDOW + random.nextInt(64)];
        for (int i = 0; i < packet.length; i++) {
            packet[i] = (byte) random.nextInt(256);
        }
        return new Generated(seed, object, spec, packet);
    }

    private void emitPrologue(Label out) {
        code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0);
        code.emit(BPF_LDX | BPF_MEM | BPF_W, 7, 6, 0, 0);
        code.emit(BPF_LDX | BPF_MEM | BPF_W, 8, 6, 4, 0);
        code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 1, 7, 0, 0);
        code.emit(BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, PACKET_WINDOW);
        code.jump(BPF_JMP | BPF_JGT | BPF_X, 1, 8, 0, out);
        zeroStack();
        code.emit(BPF_ALU64 | BPF_MOV | BPF_K, 9, 0, 0, random.nextInt());
        for (int r : SCALARS) {
            setScalar(r);
        }
    }

    private void zeroStack() {
        for (int off = -8; off >= -STACK_ZEROED; off -= 8) {
            code.emit(BPF_ST | BPF_MEM | BPF_DW, 10, 0, off, 0);
        }
    }

    private void setScalar(int r) {
        if (random.nextInt(4) == 0) {
            code.wide(r, 0, random.nextLong());
        } else {
            code.emit(BPF_ALU64 | BPF_MOV | BPF_K, r, 0, 0, interesting());
        }
    }

    private int interesting() {
        return switch (random.nextInt(6)) {
            case 0 -> random.nextInt(-2, 3);
            case 1 -> Integer.MIN_VALUE;
            case 2 -> Integer.MAX_VALUE;
            case 3 -> 1 << random.nextInt(31);
            default -> random.nextInt();
        };
    }

    /** Where statements are emitted: what registers and statement kinds are allowed. */
    private enum Context {
        /** The main function: packet (r7/r8) and maps available. */
        MAIN,
        /** Inside a loop of the main function: r9 is the counter, no calls or nested loops, no branches; packet kept. */
        LOOP,
        /** A subprogram: own stack, no packet or maps, no calls. */
        SUB
    }

    private void body(Context where, int depth) {
        while (budget > 0) {
            budget--;
            statement(where, depth);
            if ((where != Context.MAIN || depth > 0) && random.nextInt(4) == 0) {
                return;
            }
        }
    }

    private void statement(Context where, int depth) {
        int kind = random.nextInt(where == Context.MAIN ? 15 : where == Context.LOOP ? 8 : 7);
        if (where != Context.SUB && random.nextInt(12) == 0) {
            switch (random.nextInt(3)) {
                case 0 -> spillAndFill();
                case 1 -> variableStackAccess();
                default -> mixedPointerAccess();
            }
            return;
        }
        switch (kind) {
            case 0, 1, 2 -> alu();
            case 3 -> stackStore();
            case 4 -> stackLoad();
            case 5 -> {
                if (where == Context.SUB && inStackSub && random.nextBoolean()) {
                    callerStackAccess();
                } else {
                    stackAtomic();
                }
            }
            case 6 -> {
                if (where == Context.LOOP || depth > 2) {
                    alu();
                } else {
                    branch(where, depth);
                }
            }
            case 7 -> {
                if (random.nextInt(3) == 0) {
                    variablePacketAccess();
                } else {
                    packetAccess();
                }
            }
            case 8 -> {
                if (depth == 0) {
                    loop();
                } else {
                    alu();
                }
            }
            case 9 -> arrayLookup();
            case 10 -> hashAccess();
            case 11 -> {
                if (subprograms.isEmpty()) {
                    stackLoad();
                } else {
                    call(subprograms.get(random.nextInt(subprograms.size())));
                }
            }
            case 13 -> {
                // bpf_loop needs BTF func_info for its callback in the kernel, which raw programs
                // sent to the kernel oracle lack: only in programs not meant for the kernel.
                if (cpuHelper && depth == 0 && callbacks.size() < 2 && random.nextInt(3) == 0) {
                    loopHelper();
                } else {
                    hashDelete();
                }
            }
            default -> {
                if (cpuHelper) {
                    code.emit(BPF_JMP | BPF_CALL, 0, 0, 0, 8); // get_smp_processor_id
                    reinitArguments();
                } else {
                    alu();
                }
            }
        }
    }

    private int scalar() {
        return SCALARS[random.nextInt(SCALARS.length)];
    }

    private void alu() {
        int dst = scalar();
        boolean wide = random.nextBoolean();
        int cls = wide ? BPF_ALU64 : BPF_ALU;
        switch (random.nextInt(10)) {
            case 0 -> code.emit(cls | BPF_NEG, dst, 0, 0, 0);
            case 1 -> {
                // Byte swaps: to-LE/to-BE in ALU, unconditional bswap in ALU64 (ISA v4).
                int bits = new int[] {16, 32, 64}[random.nextInt(3)];
                int source = random.nextBoolean() ? BPF_TO_BE : BPF_TO_LE;
                code.emit(cls | BPF_END | (wide ? BPF_TO_LE : source), dst, 0, 0, bits);
            }
            case 2 -> {
                // Sign-extending move (ISA v4): 8/16 bits into w or r, 32 bits into r only.
                int from = wide ? new int[] {8, 16, 32}[random.nextInt(3)] : new int[] {8, 16}[random.nextInt(2)];
                code.emit(cls | BPF_MOV | BPF_X, dst, scalar(), from, 0);
            }
            case 3 -> {
                // Signed division and modulo (ISA v4), by a register that may be zero or -1.
                int op = random.nextBoolean() ? BPF_DIV : BPF_MOD;
                code.emit(cls | op | BPF_X, dst, scalar(), 1, 0);
            }
            default -> {
                int[] ops = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH};
                int op = ops[random.nextInt(ops.length)];
                boolean shift = op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH;
                if (random.nextBoolean()) {
                    int imm = shift ? random.nextInt(wide ? 64 : 32) : interesting();
                    if ((op == BPF_DIV || op == BPF_MOD) && imm == 0) {
                        imm = 7; // the kernel rejects division by a constant zero
                    }
                    code.emit(cls | op | BPF_K, dst, 0, 0, imm);
                } else {
                    code.emit(cls | op | BPF_X, dst, scalar(), 0, 0);
                }
            }
        }
    }

    private int size() {
        return SIZES[random.nextInt(SIZES.length)];
    }

    private static int bytes(int size) {
        return switch (size) {
            case BPF_B -> 1;
            case BPF_H -> 2;
            case BPF_W -> 4;
            default -> 8;
        };
    }

    /** A naturally aligned offset for a {@code size} access inside {@code [base, base + window)}. */
    private int aligned(int size, int base, int window) {
        int n = bytes(size);
        return base + n * random.nextInt(window / n);
    }

    private void stackStore() {
        int size = size();
        int off = aligned(size, -STACK_ZEROED, STACK_ZEROED);
        if (random.nextBoolean()) {
            code.emit(BPF_ST | BPF_MEM | size, 10, 0, off, interesting());
        } else {
            code.emit(BPF_STX | BPF_MEM | size, 10, scalar(), off, 0);
        }
    }

    private void stackLoad() {
        int size = size();
        int off = aligned(size, -STACK_ZEROED, STACK_ZEROED);
        boolean signExtend = size != BPF_DW && random.nextInt(3) == 0;
        code.emit(BPF_LDX | (signExtend ? BPF_MEMSX : BPF_MEM) | size, scalar(), 10, off, 0);
    }

    private void atomic(int base, int off, int size) {
        int[] ops = {BPF_ADD, BPF_OR, BPF_AND, BPF_XOR, BPF_ADD | BPF_FETCH, BPF_OR | BPF_FETCH, BPF_AND | BPF_FETCH,
            BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG};
        int op = ops[random.nextInt(ops.length)];
        int src = scalar();
        if (op == BPF_CMPXCHG && src == 0) {
            src = 1; // r0 is the comparand: keep the new value in another register
        }
        code.emit(BPF_STX | BPF_ATOMIC | size, base, src, off, op);
    }

    private void stackAtomic() {
        int size = random.nextBoolean() ? BPF_W : BPF_DW;
        atomic(10, aligned(size, -STACK_ZEROED, STACK_ZEROED), size);
    }

    private void packetAccess() {
        int size = size();
        int off = random.nextInt(PACKET_WINDOW - 8 - bytes(size) + 1); // the last 8 bytes hold the result
        switch (random.nextInt(3)) {
            case 0 -> code.emit(BPF_LDX | BPF_MEM | size, scalar(), 7, off, 0);
            case 1 -> code.emit(BPF_STX | BPF_MEM | size, 7, scalar(), off, 0);
            default -> code.emit(BPF_ST | BPF_MEM | size, 7, 0, off, interesting());
        }
    }

    /**
     * {@code p = r7 + (scalar & mask)} then an access at {@code p}, guarded by its own
     * {@code p + size > data_end} check: the verifier must carry the range from the check to
     * the variable-offset pointer; the check fails at run time on short packets.
     */
    private void variablePacketAccess() {
        int size = size();
        int mask = new int[] {7, 15, 63, 127}[random.nextInt(4)];
        int index = scalar();
        Label skip = new Label();
        boundedIndex(2, index, mask, skip);
        code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 3, 7, 0, 0);
        code.emit(BPF_ALU64 | BPF_ADD | BPF_X, 3, 2, 0, 0);
        code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 4, 3, 0, 0);
        code.emit(BPF_ALU64 | BPF_ADD | BPF_K, 4, 0, 0, bytes(size) + 8); // keep clear of the result bytes
        if (random.nextBoolean()) {
            code.jump(BPF_JMP | BPF_JGT | BPF_X, 4, 8, 0, skip);
        } else {
            code.jump(BPF_JMP | BPF_JLT | BPF_X, 8, 4, 0, skip); // the same check, operands swapped
        }
        int value = random.nextBoolean() ? 1 : 5;
        switch (random.nextInt(3)) {
            case 0 -> code.emit(BPF_LDX | BPF_MEM | size, value, 3, 0, 0);
            case 1 -> code.emit(BPF_STX | BPF_MEM | size, 3, value, 0, 0);
            default -> code.emit(BPF_ST | BPF_MEM | size, 3, 0, 0, interesting());
        }
        code.place(skip);
        for (int r = 2; r <= 4; r++) {
            setScalar(r); // no packet pointer left where a scalar is expected
        }
    }

    /**
     * {@code dst = src} limited to {@code [0, mask]} ({@code mask} all ones) in one of the ways
     * compilers do it, so the verifier's range tracking is exercised: an AND, a 32-bit move and
     * an unsigned compare (jumping to {@code tooBig} otherwise), or a shift pair.
     */
    private void boundedIndex(int dst, int src, int mask, Label tooBig) {
        switch (random.nextInt(5)) {
            case 3 -> {
                // Two signed compares on the full 64-bit value.
                code.emit(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
                code.jump(BPF_JMP | BPF_JSGT | BPF_K, dst, 0, mask, tooBig);
                code.jump(BPF_JMP | BPF_JSLT | BPF_K, dst, 0, 0, tooBig);
            }
            case 4 -> {
                // A 32-bit compare of a zero-extended value: its bounds carry over to 64 bits.
                code.emit(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0);
                code.jump(BPF_JMP32 | BPF_JGT | BPF_K, dst, 0, mask, tooBig);
            }
            case 0 -> {
                code.emit(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
                code.emit(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, mask);
            }
            case 1 -> {
                code.emit(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0);
                code.jump(BPF_JMP | (random.nextBoolean() ? BPF_JGT : BPF_JGE) | BPF_K, dst, 0, mask, tooBig);
            }
            default -> {
                int shift = 64 - Integer.bitCount(mask);
                code.emit(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
                code.emit(BPF_ALU64 | BPF_LSH | BPF_K, dst, 0, 0, shift);
                code.emit(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, shift);
            }
        }
    }

    private void branch(Context where, int depth) {
        int[] ops = {BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT, BPF_JSGE, BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE};
        int op = ops[random.nextInt(ops.length)];
        int cls = random.nextBoolean() ? BPF_JMP : BPF_JMP32;
        Label skip = new Label();
        if (random.nextBoolean()) {
            code.jump(cls | op | BPF_K, scalar(), 0, interesting(), skip);
        } else {
            code.jump(cls | op | BPF_X, scalar(), scalar(), 0, skip);
        }
        body(where, depth + 1);
        if (random.nextInt(3) == 0) {
            // An else branch: jump over it from the end of the then branch.
            Label end = new Label();
            code.jump(BPF_JMP | BPF_JA, 0, 0, 0, end);
            code.place(skip);
            body(where, depth + 1);
            code.place(end);
        } else {
            code.place(skip);
        }
    }

    /** A counted loop on r9: stride 1, 2 or 4, and an exit test as clang writes them ({@code <}, {@code !=} in 64 or 32 bits, or {@code ==} out of the loop). */
    private void loop() {
        int iterations = 1 + random.nextInt(8);
        int stride = 1 << random.nextInt(3);
        int exit = random.nextInt(4);
        code.emit(BPF_ALU64 | BPF_MOV | BPF_K, 9, 0, 0, 0);
        Label head = new Label();
        code.place(head);
        body(Context.LOOP, 1);
        code.emit(BPF_ALU64 | BPF_ADD | BPF_K, 9, 0, 0, stride);
        int end = iterations * stride;
        switch (exit) {
            case 0 -> code.jump(BPF_JMP | BPF_JLT | BPF_K, 9, 0, end, head);
            case 1 -> code.jump(BPF_JMP | BPF_JNE | BPF_K, 9, 0, end, head);
            case 2 -> code.jump(BPF_JMP32 | BPF_JNE | BPF_K, 9, 0, end, head);
            default -> {
                Label out = new Label();
                code.jump(BPF_JMP32 | BPF_JEQ | BPF_K, 9, 0, end, out);
                code.jump(BPF_JMP | BPF_JA, 0, 0, 0, head);
                code.place(out);
            }
        }
    }

    private void reinitArguments() {
        for (int r = 1; r <= 5; r++) {
            setScalar(r);
        }
    }

    /** {@code r0 = lookup(values, &k)}; on a hit, accesses into the 64-byte value; r0 a scalar again after. */
    private void arrayLookup() {
        code.emit(BPF_ST | BPF_MEM | BPF_W, 10, 0, -STACK_ZEROED - 8, random.nextInt(5)); // key 4 misses
        code.wide(1, BPF_PSEUDO_MAP_FD, 0);
        code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0);
        code.emit(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -STACK_ZEROED - 8);
        code.emit(BPF_JMP | BPF_CALL, 0, 0, 0, 1);
        reinitArguments();
        valueAccesses(ARRAY_VALUE);
    }

    private void valueAccesses(int valueSize) {
        Label miss = new Label();
        code.jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0, miss);
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            int size = size();
            int off = aligned(size, 0, valueSize);
            int reg = 1 + random.nextInt(5);
            switch (random.nextInt(4)) {
                case 0 -> code.emit(BPF_LDX | BPF_MEM | size, reg, 0, off, 0);
                case 1 -> code.emit(BPF_STX | BPF_MEM | size, 0, reg, off, 0);
                case 2 -> code.emit(BPF_ST | BPF_MEM | size, 0, 0, off, interesting());
                default -> {
                    int s = random.nextBoolean() ? BPF_W : BPF_DW;
                    int[] ops = {BPF_ADD, BPF_OR, BPF_XOR, BPF_ADD | BPF_FETCH, BPF_XCHG};
                    code.emit(BPF_STX | BPF_ATOMIC | s, 0, reg, aligned(s, 0, valueSize), ops[random.nextInt(ops.length)]);
                }
            }
        }
        if (random.nextInt(3) == 0) {
            // A variable offset last (r0 keeps it): r0 += scalar & (valueSize - 8), then a dword access.
            int reg = 1 + random.nextInt(5);
            code.emit(BPF_ALU64 | BPF_AND | BPF_K, reg, 0, 0, valueSize - 8);
            code.emit(BPF_ALU64 | BPF_ADD | BPF_X, 0, reg, 0, 0);
            if (random.nextBoolean()) {
                code.emit(BPF_LDX | BPF_MEM | BPF_DW, reg, 0, 0, 0);
            } else {
                code.emit(BPF_STX | BPF_MEM | BPF_DW, 0, reg == 5 ? 4 : 5, 0, 0);
            }
        }
        code.place(miss);
        setScalar(0);
    }

    /** Either a hash update (key and value from scalars on the stack) or a lookup with accesses. */
    private void hashAccess() {
        int keyAt = -STACK_ZEROED - 16;
        int valueAt = -STACK_ZEROED - 32;
        code.emit(BPF_STX | BPF_MEM | BPF_DW, 10, scalar(), keyAt, 0);
        if (random.nextBoolean()) {
            // Few distinct keys, so updates and lookups meet.
            code.emit(BPF_ST | BPF_MEM | BPF_DW, 10, 0, keyAt, random.nextInt(8));
        }
        boolean update = random.nextBoolean();
        if (update) {
            // The value first: once r1/r2 hold the map and key pointers they are no scalars to store.
            code.emit(BPF_STX | BPF_MEM | BPF_DW, 10, scalar(), valueAt, 0);
            code.emit(BPF_STX | BPF_MEM | BPF_DW, 10, scalar(), valueAt + 8, 0);
        }
        code.wide(1, BPF_PSEUDO_MAP_FD, 1);
        code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0);
        code.emit(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, keyAt);
        if (update) {
            code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 3, 10, 0, 0);
            code.emit(BPF_ALU64 | BPF_ADD | BPF_K, 3, 0, 0, valueAt);
            code.emit(BPF_ALU64 | BPF_MOV | BPF_K, 4, 0, 0, random.nextInt(3)); // BPF_ANY, NOEXIST, EXIST
            code.emit(BPF_JMP | BPF_CALL, 0, 0, 0, 2);
            reinitArguments();
        } else {
            code.emit(BPF_JMP | BPF_CALL, 0, 0, 0, 1);
            reinitArguments();
            valueAccesses(HASH_VALUE);
        }
    }

    /** In a subprogram given the caller's stack in r6: a load, store or atomic there, in the zeroed part. */
    private void callerStackAccess() {
        int size = size();
        int off = aligned(size, 0, STACK_ZEROED);
        switch (random.nextInt(4)) {
            case 0 -> code.emit(BPF_LDX | BPF_MEM | size, scalar(), 6, off, 0);
            case 1 -> code.emit(BPF_STX | BPF_MEM | size, 6, scalar(), off, 0);
            case 2 -> code.emit(BPF_ST | BPF_MEM | size, 6, 0, off, interesting());
            default -> {
                int s = random.nextBoolean() ? BPF_W : BPF_DW;
                atomic(6, aligned(s, 0, STACK_ZEROED), s);
            }
        }
    }

    /**
     * A packet or stack pointer spilled to the stack and filled into r2, then an access through
     * the filled copy: the verifier must keep the pointer's type and proven range across the spill.
     */
    private void spillAndFill() {
        boolean packet = random.nextBoolean();
        if (packet) {
            code.emit(BPF_STX | BPF_MEM | BPF_DW, 10, 7, POINTER_SPILL, 0);
        } else {
            code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0);
            code.emit(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -STACK_ZEROED);
            code.emit(BPF_STX | BPF_MEM | BPF_DW, 10, 2, POINTER_SPILL, 0);
        }
        code.emit(BPF_LDX | BPF_MEM | BPF_DW, 2, 10, POINTER_SPILL, 0);
        int size = size();
        int off = packet ? random.nextInt(PACKET_WINDOW - 8 - bytes(size) + 1) : aligned(size, 0, STACK_ZEROED);
        int value = random.nextBoolean() ? 1 : 5;
        switch (random.nextInt(3)) {
            case 0 -> code.emit(BPF_LDX | BPF_MEM | size, value, 2, off, 0);
            case 1 -> code.emit(BPF_STX | BPF_MEM | size, 2, value, off, 0);
            default -> code.emit(BPF_ST | BPF_MEM | size, 2, 0, off, interesting());
        }
        setScalar(2);
    }

    /**
     * A dword access at {@code r10 - 104 + (scalar & 0x38)}: a variable offset into the zeroed
     * stack, which a privileged program may read (all bytes initialised) and write.
     */
    private void variableStackAccess() {
        code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 2, scalar(), 0, 0);
        code.emit(BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, 0x38);
        code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 3, 10, 0, 0);
        code.emit(BPF_ALU64 | BPF_ADD | BPF_K, 3, 0, 0, -STACK_ZEROED);
        code.emit(BPF_ALU64 | BPF_ADD | BPF_X, 3, 2, 0, 0);
        int off = 8 * random.nextInt((STACK_ZEROED - 0x38) / 8);
        if (random.nextBoolean()) {
            code.emit(BPF_LDX | BPF_MEM | BPF_DW, random.nextBoolean() ? 1 : 5, 3, off, 0);
        } else {
            code.emit(BPF_STX | BPF_MEM | BPF_DW, 3, random.nextBoolean() ? 1 : 5, off, 0);
        }
        setScalar(2);
        setScalar(3);
    }

    /**
     * One access instruction reached with a packet pointer on one path and a stack pointer on
     * the other (the kernel allows mixing these): a per-instruction fact must cover both.
     */
    private void mixedPointerAccess() {
        Label join = new Label();
        code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 2, 7, 0, 0);
        code.jump(BPF_JMP | BPF_JSET | BPF_K, scalar(), 0, 1 << random.nextInt(8), join);
        code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0);
        code.emit(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -STACK_ZEROED);
        code.place(join);
        int size = size();
        int off = bytes(size) * random.nextInt((PACKET_WINDOW - 8) / bytes(size));
        int value = random.nextBoolean() ? 1 : 5;
        switch (random.nextInt(3)) {
            case 0 -> code.emit(BPF_LDX | BPF_MEM | size, value, 2, off, 0);
            case 1 -> code.emit(BPF_STX | BPF_MEM | size, 2, value, off, 0);
            default -> code.emit(BPF_ST | BPF_MEM | size, 2, 0, off, interesting());
        }
        setScalar(2);
    }

    /** {@code map_delete_elem(table, &key)} with one of the few keys updates use; r0 is 0 or -ENOENT. */
    private void hashDelete() {
        int keyAt = -STACK_ZEROED - 16;
        code.emit(BPF_ST | BPF_MEM | BPF_DW, 10, 0, keyAt, random.nextInt(8));
        code.wide(1, BPF_PSEUDO_MAP_FD, 1);
        code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0);
        code.emit(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, keyAt);
        code.emit(BPF_JMP | BPF_CALL, 0, 0, 0, 3);
        reinitArguments();
    }

    /** {@code bpf_loop(n, callback, r10 - 104, 0)}: up to 6 calls of a new callback; r0 the count. */
    private void loopHelper() {
        Label callback = new Label();
        callbacks.add(callback);
        code.emit(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, random.nextInt(7));
        code.funcRef(2, callback);
        code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 3, 10, 0, 0);
        code.emit(BPF_ALU64 | BPF_ADD | BPF_K, 3, 0, 0, -STACK_ZEROED);
        code.emit(BPF_ALU64 | BPF_MOV | BPF_K, 4, 0, 0, 0);
        code.emit(BPF_JMP | BPF_CALL, 0, 0, 0, 181);
        reinitArguments();
    }

    /** A bpf_loop callback: statements over its own stack and the caller's (through r6); returns 0 or 1. */
    private void emitCallback(Label callback) {
        code.place(callback);
        inStackSub = true;
        code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 6, 2, 0, 0);
        code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 0, 0); // the index
        for (int r = 2; r <= 5; r++) {
            setScalar(r);
        }
        zeroStack();
        budget = 1 + random.nextInt(6);
        body(Context.SUB, 1);
        callerStackAccess();
        code.emit(BPF_ALU64 | BPF_AND | BPF_K, 0, 0, 0, random.nextInt(4) == 0 ? 1 : 0); // 1 ends the loop early
        code.emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    }

    private void call(Label sub) {
        called.add(sub);
        if (takesStack.contains(sub)) {
            code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 1, 10, 0, 0);
            code.emit(BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, -STACK_ZEROED);
        }
        code.jump(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, sub);
        reinitArguments();
    }

    private void emitSubprogram(Label sub) {
        code.place(sub);
        inStackSub = takesStack.contains(sub);
        if (inStackSub) {
            // r6 keeps the pointer (callee-saved, out of the statements' way); r1 is a scalar again.
            code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0);
            setScalar(1);
        }
        // In the callee only r1..r5 (arguments) and r10 are readable: give r0 a value first.
        code.emit(BPF_ALU64 | BPF_MOV | BPF_X, 0, 1 + random.nextInt(5), 0, 0);
        zeroStack();
        budget = 1 + random.nextInt(8);
        body(Context.SUB, 1);
        if (takesStack.contains(sub)) {
            callerStackAccess(); // at least one, so the caller's stack is really reached
        }
        code.emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    }
}
