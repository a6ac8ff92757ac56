package io.ebpfjvm.core.map;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Host-side rules of the redirect maps and perf event arrays (the kernel's, from its map implementations). */
class RedirectAndPerfMapTest {
    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] u32x2(int a, int b) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(a).putInt(b).array();
    }

    @Test
    void createRulesFollowTheKernel() {
        assertEquals(Errno.EINVAL, assertThrows(MapCreateException.class,
            () -> new MapDefinition("d", MapType.DEVMAP, 4, 6, 4, 0)).errno(), "value is ifindex or ifindex + prog fd");
        assertEquals(Errno.EINVAL, assertThrows(MapCreateException.class,
            () -> new MapDefinition("x", MapType.XSKMAP, 4, 8, 4, 0)).errno(), "xsk values are one fd");
        assertEquals(Errno.EINVAL, assertThrows(MapCreateException.class,
            () -> new MapDefinition("c", MapType.CPUMAP, 4, 4, 4, MapFlags.RDONLY)).errno());
        assertEquals(Errno.EINVAL, assertThrows(MapCreateException.class,
            () -> new MapDefinition("p", MapType.PERF_EVENT_ARRAY, 4, 8, 4, 0)).errno());
        new MapDefinition("d", MapType.DEVMAP_HASH, 4, 8, 4, MapFlags.RDONLY);
        new MapDefinition("p", MapType.PERF_EVENT_ARRAY, 4, 4, 4, MapFlags.PRESERVE_ELEMS);
    }

    @Test
    void devmapSlotsFillEmptyAndIterateLikeAnArray() {
        RedirectMap dev = (RedirectMap) BpfMap.create(new MapDefinition("dev", MapType.DEVMAP, 4, 8, 4, 0));
        assertEquals(0, dev.update(u32(1), u32x2(7, -1), Errno.BPF_ANY));
        assertEquals(-Errno.EEXIST, dev.update(u32(2), u32x2(7, -1), Errno.BPF_NOEXIST));
        assertEquals(-Errno.E2BIG, dev.update(u32(4), u32x2(7, -1), Errno.BPF_ANY));
        assertEquals(-Errno.EINVAL, dev.update(u32(2), u32x2(7, 3), Errno.BPF_ANY), "no devmap programs here");
        assertEquals(-Errno.EINVAL, dev.update(u32(2), u32x2(0, 0), Errno.BPF_ANY), "ifindex 0 may not name a program");
        assertTrue(dev.hasTarget(1));
        assertTrue(dev.hasTarget(0x1_0000_0001L), "keys are u32: the helper's u64 is truncated");
        assertFalse(dev.hasTarget(2));
        assertArrayEquals(u32x2(7, -1), dev.lookup(u32(1)));
        assertNull(dev.lookup(u32(0)));
        assertEquals(0, dev.update(u32(1), u32x2(0, -1), Errno.BPF_ANY), "ifindex 0 empties the slot");
        assertFalse(dev.hasTarget(1));
        assertEquals(0, dev.delete(u32(3), 0), "deleting an empty slot succeeds");
        assertEquals(-Errno.EINVAL, dev.delete(u32(9), 0));
        assertEquals(-Errno.EPERM, dev.update(u32(0), 0, u32x2(1, -1), 0, 0), "programs cannot update");
    }

    @Test
    void devmapHashTakesAnyKeyAndCpumapOnlyCpus() {
        RedirectMap hash = (RedirectMap) BpfMap.create(new MapDefinition("h", MapType.DEVMAP_HASH, 4, 4, 2, 0));
        assertEquals(0, hash.update(u32(1000), u32(3), Errno.BPF_ANY));
        assertEquals(0, hash.update(u32(-1), u32(3), Errno.BPF_ANY));
        assertEquals(-Errno.E2BIG, hash.update(u32(5), u32(3), Errno.BPF_ANY));
        assertTrue(hash.hasTarget(1000));
        assertTrue(hash.hasTarget(0xffffffffL));
        assertFalse(hash.hasTarget(5));
        assertEquals(-Errno.EINVAL, hash.update(u32(1000), u32(0), Errno.BPF_ANY));
        RedirectMap cpus = (RedirectMap) BpfMap.create(new MapDefinition("c", MapType.CPUMAP, 4, 4, Cpus.COUNT + 1, 0));
        assertEquals(0, cpus.update(u32(0), u32(192), Errno.BPF_ANY));
        assertEquals(-19, cpus.update(u32(Cpus.COUNT), u32(192), Errno.BPF_ANY), "-ENODEV past the last CPU");
        assertEquals(0, cpus.update(u32(0), u32(0), Errno.BPF_ANY), "queue size 0 empties the slot");
        assertFalse(cpus.hasTarget(0));
    }

    @Test
    void perfEventArraysDeliverPerCpuAndCountLostRecords() {
        PerfEventArrayMap perf = (PerfEventArrayMap) BpfMap.create(new MapDefinition("p", MapType.PERF_EVENT_ARRAY, 4, 4, 2, 0));
        byte[] data = {1, 2, 3};
        assertEquals(-Errno.ENOENT, perf.output(0, 0, data, 0, 3, null, 0, 0));
        assertEquals(-Errno.E2BIG, perf.output(2, 0, data, 0, 3, null, 0, 0));
        perf.open(0, 8 + 3 + 8 + 2);
        perf.open(1, 1024);
        assertEquals(-Errno.EOPNOTSUPP, perf.output(1, 0, data, 0, 3, null, 0, 0), "slot 1 belongs to CPU 1");
        assertEquals(0, perf.output(0, 0, data, 0, 3, null, 0, 0));
        assertEquals(0, perf.output(0, 0, data, 1, 2, null, 0, 0));
        assertEquals(0, perf.output(0, 0, data, 0, 1, null, 0, 0), "no room: lost, still 0");
        assertEquals(0, perf.output(1, 1, data, 0, 1, data, 2, 1));
        assertEquals(1, perf.lost());
        List<String> got = new ArrayList<>();
        assertEquals(3, perf.consume((cpu, d) -> got.add(cpu + ":" + java.util.Arrays.toString(d))));
        assertEquals(List.of("0:[1, 2, 3]", "0:[2, 3]", "1:[1, 3]"), got);
        assertEquals(-Errno.EBADF, perf.update(u32(0), u32(5), Errno.BPF_ANY), "no perf fds to store");
    }
}
