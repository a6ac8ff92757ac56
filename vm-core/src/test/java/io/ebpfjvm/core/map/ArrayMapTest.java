package io.ebpfjvm.core.map;

import io.ebpfjvm.core.error.EbpfException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.ebpfjvm.core.map.Errno.*;
import static io.ebpfjvm.core.map.MapTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

class ArrayMapTest {

    @Test
    void updateFlagsAndBoundsFollowTheKernel() {
        BpfMap m = map(MapType.ARRAY, 4, 8, 4, 0);
        assertInstanceOf(ArrayMap.class, m);
        assertEquals(0, m.update(u32(1), 0, u64(7), 0, BPF_ANY));
        assertEquals(0, m.update(u32(1), 0, u64(8), 0, BPF_EXIST), "every element exists");
        assertEquals(-EEXIST, m.update(u32(1), 0, u64(9), 0, BPF_NOEXIST), "so NOEXIST always fails");
        assertEquals(-E2BIG, m.update(u32(4), 0, u64(9), 0, BPF_ANY));
        assertEquals(-E2BIG, m.update(u32(-1), 0, u64(9), 0, BPF_ANY), "the index is unsigned");
        assertEquals(-EINVAL, m.update(u32(1), 0, u64(9), 0, 3));
        assertEquals(-EINVAL, m.update(u32(1), 0, u64(9), 0, -1));
        assertEquals(-EINVAL, m.update(u32(1), 0, u64(9), 0, BPF_F_LOCK), "no spin lock in the value");
        assertEquals(-EEXIST, m.update(u32(1), 0, u64(9), 0, BPF_F_LOCK | BPF_NOEXIST), "the kernel's check order");
        assertEquals(-EINVAL, m.delete(u32(1), 0));
        assertEquals(-EINVAL, m.delete(u32(9), 0));
        assertEquals(8, m.lookupSlot(u32(1), 0));
        assertEquals(8, m.lookup(u32(1), 0));
        assertEquals(8, readU64(m.values(), 8));
        assertArrayEquals(u64(8), m.lookup(u32(1)));
        assertArrayEquals(u64(0), m.lookup(u32(3)), "elements start zeroed");
        assertEquals(-1, m.lookupSlot(u32(4), 0));
        assertNull(m.lookup(u32(4)));
        assertEquals(4, m.size());
        assertThrows(EbpfException.class, () -> m.remove(u32(1)));
    }

    @Test
    void keysAndValuesAreReadAtTheirOffsets() {
        BpfMap m = map(MapType.ARRAY, 4, 3, 8, 0);
        byte[] stack = new byte[32];
        stack[10] = 5;
        stack[20] = 'a';
        stack[21] = 'b';
        stack[22] = 'c';
        assertEquals(0, m.update(stack, 10, stack, 20, BPF_ANY));
        assertEquals(5 * 8, m.lookupSlot(stack, 10), "values are 8-byte aligned: stride 8 for a 3-byte value");
        assertArrayEquals(new byte[] {'a', 'b', 'c'}, m.lookup(u32(5)));
        assertThrows(IndexOutOfBoundsException.class, () -> m.update(stack, 30, stack, 0, BPF_ANY));
        assertThrows(IndexOutOfBoundsException.class, () -> m.update(stack, 0, stack, 30, BPF_ANY));
        assertThrows(EbpfException.class, () -> m.put(u32(1), new byte[4]), "host values must have value_size bytes");
        EbpfException e = assertThrows(EbpfException.class, () -> m.lookup(new byte[8]), "host keys must have key_size bytes");
        assertEquals("map 'm': key of 8 bytes, expected 4", e.getMessage());
    }

    @Test
    void nextKeyWalksIndicesAndRestartsOnAMissingKey() {
        BpfMap m = map(MapType.ARRAY, 4, 4, 3, 0);
        byte[] next = new byte[4];
        assertEquals(0, m.nextKey(null, 0, next, 0));
        assertEquals(0, readU32(next, 0));
        assertEquals(0, m.nextKey(u32(0), 0, next, 0));
        assertEquals(1, readU32(next, 0));
        assertEquals(0, m.nextKey(u32(1), 0, next, 0));
        assertEquals(2, readU32(next, 0));
        assertEquals(-ENOENT, m.nextKey(u32(2), 0, next, 0));
        assertEquals(0, m.nextKey(u32(77), 0, next, 0));
        assertEquals(0, readU32(next, 0), "an out-of-range key restarts at 0");
        List<Integer> keys = new ArrayList<>();
        m.forEach((k, v) -> keys.add(readU32(k, 0)));
        assertEquals(List.of(0, 1, 2), keys);
    }

