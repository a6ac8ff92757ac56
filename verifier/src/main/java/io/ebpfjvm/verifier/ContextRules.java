package io.ebpfjvm.verifier;

import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.verifier.state.RegType;

/**
 * Which context fields a program type may read or write, at which sizes, and what a read
 * yields: the kernel's {@code *_is_valid_access} callbacks for {@code struct xdp_md} and
 * {@code struct __sk_buff} (socket filter, tc, cgroup/skb) as a CAP_BPF loader sees them; for
 * kprobes ({@code pt_regs}), tracepoints (the raw record) and cgroup/sock ({@code bpf_sock}),
 * whose fields are all numbers, the rules vm-core's {@link ProgramType} states.
 */
final class ContextRules {
    /** What a valid context access loads: a scalar or a pointer type (maybe null). */
    record Field(RegType type, boolean nullable) {
        static final Field SCALAR = new Field(RegType.SCALAR, false);
    }

    // __sk_buff offsets (UAPI).
    private static final int MARK = 8;
    private static final int QUEUE_MAPPING = 12;
    private static final int PRIORITY = 32;
    private static final int TC_INDEX = 44;
    private static final int CB0 = 48;
    private static final int CB_END = 68;
    private static final int TC_CLASSID = 72;
    private static final int DATA = 76;
    private static final int DATA_END = 80;
    private static final int FAMILY = 88;
    private static final int REMOTE_IP4 = 92;
    private static final int LOCAL_IP4 = 96;
    private static final int REMOTE_IP6 = 100;
    private static final int LOCAL_IP6 = 116;
    private static final int LOCAL_PORT_END = 140;
    private static final int DATA_META = 140;
    private static final int FLOW_KEYS = 144;
    private static final int TSTAMP = 152;
    private static final int WIRE_LEN = 160;
    private static final int SK = 168;
    private static final int TSTAMP_TYPE = 180;
    private static final int HWTSTAMP = 184;
    private static final int SKB_SIZE = 192;

    private ContextRules() {
    }

    /** The field an access loads, or null when the kernel refuses the access. */
    static Field access(ProgramType type, int off, int size, boolean write) {
        return switch (type.name()) {
            case "XDP" -> xdp(off, size, write);
            case "SOCKET_FILTER" -> socketFilter(off, size, write);
            case "SCHED_CLS" -> tc(off, size, write);
            case "CGROUP_SKB" -> cgroupSkb(off, size, write);
            case "KPROBE", "CGROUP_SOCK", "CGROUP_SOCK_POST_BIND4", "CGROUP_SOCK_POST_BIND6" -> scalarOnly(type, off, size, write);
            case "TRACEPOINT" -> tracepoint(type, off, size, write);
            default -> null;
        };
    }

    /**
     * Contexts without pointer fields ({@code pt_regs}, {@code bpf_sock}): every allowed access
     * loads a number. Which accesses are allowed is vm-core's {@link ProgramType#contextProblem},
     * the same rule the interpreter enforces, so the two cannot disagree.
     */
    private static Field scalarOnly(ProgramType type, int off, int size, boolean write) {
        if (off < 0 || off >= type.context().size()) {
            return null;
        }
        return type.contextProblem(off, size, write) == null ? Field.SCALAR : null;
    }

    /**
     * A tracepoint record: the kernel checks reads against the event's format only when it
     * knows the event; without tracefs formats we apply the bound it applies to every event,
     * {@code PERF_MAX_TRACE_SIZE} (8192 bytes, the size of {@link io.ebpfjvm.core.context.ContextLayout#TRACEPOINT_RECORD}),
     * past the 8 bytes of common fields, reads only, aligned to their size.
     */
    private static Field tracepoint(ProgramType type, int off, int size, boolean write) {
        return scalarOnly(type, off, size, write);
    }

    private static boolean in(int off, int start, int endExclusive) {
        return off >= start && off < endExclusive;
    }

    private static Field xdp(int off, int size, boolean write) {
        if (off == 20 || write) {
            return null; // egress_ifindex only for devmap programs; xdp_md is read-only
        }
        if (off < 0 || off >= 24 || off % size != 0 || size != 4) {
            return null;
        }
        return switch (off) {
            case 0 -> new Field(RegType.PACKET, false);
            case 4 -> new Field(RegType.PACKET_END, false);
            case 8 -> new Field(RegType.PACKET_META, false);
            default -> Field.SCALAR;
        };
    }

