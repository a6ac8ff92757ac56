package io.ebpfjvm.verifier;

import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.isa.Instruction;
import io.ebpfjvm.core.isa.Program;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.ebpfjvm.core.isa.Opcodes.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bpf_loop iteration gets the call's context argument (the caller's r3) as r2, as the
 * kernel re-enters the callback from the call site; what the callback left in its own r2 does
 * not matter. Found by differential fuzzing (vm-jit VerifiedFuzzTest): a callback that kept the
 * context in r6 and reused r2 was refused with "R6 invalid mem access 'scalar'".
 */
class LoopCallbackContextTest {
    @Test
    void everyIterationSeesTheCallsContextArgument() {
        List<Instruction> p = new ArrayList<>();
        p.add(Instruction.of(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -8, 0));
        p.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_X, 3, 10, 0, 0));
        p.add(Instruction.of(BPF_ALU64 | BPF_ADD | BPF_K, 3, 0, 0, -8));
        p.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 4));
        Instruction[] callback = Instruction.lddw(2, BPF_PSEUDO_FUNC, 0);
        p.add(Instruction.of(callback[0].opcode(), 2, BPF_PSEUDO_FUNC, 0, 5)); // the callback at insn 10
        p.add(callback[1]);
        p.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, 4, 0, 0, 0));
        p.add(Instruction.of(BPF_JMP | BPF_CALL, 0, 0, 0, 181)); // bpf_loop
        p.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 2));
        p.add(Instruction.of(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
        // callback(index, ctx): keep ctx in r6, reuse r2, read through r6.
        p.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_X, 6, 2, 0, 0));
        p.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 0));
        p.add(Instruction.of(BPF_LDX | BPF_MEM | BPF_DW, 1, 6, 0, 0));
        p.add(Instruction.of(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0));
        p.add(Instruction.of(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
        VerifiedProgram v = Verifier.verify(Program.of(p), ProgramType.XDP, VerifierOptions.defaults());
        assertTrue(v.reachable(12), "the callback's read was checked");
    }
}
