package io.ebpfjvm.core.cbpf;

import io.ebpfjvm.core.isa.Program;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The differential check of the classic-to-eBPF translation against {@link ReferenceClassicVm},
 * for any eBPF engine: hand it a runner that executes a {@link Program} on a packet in the
 * raw-packet convention (r1 = packet, r2 = length) and returns r0. For the interpreter:
 *
 * <pre>{@code
 * ClassicDifferential.check((program, packet) -> Interpreter.compile(program).run(packet));
 * }</pre>
 *
 * Every filter of {@link FilterCorpus} (tcpdump's, hand-written, random) runs on every packet
 * of {@link SyntheticTraffic}; the first disagreement fails with the filter, the packet, both
 * results and the translated program.
 */
public final class ClassicDifferential {
    private ClassicDifferential() {
    }

    /** Packets every check uses. */
    public static final int PACKETS = 600;
    /** Random programs every check adds to the tcpdump and hand-written ones. */
    public static final int RANDOM_PROGRAMS = 400;

    /** Runs the whole corpus; returns the number of (filter, packet) runs compared. */
    public static long check(BiFunction<Program, byte[], Long> runner) {
        List<FilterCorpus.Filter> filters = new ArrayList<>(FilterCorpus.tcpdump());
        filters.addAll(FilterCorpus.handWritten());
        filters.addAll(FilterCorpus.random(RANDOM_PROGRAMS, 20240601));
        return check(runner, filters, SyntheticTraffic.packets(PACKETS, 42));
    }

    /** Runs {@code filters} on {@code packets}; returns the number of runs compared. */
    public static long check(BiFunction<Program, byte[], Long> runner, List<FilterCorpus.Filter> filters,
                             List<byte[]> packets) {
        long runs = 0;
        for (FilterCorpus.Filter f : filters) {
            Program program = ClassicTranslator.translate(f.program());
            for (byte[] packet : packets) {
                long expected = ReferenceClassicVm.run(f.program(), packet);
                Long got = runner.apply(program, packet.clone());
                if (got == null || got != expected) {
                    throw new AssertionError(f.name() + ": the translation returned " + got + ", classic BPF returns "
                        + expected + "\n  packet " + HexFormat.of().formatHex(packet) + "\n  filter\n" + f.program().toText()
                        + "  eBPF\n" + listing(program));
                }
                runs++;
            }
        }
        return runs;
    }

    private static String listing(Program p) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < p.size(); i++) {
            s.append(String.format("  %4d: %s%n", i, p.get(i)));
        }
        return s.toString();
    }
}
