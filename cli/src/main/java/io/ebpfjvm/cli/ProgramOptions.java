package io.ebpfjvm.cli;

import io.ebpfjvm.core.cbpf.ClassicProgram;
import io.ebpfjvm.core.cbpf.ClassicTranslator;
import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.helper.KernelMemory;
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
        description = {"Program type: xdp, socket, tc, cgroup_skb, kprobe, tracepoint, cgroup_sock, post_bind4, post_bind6",
            "or raw (default: from the section name)."})
    String type;

    @Option(names = "--map", paramLabel = "NAME:KEYHEX=VALUEHEX",
        description = "Fill a map before running (hex bytes as they lie in memory). Repeatable.")
    List<String> mapEntries = new ArrayList<>();

    @Option(names = "--memory", paramLabel = "ADDRESS=FILE",
        description = {"Place FILE's bytes at ADDRESS (hex, e.g. 0xffff888000001000) in the memory image",
            "bpf_probe_read_kernel/user read. Repeatable."})
    List<String> memoryImages = new ArrayList<>();

    @Option(names = "--engine", paramLabel = "ENGINE",
        description = "Execution engine: ${COMPLETION-CANDIDATES} (default: jit; interp with --no-verify).")
    EngineOption engine;

    @Option(names = "--no-verify", description = "Run without static verification (interpreter only; it still checks every access at run time).")
    boolean noVerify;

    /** A prepared program with its maps and the type it runs as. */
    record Prepared(ExecutableProgram executable, MapSet maps, ProgramType type, String name) {
    }

    Prepared prepare(String objectPath) {
        // Unverified programs run in the interpreter only: the JIT relies on the verifier's facts.
        if (noVerify && engine == EngineOption.jit) {
            throw new EbpfException("--no-verify runs in the interpreter only; drop --engine jit");
        }
        if (engine == null) {
            engine = noVerify ? EngineOption.interp : EngineOption.jit;
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
        byte[] bytes = Inputs.readBytes(objectPath, System.in);
        BpfObject object = ObjectLoader.load(bytes, objectPath);
        ProgramSpec spec = object.select(program, section);
        ProgramType t = type == null ? ProgramType.fromSection(spec.section()) : parseType(type);
        if (t == null) {
            throw new EbpfException(objectPath + ": section '" + spec.section() + "' names no program type; give --type");
        }
        io.ebpfjvm.verifier.VerifiedProgram verified = null;
        if (!noVerify) {
            if (!io.ebpfjvm.verifier.Verifier.supports(t)) {
                throw new EbpfException("program type " + t.name().toLowerCase(Locale.ROOT)
                    + " cannot be verified; add --no-verify to run it unverified in the interpreter");
            }
            verified = ObjectVerification.verify(spec, t, object, bytes);
        }
        MapSet maps = MapSet.create(object);
        fillMaps(maps, objectPath);
        var executable = Engines.object(spec, t, maps,
            KernelHelpers.registry(line -> System.err.println("trace: " + line), memoryImage()), engine, verified);
        return new Prepared(executable, maps, t, spec.name());
    }

    /** The probe-read memory image from --memory ADDRESS=FILE. */
    private KernelMemory memoryImage() {
        KernelMemory memory = new KernelMemory();
        for (String entry : memoryImages) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new EbpfException("--memory " + entry + ": expected ADDRESS=FILE");
            }
            String address = entry.substring(0, eq).trim();
            long at;
            try {
                at = Long.parseUnsignedLong(address.startsWith("0x") || address.startsWith("0X") ? address.substring(2) : address, 16);
            } catch (NumberFormatException e) {
                throw new EbpfException("--memory " + entry + ": '" + address + "' is not a hex address");
            }
            try {
                memory.place(at, Inputs.readBytes(entry.substring(eq + 1), System.in));
            } catch (IllegalArgumentException e) {
                throw new EbpfException("--memory " + entry + ": " + e.getMessage());
            }
        }
        return memory;
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
            case "kprobe", "kretprobe", "uprobe", "uretprobe" -> ProgramType.KPROBE;
            case "tracepoint", "tp" -> ProgramType.TRACEPOINT;
            case "cgroup_sock", "cgroup/sock", "sock_create", "sock_release" -> ProgramType.CGROUP_SOCK;
            case "post_bind4", "cgroup/post_bind4" -> ProgramType.CGROUP_SOCK_POST_BIND4;
            case "post_bind6", "cgroup/post_bind6" -> ProgramType.CGROUP_SOCK_POST_BIND6;
            default -> throw new EbpfException("--type " + t + ": expected xdp, socket, tc, cgroup_skb, kprobe, tracepoint, "
                + "cgroup_sock, post_bind4, post_bind6 or raw");
        };
    }

    /** The name --type takes for a type, for messages. */
    static String typeName(ProgramType t) {
        return switch (t) {
            case XDP -> "xdp";
            case SOCKET_FILTER -> "socket";
            case SCHED_CLS -> "tc";
            case CGROUP_SKB -> "cgroup_skb";
            case KPROBE -> "kprobe";
            case TRACEPOINT -> "tracepoint";
            case CGROUP_SOCK -> "cgroup_sock";
            case CGROUP_SOCK_POST_BIND4 -> "post_bind4";
            case CGROUP_SOCK_POST_BIND6 -> "post_bind6";
            case RAW_MEMORY -> "raw";
        };
    }
}
