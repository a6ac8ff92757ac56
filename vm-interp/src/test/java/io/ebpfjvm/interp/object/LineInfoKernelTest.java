package io.ebpfjvm.interp.object;

import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.core.loader.SourceMap;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel as oracle of the relocated {@code .BTF.ext} info: after {@code bpftool prog
 * loadall}, {@code bpftool prog dump xlated linum} shows each program's functions in the
 * order libbpf laid them out and each function's line records. Ours must list the same
 * functions in the same order, with the same records (text, line, column) in each. (The
 * kernel's instruction indexes differ where it rewrites context accesses or inlines helpers;
 * the records and their order do not.) Skips without root or bpftool.
 */
class LineInfoKernelTest {
    private static final Pattern FUNCTION = Pattern.compile("^\\S.*\\b(\\w+)\\(.*\\):$");
    private static final Pattern LINE = Pattern.compile("^; (.*) \\[file:(.*) line_num:(\\d+) line_col:(\\d+)]$");

    @Test
    void functionsAndLineRecordsAreTheKernels() throws Exception {
        int records = 0;
        int programs = 0;
        for (String name : List.of("call_order.o", "flow_stats.o", "xdp_acl.o", "sock_filter.o", "tail_chain.o", "tc_nat.o")) {
            BpfObject object = ObjectRunTest.load(name);
            try (KernelOracle kernel = KernelOracle.open(name)) {
                for (ProgramSpec p : object.programs()) {
                    Map<String, List<String>> theirs = parse(kernel.xlatedWithLines(p.name()));
                    Map<String, List<String>> ours = ours(p);
                    assertEquals(List.copyOf(theirs.keySet()), List.copyOf(ours.keySet()), name + " " + p.name() + ": function order");
                    assertEquals(theirs, ours, name + " " + p.name());
                    records += ours.values().stream().mapToInt(List::size).sum();
                    programs++;
                }
            }
        }
        assertTrue(records > 200, "records: " + records);
        System.out.println("line info equal to the kernel's: " + programs + " programs, " + records + " records");
    }

    private static Map<String, List<String>> parse(String xlated) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : xlated.split("\n")) {
            Matcher l = LINE.matcher(line);
            if (l.matches() && current != null) {
                current.add(l.group(3) + ":" + l.group(4) + " " + l.group(1).strip());
                continue;
            }
            Matcher f = FUNCTION.matcher(line);
            if (f.matches()) {
                current = out.computeIfAbsent(f.group(1), k -> new ArrayList<>());
            }
        }
        return out;
    }

    private static Map<String, List<String>> ours(ProgramSpec p) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<SourceMap.FunctionStart> functions = p.source().functions();
        for (int i = 0; i < functions.size(); i++) {
            int from = functions.get(i).insn();
            int to = i + 1 < functions.size() ? functions.get(i + 1).insn() : Integer.MAX_VALUE;
            List<String> records = new ArrayList<>();
            for (SourceMap.Entry e : p.source().lines()) {
                if (e.insn() >= from && e.insn() < to) {
                    records.add(e.line().line() + ":" + e.line().column() + " " + e.line().text().strip());
                }
            }
            out.put(functions.get(i).name(), records);
        }
        return out;
    }
}
