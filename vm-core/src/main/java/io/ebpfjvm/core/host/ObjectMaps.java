package io.ebpfjvm.core.host;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.map.BpfMap;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The live maps of a loaded object, for Java code: each by name as a {@link HostMap}
 * ({@code byte[]} operations and {@linkplain HostMap#typed typed record views} checked against
 * the object's BTF), and each global-data section by name as {@link GlobalData}. The maps are
 * those of a {@link MapSet}, shared with every program compiled against it, so what Java
 * writes the programs see and the other way round.
 *
 * <pre>{@code
 * BpfObject object = ObjectLoader.load(bytes, "flows.o");
 * ObjectMaps maps = ObjectMaps.create(object);
 * ExecutableProgram prog = Interpreter.compile(object.program("count_flows").orElseThrow(),
 *     ProgramType.XDP, maps.mapSet(), KernelHelpers.registry(line -> { }), ExecutionOptions.defaults());
 * TypedMap<FlowKey, Counters> flows = maps.map("flows").typed(FlowKey.class, Counters.class);
 * }</pre>
 */
public final class ObjectMaps {
    private final BpfObject object;
    private final MapSet maps;

    private ObjectMaps(BpfObject object, MapSet maps) {
        this.object = Objects.requireNonNull(object, "object");
        this.maps = Objects.requireNonNull(maps, "maps");
        if (maps.size() != object.maps().size()) {
            throw new EbpfException(object.name() + ": the map set has " + maps.size() + " maps, the object declares "
                + object.maps().size());
        }
    }

    /** Creates every map the object declares (global data starts with the sections' contents). */
    public static ObjectMaps create(BpfObject object) {
        return new ObjectMaps(object, MapSet.create(object));
    }

    /** Views maps already created for the object with {@link MapSet#create(BpfObject)}. */
    public static ObjectMaps of(BpfObject object, MapSet maps) {
        return new ObjectMaps(object, maps);
    }

    public BpfObject object() {
        return object;
    }

    /** The maps as the engines take them. */
    public MapSet mapSet() {
        return maps;
    }

    /**
     * The map with this name (a {@code .maps} variable, a legacy map, or a data section such
     * as {@code .data}).
     *
     * @throws EbpfException naming the maps there are, when there is none
     */
    public HostMap map(String name) {
        BpfMap m = maps.byName(name).orElseThrow(() -> new EbpfException(object.name() + ": no map '" + name + "'; maps: "
            + String.join(", ", maps.all().stream().map(BpfMap::name).toList())));
        return new HostMap(m, object.btf());
    }

    /** Every map, in declaration order. */
    public List<HostMap> all() {
        List<HostMap> out = new ArrayList<>();
        for (BpfMap m : maps.all()) {
            out.add(new HostMap(m, object.btf()));
        }
        return out;
    }

    /**
     * The global variables of a data section ({@code .data}, {@code .bss}, {@code .rodata}, or
     * a named one such as {@code .data.config}).
     *
     * @throws EbpfException when the object has no such section
     */
    public GlobalData globals(String section) {
        BpfMap m = maps.byName(section).filter(b -> b.spec().isGlobalData()).orElseThrow(() -> new EbpfException(
            object.name() + ": no global-data section '" + section + "'; sections: " + String.join(", ",
                maps.all().stream().filter(b -> b.spec().isGlobalData()).map(BpfMap::name).toList())));
        return new GlobalData(m, object.btf(), object.variables(section));
    }
}
