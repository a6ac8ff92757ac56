package io.ebpfjvm.core.exec;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Program ids, the values a program array ({@code BPF_MAP_TYPE_PROG_ARRAY}) holds: register
 * the programs a tail call may enter, then store their ids in the array.
 *
 * <pre>{@code
 * ProgramTable table = new ProgramTable();
 * ExecutionOptions options = ExecutionOptions.defaults().withPrograms(table);
 * int id = table.add(Interpreter.compile(second, null, maps, helpers, options));
 * jumpTable.put(key(0), u32(id));
 * }</pre>
 */
public final class ProgramTable {
    private final CopyOnWriteArrayList<ExecutableProgram> programs = new CopyOnWriteArrayList<>();

    /** Registers a program and returns its id. */
    public synchronized int add(ExecutableProgram program) {
        programs.add(program);
        return programs.size() - 1;
    }

    /** The program with this id, or null. */
    public ExecutableProgram get(int id) {
        return id >= 0 && id < programs.size() ? programs.get(id) : null;
    }
}
