package io.ebpfjvm.jit.fuzz;

import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.map.BpfMap;

import java.util.HexFormat;
import java.util.TreeMap;

/**
 * Everything a run left behind that two engines must agree on: r0 (or the fault), the packet
 * bytes and every map's entries in key order. The generated programs fold their stack into r0
 * and the packet before exit, so stack contents are compared through these too.
 */
record EngineRun(String outcome, String packet, String maps) {
    private static final HexFormat HEX = HexFormat.of();

    /** Runs {@code program} once on a copy of {@code packet}; {@code maps} are the maps it was compiled with. */
    static EngineRun of(ExecutableProgram program, byte[] packet, MapSet maps) {
        byte[] p = packet.clone();
        String outcome;
        try {
            outcome = "r0=" + program.run(p, 0, p.length);
        } catch (EbpfRuntimeException e) {
            outcome = "fault: " + e.getMessage();
        }
        return new EngineRun(outcome, HEX.formatHex(p), contents(maps));
    }

    boolean faulted() {
        return outcome.startsWith("fault");
    }

    static String contents(MapSet maps) {
        StringBuilder b = new StringBuilder();
        for (BpfMap m : maps.all()) {
            TreeMap<String, String> entries = new TreeMap<>();
            m.forEach((k, v) -> entries.put(HEX.formatHex(k), HEX.formatHex(v)));
            b.append(m.name()).append(entries).append('\n');
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return outcome + "\n  packet " + packet + "\n  maps " + maps.strip().replace("\n", "\n       ");
    }
}
