package io.ebpfjvm.core.helper;

import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.map.Cpus;
import io.ebpfjvm.core.map.Errno;
import io.ebpfjvm.core.map.RingBufMap;
import io.ebpfjvm.core.memory.AddressSpace;
import io.ebpfjvm.core.memory.Pointers;
import io.ebpfjvm.core.memory.Regions;

import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.map.MapType;
import io.ebpfjvm.core.map.PerfEventArrayMap;
import io.ebpfjvm.core.map.RedirectMap;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import static io.ebpfjvm.core.helper.ArgKind.*;

/**
 * Linux helpers by their kernel numbers, with kernel semantics and kernel prototypes: map
 * access, time, random numbers, CPU id, {@code trace_printk}, ring buffers, perf event
 * output, packet access and checksums, XDP packet adjustment and redirects, probe reads of a
 * caller-supplied {@link KernelMemory}.
 */
public final class KernelHelpers {
    private KernelHelpers() {
    }

    /**
     * The map helpers' implementations. A JIT that sees one of these registered under its id
     * (and not a user's replacement) may call the map directly instead, with the same effect.
     */
    public static final Helper MAP_LOOKUP = KernelHelpers::lookup;
    public static final Helper MAP_UPDATE = KernelHelpers::update;
    public static final Helper MAP_DELETE = KernelHelpers::delete;

    public static final int MAP_LOOKUP_ELEM = 1;
    public static final int MAP_UPDATE_ELEM = 2;
    public static final int MAP_DELETE_ELEM = 3;
    public static final int PROBE_READ = 4;
    public static final int KTIME_GET_NS = 5;
    public static final int TRACE_PRINTK = 6;
    public static final int GET_PRANDOM_U32 = 7;
    public static final int GET_SMP_PROCESSOR_ID = 8;
    public static final int SKB_STORE_BYTES = 9;
    public static final int L3_CSUM_REPLACE = 10;
    public static final int L4_CSUM_REPLACE = 11;
    public static final int TAIL_CALL = 12;
    public static final int GET_CURRENT_PID_TGID = 14;
    public static final int GET_CURRENT_UID_GID = 15;
    public static final int GET_CURRENT_COMM = 16;
    public static final int REDIRECT = 23;
    public static final int PERF_EVENT_OUTPUT = 25;
    public static final int SKB_LOAD_BYTES = 26;
    public static final int CSUM_DIFF = 28;
    public static final int XDP_ADJUST_HEAD = 44;
    public static final int PROBE_READ_STR = 45;
    public static final int REDIRECT_MAP = 51;
    public static final int XDP_ADJUST_META = 54;
    public static final int XDP_ADJUST_TAIL = 65;
    public static final int PROBE_READ_USER = 112;
    public static final int PROBE_READ_KERNEL = 113;
    public static final int PROBE_READ_USER_STR = 114;
    public static final int PROBE_READ_KERNEL_STR = 115;
    public static final int KTIME_GET_BOOT_NS = 125;
    public static final int RINGBUF_OUTPUT = 130;
    public static final int RINGBUF_RESERVE = 131;
    public static final int RINGBUF_SUBMIT = 132;
    public static final int RINGBUF_DISCARD = 133;
    public static final int LOOP = 181;
    public static final int XDP_GET_BUFF_LEN = 188;
    public static final int XDP_LOAD_BYTES = 189;
    public static final int XDP_STORE_BYTES = 190;

    /** {@code BPF_F_INDEX_MASK} / {@code BPF_F_CURRENT_CPU}. */
    public static final long BPF_F_CURRENT_CPU = 0xffffffffL;
    /** {@code BPF_F_CTXLEN_MASK}: packet bytes perf_event_output appends (skb and XDP programs). */
    public static final long BPF_F_CTXLEN_MASK = 0xfffffL << 32;
    /** {@code BPF_F_BROADCAST} and {@code BPF_F_EXCLUDE_INGRESS} of redirect_map (devmaps only). */
    public static final long BPF_F_BROADCAST = 1L << 3;
    public static final long BPF_F_EXCLUDE_INGRESS = 1L << 4;

