package io.ebpfjvm.core.helper;

import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.map.Cpus;
import io.ebpfjvm.core.map.Errno;
import io.ebpfjvm.core.map.RingBufMap;
import io.ebpfjvm.core.memory.AddressSpace;
import io.ebpfjvm.core.memory.Pointers;
import io.ebpfjvm.core.memory.Regions;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Linux helpers by their kernel numbers, with kernel semantics: map access, time, random
 * numbers, CPU id, {@code trace_printk}, ring buffers and {@code skb_load_bytes}.
 */
public final class KernelHelpers {
    private KernelHelpers() {
    }

    public static final int MAP_LOOKUP_ELEM = 1;
    public static final int MAP_UPDATE_ELEM = 2;
    public static final int MAP_DELETE_ELEM = 3;
    public static final int KTIME_GET_NS = 5;
    public static final int TRACE_PRINTK = 6;
    public static final int GET_PRANDOM_U32 = 7;
    public static final int GET_SMP_PROCESSOR_ID = 8;
    public static final int SKB_STORE_BYTES = 9;
    public static final int L3_CSUM_REPLACE = 10;
    public static final int L4_CSUM_REPLACE = 11;
    public static final int REDIRECT = 23;
    public static final int SKB_LOAD_BYTES = 26;
    public static final int CSUM_DIFF = 28;
    public static final int KTIME_GET_BOOT_NS = 125;
    public static final int RINGBUF_OUTPUT = 130;
    public static final int RINGBUF_RESERVE = 131;
    public static final int RINGBUF_SUBMIT = 132;
    public static final int RINGBUF_DISCARD = 133;

    /** The standard helpers; {@code trace_printk} output goes to {@code trace}. */
    public static HelperRegistry registry(Consumer<String> trace) {
        return HelperRegistry.builder()
            .register(MAP_LOOKUP_ELEM, "map_lookup_elem", KernelHelpers::lookup)
            .register(MAP_UPDATE_ELEM, "map_update_elem", KernelHelpers::update)
            .register(MAP_DELETE_ELEM, "map_delete_elem", KernelHelpers::delete)
            .register(KTIME_GET_NS, "ktime_get_ns", (c, a, b, d, e, f) -> System.nanoTime())
            .register(TRACE_PRINTK, "trace_printk", (c, fmt, size, a, b, d) -> printk(c, fmt, size, a, b, d, trace))
            .register(GET_PRANDOM_U32, "get_prandom_u32", (c, a, b, d, e, f) -> ThreadLocalRandom.current().nextInt() & 0xffffffffL)
            .register(GET_SMP_PROCESSOR_ID, "get_smp_processor_id", (c, a, b, d, e, f) -> Cpus.current())
            .register(SKB_LOAD_BYTES, "skb_load_bytes", KernelHelpers::skbLoadBytes)
            .register(SKB_STORE_BYTES, "skb_store_bytes", KernelHelpers::skbStoreBytes)
            .register(L3_CSUM_REPLACE, "l3_csum_replace", (c, skb, off, from, to, flags) -> csumReplace(c, off, from, to, flags, false))
            .register(L4_CSUM_REPLACE, "l4_csum_replace", (c, skb, off, from, to, flags) -> csumReplace(c, off, from, to, flags, true))
            .register(CSUM_DIFF, "csum_diff", KernelHelpers::csumDiff)
            // The VM has no devices: a redirect only reports the action (XDP_REDIRECT / TC_ACT_REDIRECT).
            .register(REDIRECT, "redirect", KernelHelpers::redirect)
            .register(KTIME_GET_BOOT_NS, "ktime_get_boot_ns", (c, a, b, d, e, f) -> System.nanoTime())
            .register(RINGBUF_OUTPUT, "ringbuf_output", KernelHelpers::ringbufOutput)
            .register(RINGBUF_RESERVE, "ringbuf_reserve", KernelHelpers::ringbufReserve)
            .register(RINGBUF_SUBMIT, "ringbuf_submit", (c, p, flags, a, b, d) -> ringbufCommit(c, p, false))
            .register(RINGBUF_DISCARD, "ringbuf_discard", (c, p, flags, a, b, d) -> ringbufCommit(c, p, true))
            .build();
    }

    private static BpfMap map(HelperContext c, long handle) {
        BpfMap m = c.maps().ofHandle(handle);
        if (m == null) {
            throw new EbpfRuntimeException(c.instructionIndex(), "R1 is not a map (0x" + Long.toHexString(handle) + ")");
        }
        return m;
    }

