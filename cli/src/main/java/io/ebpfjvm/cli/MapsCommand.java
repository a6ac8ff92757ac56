package io.ebpfjvm.cli;

import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.GlobalVariable;
import io.ebpfjvm.core.loader.MapSpec;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.core.map.MapType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code ebpf maps}: the maps an object declares. */
@Command(name = "maps", mixinStandardHelpOptions = true, description = "List the maps, global variables and programs of a clang-built object.")
final class MapsCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "OBJ", description = "The ELF object (.o).")
    String object;

    @picocli.CommandLine.Option(names = "--cbpf", paramLabel = "FILE", description = "A classic BPF filter (tcpdump -dd text) instead of OBJ.")
    String cbpf;

    @Override
    public Integer call() {
        if (cbpf != null) {
            if (object != null) {
                throw new io.ebpfjvm.core.error.EbpfException("give either OBJ or --cbpf FILE, not both");
            }
            var filter = io.ebpfjvm.core.cbpf.ClassicProgram.fromText(
                new String(Inputs.readBytes(cbpf, System.in), java.nio.charset.StandardCharsets.UTF_8));
            System.out.println("classic BPF filter of " + filter.size() + " instructions: no maps");
            return ExitCodes.OK;
        }
        if (object == null) {
            throw new io.ebpfjvm.core.error.EbpfException("no object: give OBJ (a clang-built .o) or --cbpf FILE");
        }
        BpfObject o = ObjectLoader.load(Inputs.readBytes(object, System.in), object);
        System.out.printf("%-24s %-28s %8s %10s %11s %s%n", "NAME", "TYPE", "KEY", "VALUE", "MAX", "FLAGS");
        for (MapSpec m : o.maps()) {
            MapType t = MapType.of(m.type());
            System.out.printf("%-24s %-28s %8d %10d %11d 0x%x%s%n", m.name(), t == null ? "type " + m.type() : t.kernelName(),
                m.keySize(), m.valueSize(), m.maxEntries(), m.flags(), m.isGlobalData() ? (m.readOnly() ? " (read-only data)" : " (global data)") : "");
        }
        for (GlobalVariable v : o.variables()) {
            System.out.printf("  %s+%d: %s (%d bytes)%n", v.section(), v.offset(), v.name(), v.size());
        }
        System.out.println(o.programs().size() + " program(s): " + String.join(", ",
            o.programs().stream().map(MapsCommand::describe).toList()) + "; license: " + o.license());
        return ExitCodes.OK;
    }

    /** {@code name (section)}, and why it cannot run here when it cannot. */
    private static String describe(ProgramSpec p) {
        if (p.isSupported()) {
            return p.name() + " (" + p.section() + ")";
        }
        String why = p.unsupported().contains("CO-RE") ? "CO-RE relocations"
            : p.unsupported().contains("kfunc") ? "kfunc calls" : "extern variables";
        return p.name() + " (" + p.section() + ", not runnable here: " + why + ")";
    }
}
