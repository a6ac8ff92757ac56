package io.ebpfjvm.bench;

import io.ebpfjvm.core.cbpf.ClassicProgram;
import io.ebpfjvm.core.cbpf.ClassicTranslator;
import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.interp.Interpreter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * How many eBPF instructions a workload executes per packet, measured with the interpreter's
 * step limit: the count of a run is the smallest limit under which it completes (found by
 * bisection). Dividing the interpreter's ns per packet by it gives ns per instruction, the
 * figure interpreters are usually compared by.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.ebpfjvm.bench.InstructionCount OUT.json}
 */
public final class InstructionCount {
    private InstructionCount() {
    }

    /** Mean instructions executed per frame of the traffic. */
    public static double perPacket(Workload workload, Traffic traffic) {
        LongFunction<ExecutableProgram> compiler = compiler(workload, traffic);
        Map<Long, ExecutableProgram> byLimit = new HashMap<>();
        long total = 0;
        for (byte[] frame : traffic.frames()) {
            long lo = 0;          // a limit known to stop the run
            long hi = 1 << 20;    // a limit known to let it finish
            while (hi - lo > 1) {
                long mid = (lo + hi) >>> 1;
                ExecutableProgram p = byLimit.computeIfAbsent(mid, compiler::apply);
                if (completes(p, frame)) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            total += hi;
        }
        return (double) total / traffic.frames().length;
    }

    private static boolean completes(ExecutableProgram p, byte[] frame) {
        try {
            p.run(frame, 0, frame.length);
            return true;
        } catch (EbpfRuntimeException e) {
            return false;
        }
    }

    private static LongFunction<ExecutableProgram> compiler(Workload workload, Traffic traffic) {
        ExecutionOptions defaults = ExecutionOptions.defaults();
        if (workload.classic()) {
            var program = ClassicTranslator.translate(ClassicProgram.fromText(new String(workload.bytes(), StandardCharsets.US_ASCII)));
            return limit -> Interpreter.compile(program, ProgramType.RAW_MEMORY, HelperRegistry.empty(), defaults.withStepLimit(limit));
        }
        BpfObject object = ObjectLoader.load(workload.bytes(), workload.resource());
        ProgramSpec spec = object.programs().get(0);
        MapSet maps = MapSet.create(object);
        workload.fill(maps, traffic);
        HelperRegistry helpers = KernelHelpers.registry(line -> { });
        return limit -> Interpreter.compile(spec, ProgramType.XDP, maps, helpers, defaults.withStepLimit(limit));
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: InstructionCount OUT.json");
            System.exit(2);
        }
        List<String> rows = new ArrayList<>();
        for (Workload w : Workload.values()) {
            for (PacketMix mix : PacketMix.values()) {
                double n = perPacket(w, Traffic.generate(mix, 42));
                rows.add(String.format(Locale.ROOT, "{\"program\": \"%s\", \"mix\": \"%s\", \"insnsPerPacket\": %.1f}", w.id(), mix.id(), n));
            }
        }
        Files.writeString(Path.of(args[0]), "[\n  " + String.join(",\n  ", rows) + "\n]\n");
    }
}
