package io.ebpfjvm.core.loader;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Debug information of one linked program, from {@code .BTF.ext}: the source line of each
 * instruction that starts one ({@link #lines()}) and the function each subprogram is
 * ({@link #functions()}), with instruction indexes of the linked program (subprograms
 * appended), as libbpf relocates them for the kernel.
 */
public final class SourceMap {
    private static final SourceMap EMPTY = new SourceMap(List.of(), List.of());

    /** An instruction that starts a source line. */
    public record Entry(int insn, SourceLine line) {
    }

    /** The first instruction of a function, with its BTF {@code FUNC} type id and name. */
    public record FunctionStart(int insn, int btfTypeId, String name) {
    }

    private final List<Entry> lines;
    private final List<FunctionStart> functions;
    private final int[] starts;
    private final int[] functionStarts;

    /** @param lines entries in ascending instruction order */
    public SourceMap(List<Entry> lines, List<FunctionStart> functions) {
        this.lines = List.copyOf(lines);
        this.functions = List.copyOf(functions);
        this.starts = this.lines.stream().mapToInt(Entry::insn).toArray();
        this.functionStarts = this.functions.stream().mapToInt(FunctionStart::insn).sorted().toArray();
        for (int i = 1; i < starts.length; i++) {
            if (starts[i] < starts[i - 1]) {
                throw new IllegalArgumentException("line entries out of order at " + i);
            }
        }
    }

    /** No debug information (an object built without {@code -g}, or assembled code). */
    public static SourceMap empty() {
        return EMPTY;
    }

    public List<Entry> lines() {
        return lines;
    }

    public List<FunctionStart> functions() {
        return functions;
    }

    /**
     * The source line of instruction {@code insn}: that of the nearest line entry at or before
     * it in the same function, or empty when there is none (no line info, or none in the
     * function before {@code insn}).
     */
    public Optional<SourceLine> lineAt(int insn) {
        int i = Arrays.binarySearch(starts, insn);
        if (i < 0) {
            i = -i - 2;
        } else {
            // Several entries may start at one instruction: the last one is the most specific.
            while (i + 1 < starts.length && starts[i + 1] == insn) {
                i++;
            }
        }
        if (i < 0) {
            return Optional.empty();
        }
        int f = Arrays.binarySearch(functionStarts, insn);
        f = f < 0 ? -f - 2 : f;
        if (f >= 0 && functionStarts[f] > starts[i]) {
            return Optional.empty();
        }
        return Optional.of(lines.get(i).line());
    }

    public boolean isEmpty() {
        return lines.isEmpty() && functions.isEmpty();
    }
}
