package io.ebpfjvm.jit;

import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramTable;
import io.ebpfjvm.core.isa.Program;

/**
 * What generated code needs to know about its own program at run time (a class-data constant):
 * the instructions (for exact step-limit positions and the block interpreter), the step limit,
 * the maps and program table (tail calls), and the generated entry (bpf_loop callbacks), set
 * once the hidden class exists.
 */
public final class JitLink {
    final Program program;
    final boolean[] secondSlot;
    final long stepLimit;
    final MapSet maps;
    final ProgramTable programs;
    final io.ebpfjvm.core.helper.HelperRegistry helpers;
    /** Set once the hidden class exists; volatile so a bpf_loop on any thread sees it. */
    volatile JitEntry entry;

    JitLink(Program program, long stepLimit, MapSet maps, ProgramTable programs, io.ebpfjvm.core.helper.HelperRegistry helpers) {
        this.helpers = helpers;
        this.program = program;
        this.stepLimit = stepLimit;
        this.maps = maps;
        this.programs = programs;
        this.secondSlot = new boolean[program.size()];
        for (int pc = 0; pc < program.size(); pc++) {
            if (program.get(pc).isLddw() && pc + 1 < program.size()) {
                secondSlot[++pc] = true;
            }
        }
    }
}
