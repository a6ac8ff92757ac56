package io.ebpfjvm.jit;

import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.exec.MapSet;

import java.util.HexFormat;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** Test support for comparing engines: deterministic kernel helpers, outcomes, map contents. */
final class Engines {
    private Engines() {
    }

    /** The kernel helpers with clock and random numbers replaced by counters, so two engines see the same values. */
    static HelperRegistry deterministicKernelHelpers() {
        AtomicLong clock = new AtomicLong(1_000_000);
        AtomicLong random = new AtomicLong(12345);
        return HelperRegistry.builder()
            .registerAll(KernelHelpers.registry(line -> { }))
            .register(KernelHelpers.KTIME_GET_NS, "ktime_get_ns", (c, a, b, d, e, f) -> clock.addAndGet(1000))
            .register(KernelHelpers.KTIME_GET_BOOT_NS, "ktime_get_boot_ns", (c, a, b, d, e, f) -> clock.addAndGet(1000))
            .register(KernelHelpers.GET_PRANDOM_U32, "get_prandom_u32",
                (c, a, b, d, e, f) -> (random.updateAndGet(x -> x * 6364136223846793005L + 1442695040888963407L) >>> 32))
            .build();
    }

    /** What a run produced: r0, or the fault (instruction and message). */
    static String outcome(ExecutableProgram p, byte[] packet) {
        try {
            return "r0=0x" + Long.toHexString(packet == null ? p.run() : p.run(packet));
        } catch (EbpfRuntimeException e) {
            return "fault: " + e.getMessage();
        }
    }

    /** Every map's entries as text, in key order (the raw value storage where a map cannot list entries). */
    static String contents(MapSet maps) {
        StringBuilder out = new StringBuilder();
        for (BpfMap m : maps.all()) {
            out.append(m.name()).append(": ");
            try {
                TreeMap<String, String> entries = new TreeMap<>();
                m.forEach((k, v) -> entries.put(HexFormat.of().formatHex(k), HexFormat.of().formatHex(v)));
                out.append(entries);
            } catch (RuntimeException e) {
                out.append(HexFormat.of().formatHex(m.values()));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