    /** The standard helpers; {@code trace_printk} output goes to {@code trace}; probe reads all fault. */
    public static HelperRegistry registry(Consumer<String> trace) {
        return registry(trace, new KernelMemory());
    }

    /**
     * The standard helpers, each with its kernel prototype ({@code struct bpf_func_proto}):
     * {@code trace_printk} output goes to {@code trace}, {@code probe_read_*} read {@code memory}.
     */
    public static HelperRegistry registry(Consumer<String> trace, KernelMemory memory) {
        return registry(trace, memory, new CurrentTask());
    }

    /**
     * The standard helpers, as {@link #registry(Consumer, KernelMemory)}, with
     * {@code get_current_pid_tgid}/{@code _uid_gid}/{@code _comm} reporting {@code task}.
     */
    public static HelperRegistry registry(Consumer<String> trace, KernelMemory memory, CurrentTask task) {
        return HelperRegistry.builder()
            .register(GET_CURRENT_PID_TGID, proto("get_current_pid_tgid", INTEGER), (c, a, b, d, e, f) -> task.pidTgid())
            .register(GET_CURRENT_UID_GID, proto("get_current_uid_gid", INTEGER), (c, a, b, d, e, f) -> task.uidGid())
            .register(GET_CURRENT_COMM, proto("get_current_comm", INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE),
                (c, buf, size, a, b, d) -> currentComm(c, task, buf, size))
            .register(MAP_LOOKUP_ELEM, proto("map_lookup_elem", ReturnKind.PTR_TO_MAP_VALUE_OR_NULL, CONST_MAP_PTR, PTR_TO_MAP_KEY),
                MAP_LOOKUP)
            .register(MAP_UPDATE_ELEM, proto("map_update_elem", INTEGER, CONST_MAP_PTR, PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, ANYTHING),
                MAP_UPDATE)
            .register(MAP_DELETE_ELEM, proto("map_delete_elem", INTEGER, CONST_MAP_PTR, PTR_TO_MAP_KEY), MAP_DELETE)
            .register(KTIME_GET_NS, proto("ktime_get_ns", INTEGER), (c, a, b, d, e, f) -> System.nanoTime())
            .register(TRACE_PRINTK, proto("trace_printk", INTEGER, PTR_TO_MEM_READONLY, CONST_SIZE, ANYTHING, ANYTHING, ANYTHING),
                (c, fmt, size, a, b, d) -> printk(c, fmt, size, a, b, d, trace))
            .register(GET_PRANDOM_U32, proto("get_prandom_u32", INTEGER),
                (c, a, b, d, e, f) -> ThreadLocalRandom.current().nextInt() & 0xffffffffL)
            .register(GET_SMP_PROCESSOR_ID, proto("get_smp_processor_id", INTEGER), (c, a, b, d, e, f) -> Cpus.current())
            .register(SKB_LOAD_BYTES, proto("skb_load_bytes", INTEGER, PTR_TO_CTX, ANYTHING, PTR_TO_UNINIT_MEM, CONST_SIZE),
                KernelHelpers::skbLoadBytes)
            .register(SKB_STORE_BYTES, proto("skb_store_bytes", INTEGER, PTR_TO_CTX, ANYTHING, PTR_TO_MEM_READONLY, CONST_SIZE, ANYTHING),
                KernelHelpers::skbStoreBytes)
            .register(L3_CSUM_REPLACE, proto("l3_csum_replace", INTEGER, PTR_TO_CTX, ANYTHING, ANYTHING, ANYTHING, ANYTHING),
                (c, skb, off, from, to, flags) -> csumReplace(c, off, from, to, flags, false))
            .register(L4_CSUM_REPLACE, proto("l4_csum_replace", INTEGER, PTR_TO_CTX, ANYTHING, ANYTHING, ANYTHING, ANYTHING),
                (c, skb, off, from, to, flags) -> csumReplace(c, off, from, to, flags, true))
            // Engines run tail calls and bpf_loop themselves (they change control flow); the
            // registry carries their prototypes for the verifier.
            .register(TAIL_CALL, proto("tail_call", ReturnKind.VOID, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING), KernelHelpers::engineOnly)
            .register(LOOP, proto("loop", INTEGER, ANYTHING, PTR_TO_FUNC, PTR_TO_STACK_OR_NULL, ANYTHING), KernelHelpers::engineOnly)
            .register(CSUM_DIFF, proto("csum_diff", INTEGER, PTR_TO_MEM_OR_NULL, CONST_SIZE_OR_ZERO, PTR_TO_MEM_OR_NULL,
                CONST_SIZE_OR_ZERO, ANYTHING), KernelHelpers::csumDiff)
            // The VM has no devices: a redirect reports the action and records its target for the caller.
            .register(REDIRECT, proto("redirect", INTEGER, ANYTHING, ANYTHING), KernelHelpers::redirect)
            .register(REDIRECT_MAP, proto("redirect_map", INTEGER, CONST_MAP_PTR, ANYTHING, ANYTHING), KernelHelpers::redirectMap)
            .register(XDP_ADJUST_HEAD, proto("xdp_adjust_head", INTEGER, PTR_TO_CTX, ANYTHING),
                (c, ctx, delta, a, b, d) -> xdpFrame(c, "xdp_adjust_head").adjustHead((int) delta))
            .register(XDP_ADJUST_META, proto("xdp_adjust_meta", INTEGER, PTR_TO_CTX, ANYTHING),
                (c, ctx, delta, a, b, d) -> xdpFrame(c, "xdp_adjust_meta").adjustMeta((int) delta))
            .register(XDP_ADJUST_TAIL, proto("xdp_adjust_tail", INTEGER, PTR_TO_CTX, ANYTHING),
                (c, ctx, delta, a, b, d) -> xdpFrame(c, "xdp_adjust_tail").adjustTail((int) delta))
            .register(XDP_GET_BUFF_LEN, proto("xdp_get_buff_len", INTEGER, PTR_TO_CTX),
                (c, ctx, a, b, d, e) -> xdpFrame(c, "xdp_get_buff_len").length())
            .register(XDP_LOAD_BYTES, proto("xdp_load_bytes", INTEGER, PTR_TO_CTX, ANYTHING, PTR_TO_UNINIT_MEM, CONST_SIZE),
                (c, ctx, off, buf, len, e) -> xdpBytes(c, off, buf, len, false))
            .register(XDP_STORE_BYTES, proto("xdp_store_bytes", INTEGER, PTR_TO_CTX, ANYTHING, PTR_TO_MEM_READONLY, CONST_SIZE),
                (c, ctx, off, buf, len, e) -> xdpBytes(c, off, buf, len, true))
            .register(PERF_EVENT_OUTPUT, proto("perf_event_output", INTEGER, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING,
                PTR_TO_MEM_READONLY, CONST_SIZE_OR_ZERO), KernelHelpers::perfEventOutput)
            .register(PROBE_READ, probeProto("probe_read"), (c, dst, size, src, a, b) -> ProbeRead.bytes(c, memory, dst, size, src))
            .register(PROBE_READ_KERNEL, probeProto("probe_read_kernel"), (c, dst, size, src, a, b) -> ProbeRead.bytes(c, memory, dst, size, src))
            .register(PROBE_READ_USER, probeProto("probe_read_user"), (c, dst, size, src, a, b) -> ProbeRead.bytes(c, memory, dst, size, src))
            .register(PROBE_READ_STR, probeProto("probe_read_str"), (c, dst, size, src, a, b) -> ProbeRead.string(c, memory, dst, size, src))
            .register(PROBE_READ_KERNEL_STR, probeProto("probe_read_kernel_str"),
                (c, dst, size, src, a, b) -> ProbeRead.string(c, memory, dst, size, src))
            .register(PROBE_READ_USER_STR, probeProto("probe_read_user_str"),
                (c, dst, size, src, a, b) -> ProbeRead.string(c, memory, dst, size, src))
            .register(KTIME_GET_BOOT_NS, proto("ktime_get_boot_ns", INTEGER), (c, a, b, d, e, f) -> System.nanoTime())
            .register(RINGBUF_OUTPUT, proto("ringbuf_output", INTEGER, CONST_MAP_PTR, PTR_TO_MEM_READONLY, CONST_SIZE_OR_ZERO, ANYTHING),
                KernelHelpers::ringbufOutput)
            .register(RINGBUF_RESERVE, proto("ringbuf_reserve", ReturnKind.PTR_TO_RINGBUF_MEM_OR_NULL, CONST_MAP_PTR,
                CONST_ALLOC_SIZE_OR_ZERO, ANYTHING), KernelHelpers::ringbufReserve)
            .register(RINGBUF_SUBMIT, proto("ringbuf_submit", ReturnKind.VOID, PTR_TO_RINGBUF_MEM, ANYTHING),
                (c, p, flags, a, b, d) -> ringbufCommit(c, p, false))
            .register(RINGBUF_DISCARD, proto("ringbuf_discard", ReturnKind.VOID, PTR_TO_RINGBUF_MEM, ANYTHING),
                (c, p, flags, a, b, d) -> ringbufCommit(c, p, true))
            .build();
    }

