package io.ebpfjvm.core.exec;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.MapSpec;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.memory.AddressSpace;
import io.ebpfjvm.core.memory.Regions;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The live maps of a loaded object, in the object's map order (the order relocations name
 * them by): map {@code i}'s values are region {@link Regions#mapValues(int)}, its handle
 * {@link Regions#mapHandle(int)}. Global-data maps start with the section's contents. Shared
 * by every program of the object and every thread running them.
 */
public final class MapSet {
    private final BpfMap[] maps;

    private MapSet(BpfMap[] maps) {
        this.maps = maps;
    }

    public static MapSet empty() {
        return new MapSet(new BpfMap[0]);
    }

    /** Creates every map the object declares. */
    public static MapSet create(BpfObject object) {
        List<MapSpec> specs = object.maps();
        if (specs.size() > Regions.MAX_MAPS) {
            throw new EbpfException(object.name() + ": " + specs.size() + " maps, at most " + Regions.MAX_MAPS);
        }
        List<BpfMap> live = new ArrayList<>();
        for (MapSpec spec : specs) {
            live.add(BpfMap.create(spec));
        }
        return new MapSet(live.toArray(new BpfMap[0]));
    }

    public int size() {
        return maps.length;
    }

    public BpfMap get(int index) {
        return maps[index];
    }

    public Optional<BpfMap> byName(String name) {
        for (BpfMap m : maps) {
            if (m.name().equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    public List<BpfMap> all() {
        return List.of(maps);
    }

    /** The map a handle pointer names, or null. */
    public BpfMap ofHandle(long pointer) {
        int i = Regions.mapOfHandle(pointer);
        return i >= 0 && i < maps.length ? maps[i] : null;
    }

    /** Maps every map's value storage into a thread's address space. */
    public void mapInto(AddressSpace space) {
        for (int i = 0; i < maps.length; i++) {
            byte[] values = maps[i].values();
            space.map(Regions.mapValues(i), values, 0, values.length, !maps[i].spec().readOnly() && !maps[i].type().isRedirect());
        }
    }
}
