package io.ebpfjvm.jit;

import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.MapSpec;
import io.ebpfjvm.verifier.MemoryAccess;
import io.ebpfjvm.verifier.RegionKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * Random raw-memory programs that terminate and exercise what engines may disagree on: all
 * ALU forms (division by zero included), forward branches, counted loops, bpf-to-bpf calls,
 * bpf_loop callbacks, helpers that read and write memory or stop the run, map lookups with
 * accesses through the value pointer, packet loads, stack and packet loads, stores and atomics
 * (some out of bounds). Each program comes with the memory facts a verifier would prove for
 * its in-bounds accesses, so the JIT's direct paths can be checked against the interpreter.
 *
 * <p>Registers follow a discipline that keeps both engines' results defined: r6 holds the
 * memory pointer and is never overwritten, r9 counts loops, and registers a call or bpf_loop
 * leaves undefined are written before they are read again.
 */
final class GeneratedPrograms {
    static final int MEMORY = 64;
    static final int VALUE_SIZE = 64;
    static final int HELPER_MIX = 100;
    static final int HELPER_POKE = 101;
    static final int HELPER_PEEK = 102;
    static final int HELPER_UNWIND = 103;
    private static final int[] ALU_OPS = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH,
        BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH, BPF_END};
    private static final int[] JUMP_OPS = {BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT, BPF_JSGE,
        BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE};
    private static final int[] ATOMIC_OPS = {BPF_ADD, BPF_OR, BPF_AND, BPF_XOR, BPF_ADD | BPF_FETCH, BPF_OR | BPF_FETCH,
        BPF_AND | BPF_FETCH, BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG};
    private static final int[] SCRATCH = {0, 1, 2, 3, 4, 5, 7, 8};

    /** A generated program and the facts of its in-bounds memory accesses. */
    record Generated(Program program, Map<Integer, MemoryAccess> facts) {
        AccessFacts accessFacts() {
            return facts::get;
        }
    }

    /** One item of a body: instructions, plus facts keyed by index within the item. */
    private static final class Item {
        final List<Instruction> insns = new ArrayList<>();
        final Map<Integer, MemoryAccess> facts = new HashMap<>();
        /** For a forward branch: how many following items it skips. */
        int skip = -1;
        /** Local calls and function references: index within the item to the function named (patched on layout). */
        final Map<Integer, Integer> callees = new HashMap<>();

        Item add(Instruction i) {
            insns.add(i);
            return this;
        }

        Item fact(MemoryAccess a) {
            facts.put(insns.size() - 1, a);
            return this;
        }
    }

    private final Random r;
    private final int functionCount;
    private final boolean[] isCallback;

    private GeneratedPrograms(Random r) {
        this.r = r;
        this.functionCount = 1 + r.nextInt(4);
        this.isCallback = new boolean[functionCount];
        for (int f = 1; f < functionCount; f++) {
            isCallback[f] = r.nextInt(3) == 0;
        }
    }

    static Generated generate(long seed) {
        return new GeneratedPrograms(new Random(seed)).build();
    }

    /** The map the programs look values up in: an array of 4 values of 64 bytes. */
    static MapSet maps() {
        MapSpec array = new MapSpec("values", MapSpec.BPF_MAP_TYPE_ARRAY, 4, VALUE_SIZE, 4, 0, 0, 0, null, false);
        return MapSet.create(new BpfObject("generated", List.of(), List.of(array), "GPL", null));
    }

    /** map_lookup_elem plus the test helpers; a fresh registry per engine keeps them independent. */
    static HelperRegistry helpers() {
        return HelperRegistry.builder()
            .register(KernelHelpers.MAP_LOOKUP_ELEM, "map_lookup_elem", KernelHelpers.registry(s -> { }).get(KernelHelpers.MAP_LOOKUP_ELEM))
            .register(HELPER_MIX, "mix", (c, a, b, d, e, f) -> a * 31 + (b ^ d) - (e << 3) + Long.rotateLeft(f, 7))
            .register(HELPER_POKE, "poke", (c, a, b, d, e, f) -> {
                c.memory().store(a, 1, b, c.instructionIndex());
                return 0;
            })
            .register(HELPER_PEEK, "peek", (c, a, b, d, e, f) -> c.memory().load(a, 8, c.instructionIndex()))
            .register(HELPER_UNWIND, "unwind", (c, a, b, d, e, f) -> {
                if ((a & 7) == 0) {
                    c.stopAfterReturn();
                }
                return a + 7;
            })
            .build();
    }

    private Generated build() {
        List<List<Item>> bodies = new ArrayList<>();
        for (int f = 0; f < functionCount; f++) {
            bodies.add(function(f));
        }
        // Lay out functions one after another, then patch branches and calls.
        List<Instruction> slots = new ArrayList<>();
        Map<Integer, MemoryAccess> facts = new HashMap<>();
        int[] functionStart = new int[functionCount];
        List<int[]> calls = new ArrayList<>(); // slot, callee, isReference
        for (int f = 0; f < functionCount; f++) {
            functionStart[f] = slots.size();
            List<Item> items = bodies.get(f);
            int[] itemStart = new int[items.size() + 1];
            int at = slots.size();
            for (int i = 0; i < items.size(); i++) {
                itemStart[i] = at;
                at += items.get(i).insns.size();
            }
            itemStart[items.size()] = at;
            for (int i = 0; i < items.size(); i++) {
                Item item = items.get(i);
                for (int k = 0; k < item.insns.size(); k++) {
                    int slot = slots.size();
                    Instruction insn = item.insns.get(k);
                    if (item.skip >= 0 && k == item.insns.size() - 1) {
                        int target = itemStart[Math.min(items.size() - 1, i + 1 + item.skip)];
                        insn = Instruction.of(insn.opcode(), insn.dst(), insn.src(), target - slot - 1, insn.imm());
                    }
                    Integer callee = item.callees.get(k);
                    if (callee != null) {
                        calls.add(new int[] {slot, callee});
                    }
                    slots.add(insn);
                    MemoryAccess fact = item.facts.get(k);
                    if (fact != null) {
                        facts.put(slot, fact);
                    }
                }
            }
        }
        for (int[] c : calls) {
            Instruction insn = slots.get(c[0]);
            slots.set(c[0], Instruction.of(insn.opcode(), insn.dst(), insn.src(), insn.offset(), functionStart[c[1]] - c[0] - 1));
        }
        return new Generated(Program.of(slots), facts);
    }

    private List<Item> function(int f) {
        List<Item> items = new ArrayList<>();
        Item prologue = new Item();
        // r6 = the memory pointer: r1 for the entry and called functions, r2 (ctx) for bpf_loop callbacks.
        prologue.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_X, 6, isCallback[f] ? 2 : 1, 0, 0));
        for (int reg : new int[] {0, 7, 8, 9}) {
            prologue.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, reg, 0, 0, r.nextInt()));
        }
        if (isCallback[f]) {
            prologue.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_X, 7, 1, 0, 0)); // the iteration index
        }
        for (int reg = isCallback[f] ? 1 : 2; reg <= 5; reg++) {
            prologue.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, reg, 0, 0, r.nextInt()));
        }
        items.add(prologue);
        int count = f == 0 ? 5 + r.nextInt(40) : 3 + r.nextInt(12);
        for (int i = 0; i < count; i++) {
            items.add(item(f, true));
        }
        Item end = new Item();
        for (int reg : new int[] {1, 2, 3, 4, 5, 7, 8, 9}) {
            end.add(Instruction.of(BPF_ALU64 | BPF_XOR | BPF_X, 0, reg, 0, 0));
        }
        if (isCallback[f]) {
            end.add(Instruction.of(BPF_ALU64 | BPF_AND | BPF_K, 0, 0, 0, r.nextInt(4) == 0 ? 1 : 0));
        }
        end.add(Instruction.of(EXIT, 0, 0, 0, 0));
        items.add(end);
        return items;
    }

    private Item item(int f, boolean loopAllowed) {
        int kind = r.nextInt(20);
        return switch (kind) {
            case 0, 1, 2, 3, 4, 5 -> alu();
            case 6, 7 -> branch();
            case 8 -> loopAllowed ? loop(f) : alu();
            case 9 -> stack();
            case 10 -> stackThroughPointer();
            case 11, 12 -> packet();
            case 13 -> atomic();
            case 14 -> callOrLoop(f);
            case 15 -> helper();
            case 16 -> mapValue();
            case 17 -> packetLoad();
            case 18 -> wide();
            default -> r.nextInt(12) == 0 ? new Item().add(Instruction.of(EXIT, 0, 0, 0, 0)) : alu();
        };
    }

    private int scratch() {
        return SCRATCH[r.nextInt(SCRATCH.length)];
    }

    private int readable() {
        return r.nextInt(10) == 0 ? 6 : r.nextInt(12) == 0 ? 10 : scratch();
    }

    private int imm() {
        return switch (r.nextInt(5)) {
            case 0 -> r.nextInt(64);
            case 1 -> -r.nextInt(64);
            case 2 -> 0;
            default -> r.nextInt();
        };
    }

    private Item alu() {
        Item item = new Item();
        int cls = r.nextBoolean() ? BPF_ALU64 : BPF_ALU;
        int op = ALU_OPS[r.nextInt(ALU_OPS.length)];
        int dst = scratch();
        if (op == BPF_NEG) {
            return item.add(Instruction.of(cls | op, dst, 0, 0, 0));
        }
        if (op == BPF_END) {
            int width = new int[] {16, 32, 64}[r.nextInt(3)];
            int order = cls == BPF_ALU64 ? BPF_K : (r.nextBoolean() ? BPF_TO_BE : BPF_TO_LE);
            return item.add(Instruction.of(cls | op | order, dst, 0, 0, width));
        }
        boolean register = r.nextBoolean();
        int off = 0;
        if ((op == BPF_DIV || op == BPF_MOD) && r.nextBoolean()) {
            off = 1;
        }
        if (op == BPF_MOV && register && r.nextInt(3) == 0) {
            int[] widths = cls == BPF_ALU64 ? new int[] {8, 16, 32} : new int[] {8, 16};
            off = widths[r.nextInt(widths.length)];
        }
        return item.add(register ? Instruction.of(cls | op | BPF_X, dst, readable(), off, 0)
            : Instruction.of(cls | op | BPF_K, dst, 0, off, imm()));
    }

    private Item branch() {
        Item item = new Item();
        int cls = r.nextBoolean() ? BPF_JMP : BPF_JMP32;
        int op = r.nextInt(8) == 0 ? BPF_JA : JUMP_OPS[r.nextInt(JUMP_OPS.length)];
        item.skip = r.nextInt(4);
        if (op == BPF_JA) {
            return item.add(Instruction.of(BPF_JMP | BPF_JA, 0, 0, 0, 0));
        }
        return item.add(r.nextBoolean() ? Instruction.of(cls | op | BPF_X, scratch(), readable(), 0, 0)
            : Instruction.of(cls | op | BPF_K, scratch(), 0, 0, imm()));
    }

    /** r9 = n; body; r9 -= 1; if r9 != 0 goto body. The body never writes r9 and never branches out. */
    private Item loop(int f) {
        Item item = new Item();
        item.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, 9, 0, 0, 1 + r.nextInt(12)));
        int n = 1 + r.nextInt(5);
        int bodyStart = item.insns.size();
        for (int i = 0; i < n; i++) {
            Item inner;
            do {
                inner = item(f, false);
            } while (inner.skip >= 0 || inner.insns.stream().anyMatch(Instruction::isExit));
            int base = item.insns.size();
            inner.facts.forEach((k, v) -> item.facts.put(base + k, v));
            inner.callees.forEach((k, v) -> item.callees.put(base + k, v));
            item.insns.addAll(inner.insns);
        }
        item.add(Instruction.of(BPF_ALU64 | BPF_SUB | BPF_K, 9, 0, 0, 1));
        int back = bodyStart - (item.insns.size() + 1);
        item.add(Instruction.of(BPF_JMP | BPF_JNE | BPF_K, 9, 0, back, 0));
        return item;
    }

    private static int sizeCode(int size) {
        return switch (size) {
            case 1 -> BPF_B;
            case 2 -> BPF_H;
            case 4 -> BPF_W;
            default -> BPF_DW;
        };
    }

    /** A load or store of {@code size} bytes at {@code base + off}. */
    private void access(Item item, int base, int off, int size, MemoryAccess fact) {
        int sz = sizeCode(size);
        switch (r.nextInt(4)) {
            case 0 -> item.add(Instruction.of(BPF_LDX | BPF_MEM | sz, scratch(), base, off, 0));
            case 1 -> item.add(Instruction.of(BPF_LDX | (size < 8 && r.nextBoolean() ? BPF_MEMSX : BPF_MEM) | sz, scratch(), base, off, 0));
            case 2 -> item.add(Instruction.of(BPF_ST | BPF_MEM | sz, base, 0, off, imm()));
            default -> item.add(Instruction.of(BPF_STX | BPF_MEM | sz, base, readable(), off, 0));
        }
        if (fact != null) {
            item.fact(fact);
        }
    }

    private int size() {
        return new int[] {1, 2, 4, 8}[r.nextInt(4)];
    }

    private Item stack() {
        Item item = new Item();
        int size = size();
        int off = -size - r.nextInt(512 - size + 1);
        if (r.nextInt(30) == 0) {
            off = r.nextInt(8); // above the frame: a fault
        }
        access(item, 10, off, size, null);
        return item;
    }

    private Item stackThroughPointer() {
        Item item = new Item();
        int k = 8 * (1 + r.nextInt(32));
        item.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_X, 8, 10, 0, 0));
        item.add(Instruction.of(BPF_ALU64 | BPF_ADD | BPF_K, 8, 0, 0, -k));
        int size = size();
        int off = r.nextInt(k - size + 1);
        access(item, 8, off, size, new MemoryAccess(RegionKind.STACK, -1, 0, off - k, off - k, size));
        return item;
    }

    private Item packet() {
        Item item = new Item();
        int size = size();
        boolean inBounds = r.nextInt(15) != 0;
        int off = inBounds ? r.nextInt(MEMORY - size + 1) : MEMORY - size + 1 + r.nextInt(8);
        access(item, 6, off, size, inBounds ? new MemoryAccess(RegionKind.PACKET, -1, -1, off, off, size) : null);
        return item;
    }

    private Item atomic() {
        Item item = new Item();
        int size = r.nextBoolean() ? 4 : 8;
        int op = ATOMIC_OPS[r.nextInt(ATOMIC_OPS.length)];
        int src = r.nextBoolean() ? 0 : scratch();
        if (r.nextBoolean()) {
            int off = -size * (1 + r.nextInt(512 / size));
            item.add(Instruction.of(BPF_STX | BPF_ATOMIC | sizeCode(size), 10, src, off, op));
        } else {
            int off = size * r.nextInt(MEMORY / size);
            item.add(Instruction.of(BPF_STX | BPF_ATOMIC | sizeCode(size), 6, src, off, op));
            item.fact(new MemoryAccess(RegionKind.PACKET, -1, -1, off, off, size));
        }
        return item;
    }

    /** A call of a later plain function, or bpf_loop over a later callback; afterwards r1-r5 are rewritten. */
    private Item callOrLoop(int f) {
        Item item = new Item();
        List<Integer> later = new ArrayList<>();
        for (int g = f + 1; g < functionCount; g++) {
            later.add(g);
        }
        if (later.isEmpty()) {
            return alu();
        }
        int g = later.get(r.nextInt(later.size()));
        if (isCallback[g]) {
            item.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, r.nextInt(6)));
            item.callees.put(item.insns.size(), g);
            for (Instruction i : Instruction.lddw(2, BPF_PSEUDO_FUNC, 0)) {
                item.add(i);
            }
            item.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_X, 3, 6, 0, 0));
            item.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, 4, 0, 0, r.nextInt(10) == 0 ? 1 : 0));
            item.add(Instruction.of(CALL, 0, 0, 0, 181));
        } else {
            item.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0));
            item.callees.put(item.insns.size(), g);
            item.add(Instruction.of(CALL, 0, BPF_PSEUDO_CALL, 0, 0));
        }
        for (int reg = 1; reg <= 5; reg++) {
            item.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, reg, 0, 0, r.nextInt()));
        }
        return item;
    }

    private Item helper() {
        Item item = new Item();
        switch (r.nextInt(4)) {
            case 0 -> item.add(Instruction.of(CALL, 0, 0, 0, HELPER_MIX));
            case 1, 2 -> {
                boolean stack = r.nextBoolean();
                item.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_X, 1, stack ? 10 : 6, 0, 0));
                int off = stack ? -8 * (1 + r.nextInt(64)) : r.nextInt(MEMORY - 7);
                item.add(Instruction.of(BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, off));
                item.add(Instruction.of(CALL, 0, 0, 0, r.nextBoolean() ? HELPER_POKE : HELPER_PEEK));
            }
            default -> item.add(Instruction.of(CALL, 0, 0, 0, HELPER_UNWIND));
        }
        return item;
    }

    /** Look a key up in the array map and, when found, access the value (the value size is 64). */
    private Item mapValue() {
        Item item = new Item();
        item.add(Instruction.of(BPF_ST | BPF_MEM | BPF_W, 10, 0, -4, r.nextInt(6)));
        item.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0));
        item.add(Instruction.of(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4));
        for (Instruction i : Instruction.lddw(1, BPF_PSEUDO_MAP_FD, 0)) {
            item.add(i);
        }
        item.add(Instruction.of(CALL, 0, 0, 0, KernelHelpers.MAP_LOOKUP_ELEM));
        int n = 1 + r.nextInt(3);
        item.add(Instruction.of(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, n, 0));
        for (int i = 0; i < n; i++) {
            int size = size();
            int off = r.nextInt(VALUE_SIZE - size + 1);
            MemoryAccess fact = new MemoryAccess(RegionKind.MAP_VALUE, 0, -1, off, off, size);
            if (r.nextInt(3) == 0 && size >= 4) {
                off = off / size * size;
                item.add(Instruction.of(BPF_STX | BPF_ATOMIC | sizeCode(size), 0, scratch() == 0 ? 1 : 3, off, BPF_ADD));
            } else {
                int sz = sizeCode(size);
                item.add(r.nextBoolean() ? Instruction.of(BPF_LDX | BPF_MEM | sz, r.nextBoolean() ? 3 : 4, 0, off, 0)
                    : Instruction.of(BPF_STX | BPF_MEM | sz, 0, readable() == 0 ? 5 : 7, off, 0));
                item.fact(fact);
            }
        }
        item.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, r.nextInt()));
        return item;
    }

    private Item packetLoad() {
        Item item = new Item();
        int sz = new int[] {BPF_B, BPF_H, BPF_W}[r.nextInt(3)];
        if (r.nextBoolean()) {
            item.add(Instruction.of(BPF_LD | BPF_ABS | sz, 0, 0, 0, r.nextInt(MEMORY + 4)));
        } else {
            item.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, 7, 0, 0, r.nextInt(MEMORY)));
            item.add(Instruction.of(BPF_LD | BPF_IND | sz, 0, 7, 0, r.nextInt(8)));
        }
        // Packet loads leave r1-r5 at 0; give them values again.
        for (int reg = 1; reg <= 5; reg++) {
            item.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, reg, 0, 0, r.nextInt()));
        }
        return item;
    }

    private Item wide() {
        Item item = new Item();
        for (Instruction i : Instruction.lddw(scratch(), BPF_PSEUDO_NONE, r.nextLong())) {
            item.add(i);
        }
        return item;
    }
}