    private static long lookup(HelperContext c, long handle, long key, long r3, long r4, long r5) {
        BpfMap m = map(c, handle);
        AddressSpace mem = c.memory();
        int at = mem.index(key, m.spec().keySize(), false, c.instructionIndex());
        int value = m.lookup(mem.array(key), at);
        if (value < 0) {
            return 0;
        }
        return Pointers.make(Regions.mapValues(Regions.mapOfHandle(handle)), value);
    }

    private static long update(HelperContext c, long handle, long key, long value, long flags, long r5) {
        BpfMap m = map(c, handle);
        AddressSpace mem = c.memory();
        int k = mem.index(key, m.spec().keySize(), false, c.instructionIndex());
        byte[] keyArray = mem.array(key);
        int v = mem.index(value, m.spec().valueSize(), false, c.instructionIndex());
        return m.update(keyArray, k, mem.array(value), v, flags);
    }

    private static long delete(HelperContext c, long handle, long key, long r3, long r4, long r5) {
        BpfMap m = map(c, handle);
        AddressSpace mem = c.memory();
        int k = mem.index(key, m.spec().keySize(), false, c.instructionIndex());
        return m.delete(mem.array(key), k);
    }

    private static long skbLoadBytes(HelperContext c, long skb, long offset, long to, long length, long r5) {
        AddressSpace mem = c.memory();
        int packetLength = mem.length(Regions.PACKET);
        if (length <= 0 || offset < 0 || offset + length > packetLength) {
            return -Errno.EINVAL;
        }
        int dst = mem.index(to, (int) length, true, c.instructionIndex());
        long src = Pointers.make(Regions.PACKET, offset);
        int from = mem.index(src, (int) length, false, c.instructionIndex());
        System.arraycopy(mem.array(src), from, mem.array(to), dst, (int) length);
        return 0;
    }

    /** XDP_REDIRECT / TC_ACT_REDIRECT, or XDP_ABORTED / TC_ACT_SHOT for unknown flags. */
    private static long redirect(HelperContext c, long ifindex, long flags, long r3, long r4, long r5) {
        boolean xdp = c.programType() == io.ebpfjvm.core.exec.ProgramType.XDP;
        if ((flags & ~1L) != 0) {
            return xdp ? 0 : 2;
        }
        return xdp ? 4 : 7;
    }

    private static long skbStoreBytes(HelperContext c, long skb, long offset, long from, long length, long flags) {
        AddressSpace mem = c.memory();
        int packetLength = mem.length(Regions.PACKET);
        if ((flags & ~3L) != 0) {
            return -Errno.EINVAL;
        }
        if (length <= 0 || offset < 0 || offset + length > packetLength) {
            return -Errno.EINVAL;
        }
        int src = mem.index(from, (int) length, false, c.instructionIndex());
        long dst = Pointers.make(Regions.PACKET, offset);
        int to = mem.index(dst, (int) length, true, c.instructionIndex());
        System.arraycopy(mem.array(from), src, mem.array(dst), to, (int) length);
        return 0;
    }

    private static final long BPF_F_MARK_MANGLED_0 = 0x20;

