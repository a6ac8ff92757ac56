package io.ebpfjvm.core.map;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.loader.MapSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.ebpfjvm.core.map.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class MapDefinitionTest {

    private static int createErrno(MapType type, int key, int value, int max, int flags) {
        try {
            def(type, key, value, max, flags);
            return 0;
        } catch (MapCreateException e) {
            assertTrue(e.getMessage().startsWith("map 'm' (" + type.kernelName() + "): "), e.getMessage());
            assertTrue(e.getMessage().endsWith("(" + Errno.name(e.errno()) + ")"), e.getMessage());
            return e.errno();
        }
    }

    /** Declarations and the errno the kernel's BPF_MAP_CREATE gives them (checked against 6.x with bpftool). */
    @ParameterizedTest(name = "{0} key {1} value {2} entries {3} flags {4} -> {5}")
    @CsvSource({
        "ARRAY, 4, 8, 4, 0, 0",
        "ARRAY, 8, 8, 4, 0, 22",
        "ARRAY, 4, 0, 4, 0, 22",
        "ARRAY, 4, 8, 0, 0, 22",
        "ARRAY, 4, 8, 4, 0x400, 0",
        "ARRAY, 4, 8, 4, 0x180, 22",
        "ARRAY, 4, 8, 4, 0x18, 22",
        "ARRAY, 4, 8, 4, 0x40, 22",
        "ARRAY, 4, 8, 4, 0x800, 22",
        "ARRAY, 4, 8, 4, 0x80, 0",
        "PERCPU_ARRAY, 4, 8, 4, 0x400, 22",
        "PERCPU_ARRAY, 4, 8, 4, 4, 22",
        "PERCPU_ARRAY, 4, 32768, 4, 0, 0",
        "PERCPU_ARRAY, 4, 32769, 4, 0, 7",
        "PROG_ARRAY, 4, 4, 4, 0, 0",
        "PROG_ARRAY, 4, 8, 4, 0, 22",
        "PROG_ARRAY, 4, 4, 4, 0x80, 22",
        "HASH, 4, 8, 4, 0, 0",
        "HASH, 0, 8, 4, 0, 22",
        "HASH, 4, 0, 4, 0, 22",
        "HASH, 600, 8, 4, 0, 0",
        "HASH, 4, 8, 4, 1, 0",
        "HASH, 4, 8, 4, 2, 22",
        "HASH, 4, 8, 4, 0x40, 0",
        "HASH, 4, 8, 4, 0x100000, 22",
        "PERCPU_HASH, 4, 32768, 4, 0, 0",
        "PERCPU_HASH, 4, 32769, 4, 0, 7",
        "LRU_HASH, 4, 8, 4, 0, 0",
        "LRU_HASH, 4, 8, 4, 1, 524",
        "LRU_HASH, 4, 8, 4, 2, 0",
        "LPM_TRIE, 8, 8, 4, 1, 0",
        "LPM_TRIE, 8, 8, 4, 0, 22",
        "LPM_TRIE, 4, 8, 4, 1, 22",
        "LPM_TRIE, 260, 8, 4, 1, 0",
        "LPM_TRIE, 261, 8, 4, 1, 22",
        "LPM_TRIE, 8, 8, 4, 0x401, 22",
        "LPM_TRIE, 8, 8, 0, 1, 22",
        "RINGBUF, 0, 0, 4096, 0, 0",
        "RINGBUF, 0, 0, 6000, 0, 22",
        "RINGBUF, 0, 0, 2048, 0, 22",
        "RINGBUF, 4, 0, 4096, 0, 22",
        "RINGBUF, 0, 0, 8192, 1, 22",
        "RINGBUF, 0, 0, 0, 0, 22",
    })
    void createChecksMatchTheKernel(MapType type, int key, int value, int max, String flags, int errno) {
        assertEquals(errno, createErrno(type, key, value, max, Integer.decode(flags)));
    }

    @Test
    void hostileSizesFailFastWithoutAllocating() {
        Runtime rt = Runtime.getRuntime();
        long before = rt.totalMemory() - rt.freeMemory();
        // max_entries is a u32: -1 is 4294967295
        assertEquals(Errno.ENOMEM, createErrno(MapType.ARRAY, 4, 8, -1, 0));
        assertEquals(Errno.ENOMEM, createErrno(MapType.HASH, 8, 1 << 20, Integer.MAX_VALUE, 0));
        assertEquals(Errno.ENOMEM, createErrno(MapType.LPM_TRIE, 20, 8, 1 << 28, 1));
        assertEquals(Errno.ENOMEM, createErrno(MapType.PERCPU_ARRAY, 4, 32768, 1 << 20, 0));
        assertEquals(Errno.ENOMEM, createErrno(MapType.RINGBUF, 0, 0, 1 << 30, 0));
        assertEquals(Errno.ENOMEM, createErrno(MapType.RINGBUF, 0, 0, Integer.MIN_VALUE, 0));
        assertEquals(Errno.E2BIG, createErrno(MapType.ARRAY, 4, (1 << 20) + 1, 1, 0));
        assertEquals(Errno.E2BIG, createErrno(MapType.ARRAY, 4, -1, 1, 0));
        assertEquals(Errno.E2BIG, createErrno(MapType.HASH, (1 << 20) + 1, 8, 1, 0));
        assertEquals(Errno.E2BIG, createErrno(MapType.HASH, 8, -8, 1, 0));
        // the largest accepted sizes really can be created
        assertEquals(1 << 20, BpfMap.create(def(MapType.ARRAY, 4, 1 << 20, 1, 0)).values().length);
        long after = rt.totalMemory() - rt.freeMemory();
        assertTrue(after - before < 64L << 20, "refusals allocated " + (after - before) + " bytes");

        MapCreateException e = assertThrows(MapCreateException.class, () -> def(MapType.ARRAY, 4, 1 << 20, 4096, 0));
        assertEquals("map 'm' (BPF_MAP_TYPE_ARRAY): max_entries 4096 x value_size 1048576 needs 4294967296 bytes"
            + " of storage, more than the 1024 MiB ebpf-jvm preallocates for one map (ENOMEM)", e.getMessage());
    }

    @Test
    void specsConvertAndUnknownTypesAreRefused() {
        MapSpec spec = new MapSpec("counts", 1, 4, 8, 16, 0, 0, 0, null, false);
        MapDefinition d = MapDefinition.of(spec);
        assertEquals(new MapDefinition("counts", MapType.HASH, 4, 8, 16, 0), d);
        MapCreateException e = assertThrows(MapCreateException.class,
            () -> BpfMap.create(new MapSpec("events", 7, 4, 4, 2, 0, 0, 0, null, false)));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().startsWith("map 'events': type 7 is not supported (supported: [HASH, ARRAY"), e.getMessage());
        assertInstanceOf(EbpfException.class, e);
    }

    @Test
    void derivedSizes() {
        MapDefinition d = def(MapType.PERCPU_HASH, 4, 12, 10, 0);
        assertEquals(16, d.valueStride());
        assertEquals(16 * Cpus.COUNT, d.hostValueSize());
        assertEquals(Cpus.COUNT, d.cpus());
        assertEquals(4, def(MapType.PROG_ARRAY, 4, 4, 3, 0).hostValueSize());
        assertEquals(12, def(MapType.HASH, 4, 12, 3, 0).hostValueSize());
        assertEquals(80, def(MapType.ARRAY, 4, 12, 5, 0).storageBytes());
        assertTrue(def(MapType.ARRAY, 4, 1, 1, MapFlags.RDONLY_PROG).readOnlyForPrograms());
    }

    @Test
    void typeNamesAndNumbers() {
        assertEquals(MapType.LRU_HASH, MapType.byName("BPF_MAP_TYPE_LRU_HASH"));
        assertEquals(MapType.LRU_HASH, MapType.byName("lru_hash"));
        assertNull(MapType.byName("stack"));
        assertEquals("BPF_MAP_TYPE_LPM_TRIE", MapType.LPM_TRIE.kernelName());
        int[] ids = {1, 2, 3, 4, 5, 6, 9, 11, 14, 16, 17, 25, 27};
        MapType[] types = {MapType.HASH, MapType.ARRAY, MapType.PROG_ARRAY, MapType.PERF_EVENT_ARRAY, MapType.PERCPU_HASH,
            MapType.PERCPU_ARRAY, MapType.LRU_HASH, MapType.LPM_TRIE, MapType.DEVMAP, MapType.CPUMAP, MapType.XSKMAP,
            MapType.DEVMAP_HASH, MapType.RINGBUF};
        for (int i = 0; i < ids.length; i++) {
            assertEquals(types[i], MapType.of(ids[i]));
            assertEquals(ids[i], types[i].id());
        }
        assertNull(MapType.of(7)); // BPF_MAP_TYPE_STACK_TRACE
    }

    @Test
    void globalDataStartsWithTheSectionAndRodataIsReadOnlyForPrograms() {
        byte[] init = {1, 2, 3, 4, 5, 6};
        BpfMap data = BpfMap.create(new MapSpec(".rodata", 2, 4, 6, 1, MapFlags.RDONLY_PROG, 0, 0, init, true));
        assertArrayEquals(init, data.lookup(u32(0)));
        assertTrue(data.spec().readOnly());
        assertEquals(-Errno.EPERM, data.update(u32(0), 0, new byte[6], 0, Errno.BPF_ANY), "programs may not write .rodata");
        data.put(u32(0), new byte[6]);
        assertArrayEquals(new byte[6], data.lookup(u32(0)), "the host may");
        assertThrows(MapCreateException.class,
            () -> BpfMap.create(new MapSpec("x", 1, 4, 6, 1, 0, 0, 0, init, false)), "only arrays hold section data");
    }

    @Test
    void userSpaceAccessFlags() {
        BpfMap ro = map(MapType.HASH, 4, 4, 4, MapFlags.RDONLY);
        assertEquals(-Errno.EPERM, ro.update(u32(1), u32(1), Errno.BPF_ANY));
        assertEquals(0, ro.update(u32(1), 0, u32(1), 0, Errno.BPF_ANY), "programs still may");
        assertArrayEquals(u32(1), ro.lookup(u32(1)));
        assertThrows(EbpfException.class, () -> ro.remove(u32(1)));
        BpfMap wo = map(MapType.HASH, 4, 4, 4, MapFlags.WRONLY);
        wo.put(u32(1), u32(2));
        assertThrows(EbpfException.class, () -> wo.lookup(u32(1)));
    }
}