    private static Field socketFilter(int off, int size, boolean write) {
        if (in(off, TC_CLASSID, TC_CLASSID + 4) || in(off, DATA, DATA + 4) || in(off, DATA_META, DATA_META + 4)
            || in(off, DATA_END, DATA_END + 4) || in(off, FAMILY, LOCAL_PORT_END) || in(off, TSTAMP, TSTAMP + 8)
            || in(off, WIRE_LEN, WIRE_LEN + 4) || in(off, HWTSTAMP, HWTSTAMP + 8)) {
            return null;
        }
        if (write && !in(off, CB0, CB_END)) {
            return null;
        }
        return skb(off, size, write);
    }

    private static Field tc(int off, int size, boolean write) {
        if (write && !(in(off, MARK, MARK + 4) || in(off, TC_INDEX, TC_INDEX + 4) || in(off, PRIORITY, PRIORITY + 4)
            || in(off, TC_CLASSID, TC_CLASSID + 4) || in(off, CB0, CB_END) || in(off, TSTAMP, TSTAMP + 8)
            || in(off, QUEUE_MAPPING, QUEUE_MAPPING + 4))) {
            return null;
        }
        if (in(off, FAMILY, LOCAL_PORT_END)) {
            return null;
        }
        Field f = skb(off, size, write);
        if (f == null) {
            return null;
        }
        if (in(off, DATA, DATA + 4)) {
            return new Field(RegType.PACKET, false);
        }
        if (in(off, DATA_META, DATA_META + 4)) {
            return new Field(RegType.PACKET_META, false);
        }
        if (in(off, DATA_END, DATA_END + 4)) {
            return new Field(RegType.PACKET_END, false);
        }
        return f;
    }

    private static Field cgroupSkb(int off, int size, boolean write) {
        if (in(off, TC_CLASSID, TC_CLASSID + 4) || in(off, DATA_META, DATA_META + 4) || in(off, WIRE_LEN, WIRE_LEN + 4)) {
            return null;
        }
        if (write && !(in(off, MARK, MARK + 4) || in(off, PRIORITY, PRIORITY + 4) || in(off, CB0, CB_END)
            || in(off, TSTAMP, TSTAMP + 8))) {
            return null;
        }
        Field f = skb(off, size, write);
        if (f == null) {
            return null;
        }
        if (in(off, DATA, DATA + 4)) {
            return new Field(RegType.PACKET, false);
        }
        if (in(off, DATA_END, DATA_END + 4)) {
            return new Field(RegType.PACKET_END, false);
        }
        return f;
    }

    /** {@code bpf_skb_is_valid_access}: the common __sk_buff rules. */
    private static Field skb(int off, int size, boolean write) {
        if (off < 0 || off >= SKB_SIZE || off % size != 0) {
            return null;
        }
        if (in(off, CB0, CB_END)) {
            return off + size > CB_END ? null : Field.SCALAR;
        }
        if (in(off, REMOTE_IP6, LOCAL_IP6 + 16) || in(off, REMOTE_IP4, REMOTE_IP4 + 4) || in(off, LOCAL_IP4, LOCAL_IP4 + 4)
            || in(off, DATA, DATA + 4) || in(off, DATA_META, DATA_META + 4) || in(off, DATA_END, DATA_END + 4)) {
            return size == 4 ? Field.SCALAR : null;
        }
        if (in(off, FLOW_KEYS, FLOW_KEYS + 8)) {
            return null;
        }
        if (in(off, HWTSTAMP, HWTSTAMP + 8)) {
            return write || size != 8 ? null : Field.SCALAR;
        }
        if (in(off, TSTAMP, TSTAMP + 8)) {
            return size != 8 ? null : Field.SCALAR;
        }
        if (off == SK) {
            return write || size != 8 ? null : new Field(RegType.SOCK_COMMON, true);
        }
        if (in(off, SK, SK + 8)) {
            return null;
        }
        if (in(off, TSTAMP_TYPE, HWTSTAMP)) {
            return null;
        }
        if (write) {
            return size == 4 ? Field.SCALAR : null;
        }
        return size <= 4 && (size & (size - 1)) == 0 ? Field.SCALAR : null;
    }
}
