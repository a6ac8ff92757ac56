package io.ebpfjvm.cli;

import io.ebpfjvm.core.cbpf.ClassicProgram;
import io.ebpfjvm.core.cbpf.ClassicTranslator;
import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.core.map.BpfMap;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How {@code run} and {@code pcap} pick, prepare and fill a program: shared options. */
final class ProgramOptions {

    @Option(names = "--cbpf", paramLabel = "FILE", description = "A classic BPF filter (tcpdump -dd text) instead of OBJ.")
    String cbpf;

    @Option(names = {"-s", "--section"}, paramLabel = "S", description = "The program in this ELF section.")
    String section;

    @Option(names = {"-p", "--program"}, paramLabel = "NAME", description = "The program with this function name.")
    String program;

    @Option(names = "--type", paramLabel = "TYPE",
        description = "Program type: xdp, socket, tc, cgroup_skb or raw (default: from the section name).")
    String type;

    @Option(names = "--map", paramLabel = "NAME:KEYHEX=VALUEHEX",
        description = "Fill a map before running (hex bytes as they lie in memory). Repeatable.")
    List<String> mapEntries = new ArrayList<>();

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "jit",
        description = "Execution engine: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    EngineOption engine;

    @Option(names = "--no-verify", description = "Run without verification (the verifier is not part of this version yet: every run is unverified).")
    boolean noVerify;

    /** A prepared program with its maps and the type it runs as. */
    record Prepared(ExecutableProgram executable, MapSet maps, ProgramType type, String name) {
    }

    Prepared prepare(String objectPath) {
        if (!noVerify) {
            System.err.println("ebpf: note: running unverified (the verifier is not part of this version yet)");
        }
        if (cbpf != null) {
            if (objectPath != null) {
                throw new EbpfException("give either OBJ or --cbpf FILE, not both");
            }
            String text = new String(Inputs.readBytes(cbpf, System.in), StandardCharsets.UTF_8);
            ClassicProgram filter = ClassicProgram.fromText(text);
            if (!mapEntries.isEmpty()) {
                throw new EbpfException("--map: a classic BPF filter has no maps");
            }
            var executable = Engines.rawMemory(ClassicTranslator.translate(filter), engine);
            return new Prepared(executable, MapSet.empty(), ProgramType.RAW_MEMORY, "cbpf");
        }
        if (objectPath == null) {
            throw new EbpfException("no program: give OBJ (a clang-built .o) or --cbpf FILE");
        }
        BpfObject object = ObjectLoader.load(Inputs.readBytes(objectPath, System.in), objectPath);
        ProgramSpec spec = object.select(program, section);
        ProgramType t = type == null ? ProgramType.fromSection(spec.section()) : parseType(type);
        if (t == null) {
            throw new EbpfException(objectPath + ": section '" + spec.section() + "' names no program type; give --type");
        }
        MapSet maps = MapSet.create(object);
        fillMaps(maps, objectPath);
        var executable = Engines.object(spec, t, maps,
            KernelHelpers.registry(line -> System.err.println("trace: " + line)), engine);
        return new Prepared(executable, maps, t, spec.name());
    }

    private void fillMaps(MapSet maps, String where) {
        for (String entry : mapEntries) {
            int colon = entry.indexOf(':');
            int eq = entry.indexOf('=');
            if (colon <= 0 || eq < colon) {
                throw new EbpfException("--map " + entry + ": expected NAME:KEYHEX=VALUEHEX");
            }
            String name = entry.substring(0, colon);
            BpfMap map = maps.byName(name).orElseThrow(() -> new EbpfException("--map " + entry + ": " + where
                + " has no map '" + name + "'; maps: " + String.join(", ", maps.all().stream().map(BpfMap::name).toList())));
            byte[] key = Inputs.parseHex(entry.substring(colon + 1, eq), "--map " + name + " key");
            byte[] value = Inputs.parseHex(entry.substring(eq + 1), "--map " + name + " value");
            try {
                map.put(key, value);
            } catch (EbpfException e) {
                throw new EbpfException("--map " + entry + ": " + e.getMessage());
            }
        }
    }

    static ProgramType parseType(String t) {
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "xdp" -> ProgramType.XDP;
            case "socket", "socket_filter" -> ProgramType.SOCKET_FILTER;
            case "tc", "sched_cls", "classifier" -> ProgramType.SCHED_CLS;
            case "cgroup_skb", "cgroup/skb" -> ProgramType.CGROUP_SKB;
            case "raw" -> ProgramType.RAW_MEMORY;
            default -> throw new EbpfException("--type " + t + ": expected xdp, socket, tc, cgroup_skb or raw");
        };
    }
}