    private static final ReturnKind INTEGER = ReturnKind.INTEGER;

    private static HelperPrototype proto(String name, ReturnKind returns, ArgKind... args) {
        return HelperPrototype.of(name, returns, args);
    }

    /** probe_read*: {@code (void *dst, u32 size, const void *unsafe_ptr)}. */
    private static HelperPrototype probeProto(String name) {
        return proto(name, INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING);
    }

    private static long engineOnly(HelperContext c, long a, long b, long d, long e, long f) {
        throw new EbpfRuntimeException(c.instructionIndex(), "this helper is run by the engine itself, not called through the registry");
    }

    /** {@code bpf_get_current_comm(buf, size)}: the name, NUL-terminated and NUL-padded to size. */
    private static long currentComm(HelperContext c, CurrentTask task, long buffer, long size) {
        int n = (int) Math.max(0, Math.min(size, Integer.MAX_VALUE));
        if (n == 0) {
            return 0;
        }
        AddressSpace mem = c.memory();
        int at = mem.index(buffer, n, true, c.instructionIndex());
        byte[] out = mem.array(buffer);
        byte[] comm = task.commBytes();
        java.util.Arrays.fill(out, at, at + n, (byte) 0);
        int copy = 0;
        while (copy < n - 1 && copy < comm.length && comm[copy] != 0) {
            copy++;
        }
        System.arraycopy(comm, 0, out, at, copy);
        return 0;
    }