    /**
     * {@code l3_csum_replace}/{@code l4_csum_replace}: incremental update of the 16-bit
     * checksum at {@code offset} (RFC 1624), for a 2- or 4-byte field changing from
     * {@code from} to {@code to}, or with size 0 by a {@code csum_diff} result in {@code to}.
     */
    private static long csumReplace(HelperContext c, long offset, long from, long to, long flags, boolean l4) {
        AddressSpace mem = c.memory();
        int size = (int) (flags & 0xf);
        if (size != 0 && size != 2 && size != 4) {
            return -Errno.EINVAL;
        }
        if (offset < 0 || offset + 2 > mem.length(Regions.PACKET)) {
            return -Errno.EINVAL;
        }
        // One's complement sums do not depend on byte order, so everything stays as it lies in
        // memory: the checksum field, and from/to as the program loaded them from the packet.
        long at = Pointers.make(Regions.PACKET, offset);
        int stored = (int) mem.load(at, 2, c.instructionIndex());
        if (l4 && (flags & BPF_F_MARK_MANGLED_0) != 0 && stored == 0) {
            return 0;
        }
        long sum = ~stored & 0xffff;
        if (size == 0) {
            sum += (to & 0xffff) + ((to >>> 16) & 0xffff);
        } else {
            sum += (~from & 0xffff) + (to & 0xffff);
            if (size == 4) {
                sum += (~(from >>> 16) & 0xffff) + ((to >>> 16) & 0xffff);
            }
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        int result = (int) (~sum & 0xffff);
        if (l4 && (flags & BPF_F_MARK_MANGLED_0) != 0 && result == 0) {
            result = 0xffff;
        }
        mem.store(at, 2, result, c.instructionIndex());
        return 0;
    }

    /**
     * {@code csum_diff(from, from_size, to, to_size, seed)}: the one's complement sum of the
     * {@code to} words minus the {@code from} words, plus {@code seed}, folded to 32 bits.
     */
    private static long csumDiff(HelperContext c, long from, long fromSize, long to, long toSize, long seed) {
        if (fromSize % 4 != 0 || toSize % 4 != 0 || fromSize < 0 || toSize < 0 || fromSize + toSize > 512) {
            return -Errno.EINVAL;
        }
        AddressSpace mem = c.memory();
        long sum = seed & 0xffffffffL;
        for (long i = 0; i < fromSize; i += 4) {
            sum += ~mem.load(from + i, 4, c.instructionIndex()) & 0xffffffffL;
        }
        for (long i = 0; i < toSize; i += 4) {
            sum += mem.load(to + i, 4, c.instructionIndex());
        }
        while ((sum >>> 32) != 0) {
            sum = (sum & 0xffffffffL) + (sum >>> 32);
        }
        return sum;
    }

    private static RingBufMap ring(HelperContext c, long handle) {
        BpfMap m = map(c, handle);
        if (!(m instanceof RingBufMap r)) {
            throw new EbpfRuntimeException(c.instructionIndex(), "map '" + m.name() + "' is not a ring buffer");
        }
        return r;
    }

    private static long ringbufOutput(HelperContext c, long handle, long data, long size, long flags, long r5) {
        RingBufMap r = ring(c, handle);
        AddressSpace mem = c.memory();
        int at = mem.index(data, (int) Math.max(0, Math.min(size, Integer.MAX_VALUE)), false, c.instructionIndex());
        return r.output(mem.array(data), at, (int) size);
    }

    private static long ringbufReserve(HelperContext c, long handle, long size, long flags, long r4, long r5) {
        RingBufMap r = ring(c, handle);
        int at = r.reserve(size);
        return at < 0 ? 0 : Pointers.make(Regions.mapValues(Regions.mapOfHandle(handle)), at);
    }

    private static long ringbufCommit(HelperContext c, long pointer, boolean discard) {
        int region = Pointers.region(pointer);
        int index = region - Regions.FIRST_SHARED;
        if (index < 0 || index >= c.maps().size() || !(c.maps().get(index) instanceof RingBufMap r)) {
            throw new EbpfRuntimeException(c.instructionIndex(), "ringbuf submit/discard of a pointer that is not a reserved record");
        }
        r.commit((int) Pointers.offset(pointer), discard);
        return 0;
    }

    /** {@code bpf_trace_printk}: the kernel's small printf (%d %i %u %x %ld %lu %lx %lld %llu %llx %p %%). */
    private static long printk(HelperContext c, long fmt, long size, long a, long b, long d, Consumer<String> trace) {
        AddressSpace mem = c.memory();
        int n = (int) Math.max(0, Math.min(size, 1024));
        int at = mem.index(fmt, n, false, c.instructionIndex());
        byte[] bytes = mem.array(fmt);
        StringBuilder out = new StringBuilder();
        long[] args = {a, b, d};
        int next = 0;
        for (int i = at; i < at + n && bytes[i] != 0; i++) {
            char ch = (char) (bytes[i] & 0xff);
            if (ch != '%' || i + 1 >= at + n) {
                out.append(ch);
                continue;
            }
            int j = i + 1;
            int longs = 0;
            while (j < at + n && bytes[j] == 'l') {
                longs++;
                j++;
            }
            char conv = j < at + n ? (char) bytes[j] : 0;
            long v = next < 3 ? args[next] : 0;
            switch (conv) {
                case 'd', 'i' -> out.append(longs > 0 ? v : (int) v);
                case 'u' -> out.append(longs > 0 ? Long.toUnsignedString(v) : Integer.toUnsignedString((int) v));
                case 'x' -> out.append(longs > 0 ? Long.toHexString(v) : Integer.toHexString((int) v));
                case 'p' -> out.append("0x").append(Long.toHexString(v));
                case '%' -> {
                    out.append('%');
                    i = j;
                    continue;
                }
                default -> {
                    out.append(ch);
                    continue;
                }
            }
            next++;
            i = j;
        }
        String line = out.toString();
        trace.accept(line.endsWith("\n") ? line.substring(0, line.length() - 1) : line);
        return line.length();
    }
}
