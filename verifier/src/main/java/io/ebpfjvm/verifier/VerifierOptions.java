package io.ebpfjvm.verifier;

import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.loader.MapSpec;
import io.ebpfjvm.core.map.BpfMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * How to verify: user helpers (checked by their declared prototypes), the maps that
 * {@code lddw} map references name, the log level (0 none, 1 the path to the error,
 * 2 every instruction with register state), the complexity limit and an optional source-line
 * lookup for messages.
 *
 * <pre>{@code
 * VerifierOptions options = VerifierOptions.defaults().withMaps(object.maps()).withLogLevel(1);
 * }</pre>
 *
 * @param helpers         user helpers; a call to an id that is neither a kernel helper nor here is rejected
 * @param maps            the program's maps in relocation order
 * @param logLevel        0, 1 or 2
 * @param complexityLimit most instructions processed before giving up (the kernel's 1,000,000)
 * @param lineInfo        source line of an instruction index, or null; may itself be null
 * @param innerMaps       for maps of maps, the inner map layout by outer map index ({@link InnerMaps#of})
 * @param globalFunctions the bodies of the object's global (non-static) functions: the kernel checks
 *                        calls to them without looking at the caller's argument values
 */
public record VerifierOptions(HelperRegistry helpers, List<MapSpec> maps, int logLevel, int complexityLimit,
                              IntFunction<String> lineInfo, java.util.Map<Integer, MapSpec> innerMaps,
                              List<List<io.ebpfjvm.core.isa.Instruction>> globalFunctions) {
    /** The kernel's BPF_COMPLEXITY_LIMIT_INSNS. */
    public static final int KERNEL_COMPLEXITY_LIMIT = 1_000_000;

    public VerifierOptions {
        Objects.requireNonNull(helpers, "helpers");
        maps = List.copyOf(maps);
        innerMaps = innerMaps == null ? java.util.Map.of() : java.util.Map.copyOf(innerMaps);
        globalFunctions = globalFunctions == null ? List.of() : List.copyOf(globalFunctions);
        if (logLevel < 0 || logLevel > 2) {
            throw new IllegalArgumentException("log level must be 0, 1 or 2, not " + logLevel);
        }
        if (complexityLimit <= 0) {
            throw new IllegalArgumentException("complexity limit must be positive");
        }
    }

    public static VerifierOptions defaults() {
        return new VerifierOptions(HelperRegistry.empty(), List.of(), 0, KERNEL_COMPLEXITY_LIMIT, null, null, null);
    }

    public VerifierOptions withHelpers(HelperRegistry h) {
        return new VerifierOptions(h, maps, logLevel, complexityLimit, lineInfo, innerMaps, globalFunctions);
    }

    public VerifierOptions withMaps(List<MapSpec> m) {
        return new VerifierOptions(helpers, m, logLevel, complexityLimit, lineInfo, innerMaps, globalFunctions);
    }

    /** The specs of a live map set, in its order. */
    public VerifierOptions withMaps(MapSet set) {
        List<MapSpec> specs = new ArrayList<>();
        for (BpfMap m : set.all()) {
            specs.add(m.spec());
        }
        return withMaps(specs);
    }

    public VerifierOptions withLogLevel(int level) {
        return new VerifierOptions(helpers, maps, level, complexityLimit, lineInfo, innerMaps, globalFunctions);
    }

    public VerifierOptions withComplexityLimit(int limit) {
        return new VerifierOptions(helpers, maps, logLevel, limit, lineInfo, innerMaps, globalFunctions);
    }

    /** Maps and inner-map layouts of a loaded object. */
    public VerifierOptions withObject(io.ebpfjvm.core.loader.BpfObject object) {
        return new VerifierOptions(helpers, object.maps(), logLevel, complexityLimit, lineInfo, InnerMaps.of(object),
            globalFunctions);
    }

    /** The object's global function bodies ({@link GlobalFunctions#of}). */
    public VerifierOptions withGlobalFunctions(List<List<io.ebpfjvm.core.isa.Instruction>> bodies) {
        return new VerifierOptions(helpers, maps, logLevel, complexityLimit, lineInfo, innerMaps, bodies);
    }

    public VerifierOptions withLineInfo(IntFunction<String> lines) {
        return new VerifierOptions(helpers, maps, logLevel, complexityLimit, lines, innerMaps, globalFunctions);
    }
}