    private static long xdpBytes(HelperContext c, long offset, long buffer, long length, boolean store) {
        io.ebpfjvm.core.context.PacketFrame frame = xdpFrame(c, store ? "xdp_store_bytes" : "xdp_load_bytes");
        int n = (int) Math.max(0, Math.min(length & 0xffffffffL, 0x10000));
        AddressSpace mem = c.memory();
        int at = mem.index(buffer, n, !store, c.instructionIndex());
        return frame.copyBytes(offset, mem.array(buffer), at, length, store);
    }

    private static io.ebpfjvm.core.context.PacketFrame xdpFrame(HelperContext c, String helper) {
        io.ebpfjvm.core.context.PacketFrame frame = c.packetFrame();
        if (c.programType() != ProgramType.XDP || frame == null) {
            throw new EbpfRuntimeException(c.instructionIndex(), helper + " is an XDP helper; this is a "
                + c.programType() + " program" + (frame == null ? " in an engine without packet frames" : ""));
        }
        return frame;
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

    /**
     * XDP_REDIRECT / TC_ACT_REDIRECT, recording the target; XDP_ABORTED for any XDP flags,
     * TC_ACT_SHOT for TC flags other than BPF_F_INGRESS, as the kernel's.
     */
    private static long redirect(HelperContext c, long ifindex, long flags, long r3, long r4, long r5) {
        boolean xdp = c.programType() == ProgramType.XDP;
        if (xdp ? flags != 0 : (flags & ~1L) != 0) {
            return xdp ? 0 : 2;
        }
        io.ebpfjvm.core.context.PacketFrame frame = c.packetFrame();
        if (frame != null) {
            frame.redirectToIfindex(ifindex, flags);
        }
        return xdp ? 4 : 7;
    }

    /**
     * {@code bpf_redirect_map(map, key, flags)} for XDP: XDP_REDIRECT when the key names an
     * entry (or with BPF_F_BROADCAST on a devmap); else the low two bits of flags (the
     * fallback action), clearing any earlier target; XDP_ABORTED for flags the map type does not take.
     */
    private static long redirectMap(HelperContext c, long handle, long key, long flags, long r4, long r5) {
        BpfMap m = map(c, handle);
        if (!(m instanceof RedirectMap r)) {
            throw new EbpfRuntimeException(c.instructionIndex(), "redirect_map on " + m.describe()
                + ": expected a devmap, devmap hash, cpumap or xskmap");
        }
        long actions = 3; // XDP_ABORTED | XDP_DROP | XDP_PASS | XDP_TX
        boolean device = m.type() == MapType.DEVMAP || m.type() == MapType.DEVMAP_HASH;
        long allowed = actions | (device ? BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS : 0);
        if ((flags & ~allowed) != 0) {
            return 0;
        }
        io.ebpfjvm.core.context.PacketFrame frame = xdpFrame(c, "redirect_map");
        if (!r.hasTarget(key) && (flags & BPF_F_BROADCAST) == 0) {
            frame.clearRedirect();
            return flags & actions;
        }
        frame.redirectToMap(Regions.mapOfHandle(handle), key & 0xffffffffL, (flags & BPF_F_BROADCAST) != 0 ? flags : 0);
        return 4;
    }

    /**
     * {@code bpf_perf_event_output(ctx, map, flags, data, size)}: the record goes to the
     * event of slot {@code flags & BPF_F_INDEX_MASK} (the running CPU's for BPF_F_CURRENT_CPU);
     * packet programs may append {@code (flags & BPF_F_CTXLEN_MASK) >> 32} packet bytes.
     */
    private static long perfEventOutput(HelperContext c, long ctx, long handle, long flags, long data, long size) {
        BpfMap m = map(c, handle);
        if (!(m instanceof PerfEventArrayMap perf)) {
            throw new EbpfRuntimeException(c.instructionIndex(), "perf_event_output on " + m.describe()
                + ": expected a BPF_MAP_TYPE_PERF_EVENT_ARRAY");
        }
        ProgramType type = c.programType();
        boolean packet = type.context() != null && type.context().hasPacket();
        long allowed = BPF_F_CURRENT_CPU | (packet ? BPF_F_CTXLEN_MASK : 0);
        if ((flags & ~allowed) != 0) {
            return -Errno.EINVAL;
        }
        AddressSpace mem = c.memory();
        int n = (int) Math.max(0, Math.min(size, Integer.MAX_VALUE));
        int at = n == 0 ? 0 : mem.index(data, n, false, c.instructionIndex());
        byte[] src = n == 0 ? new byte[0] : mem.array(data);
        int extra = (int) ((flags & BPF_F_CTXLEN_MASK) >>> 32);
        byte[] packetArray = null;
        int packetAt = 0;
        if (extra > 0) {
            io.ebpfjvm.core.context.PacketFrame frame = c.packetFrame();
            if (frame == null || extra > frame.length()) {
                return -Errno.EFAULT;
            }
            packetArray = frame.array();
            packetAt = frame.dataIndex();
        }
        long index = flags & BPF_F_CURRENT_CPU;
        int cpu = Cpus.current();
        if (index == BPF_F_CURRENT_CPU) {
            index = cpu;
        }
        return perf.output(index, cpu, src, at, n, packetArray, packetAt, extra);
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