    @Test
    void perCpuArrayKeepsOneCopyPerCpu() throws Exception {
        BpfMap m = map(MapType.PERCPU_ARRAY, 4, 4, 2, 0);
        assertInstanceOf(PerCpuArrayMap.class, m);
        assertEquals(8 * Cpus.COUNT, m.hostValueSize());
        // Each CPU's copies together, the next CPU's a cache line past the end rounded to 64 bytes;
        // CPU 0's start a line into the array, away from the header every bounds check reads.
        int block = Cpus.COUNT == 1 ? 16 : 64 + 64;
        int origin = Cpus.COUNT == 1 ? 0 : 64;
        assertEquals(origin + block * Cpus.COUNT, m.values().length);
        for (int cpu = 0; cpu < Cpus.COUNT; cpu++) {
            int c = cpu;
            onCpu(cpu, () -> {
                assertEquals(c, Cpus.current());
                assertEquals(origin + c * block + 8, m.lookupSlot(u32(1), 0));
                assertTrue(m.lookupSlot(u32(0), 0) >= origin, "no value in the array header's cache line");
                if (c > 0) {
                    int previousEnd = ((PerCpuArrayMap) m).valueIndex(1, c - 1) + 8;
                    assertTrue(((PerCpuArrayMap) m).valueIndex(0, c) - previousEnd >= 64, "no cache line shared between CPUs");
                }
                assertEquals(((PerCpuArrayMap) m).valueIndex(1, c), m.lookupSlot(u32(1), 0));
                assertEquals(0, m.update(u32(1), 0, u32(100 + c), 0, BPF_ANY));
            });
        }
        byte[] all = m.lookup(u32(1));
        for (int c = 0; c < Cpus.COUNT; c++) {
            assertEquals(100 + c, readU32(all, c * 8), "cpu " + c);
            assertEquals(0, readU32(all, c * 8 + 4), "padding");
        }
        byte[] fresh = new byte[m.hostValueSize()];
        for (int c = 0; c < Cpus.COUNT; c++) {
            fresh[c * 8] = (byte) (c + 1);
        }
        m.put(u32(0), fresh);
        assertArrayEquals(fresh, m.lookup(u32(0)));
        onCpu(Cpus.COUNT - 1, () -> assertEquals(Cpus.COUNT, m.values()[m.lookupSlot(u32(0), 0)]));
        assertEquals(-EEXIST, m.update(u32(0), fresh, BPF_NOEXIST));
        assertEquals(-E2BIG, m.update(u32(2), fresh, BPF_ANY));
        assertThrows(EbpfException.class, () -> m.put(u32(0), new byte[4]), "the host writes every CPU's copy");
    }

    @Test
    void progArrayHoldsProgramIndices() {
        BpfMap m = map(MapType.PROG_ARRAY, 4, 4, 4, 0);
        ProgArrayMap p = (ProgArrayMap) m;
        ArrayMap asArray = p;
        assertEquals(-1, asArray.program(0), "slots start empty");
        assertNull(m.lookup(u32(0)));
        m.put(u32(2), u32(7));
        assertEquals(7, asArray.program(2));
        assertArrayEquals(u32(7), m.lookup(u32(2)));
        assertEquals(-1, m.lookupSlot(u32(2), 0), "programs cannot read a program array");
        assertEquals(0, m.values().length);
        assertEquals(-EINVAL, m.update(u32(1), u32(3), BPF_NOEXIST), "only BPF_ANY");
        assertEquals(-EINVAL, m.update(u32(1), u32(3), BPF_EXIST));
        assertEquals(-E2BIG, m.update(u32(4), u32(3), BPF_ANY));
        assertEquals(-EBADF, m.update(u32(1), u32(-5), BPF_ANY), "not a program");
        assertEquals(1, m.size());
        assertTrue(m.remove(u32(2)));
        assertFalse(m.remove(u32(2)));
        assertEquals(-ENOENT, m.delete(u32(2), 0));
        assertEquals(-E2BIG, m.delete(u32(9), 0));
        assertEquals(-1, p.program(2));
        assertEquals(-1, p.program(-1));
        assertEquals(-1, p.program(1L << 32));
        assertEquals(-1, map(MapType.ARRAY, 4, 4, 4, 0) instanceof ArrayMap a ? a.program(0) : 0);
        List<Integer> seen = new ArrayList<>();
        m.put(u32(3), u32(1));
        m.put(u32(0), u32(0));
        m.forEach((k, v) -> seen.add(readU32(k, 0) * 100 + readU32(v, 0)));
        assertEquals(List.of(0, 301), seen, "iteration skips empty slots");
    }
}
