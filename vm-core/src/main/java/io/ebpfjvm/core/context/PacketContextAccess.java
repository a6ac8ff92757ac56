package io.ebpfjvm.core.context;

/**
 * Which loads and stores of {@code struct xdp_md} and {@code struct __sk_buff} a program of
 * each packet type may make, as the kernel's {@code xdp_is_valid_access},
 * {@code sk_filter_is_valid_access}, {@code tc_cls_act_is_valid_access},
 * {@code cg_skb_is_valid_access} and their common {@code bpf_skb_is_valid_access} decide
 * (for a privileged loader). Narrow loads of a 4-byte field read its low bytes; the packet
 * pointers, addresses and (for XDP) every field are 4-byte only; {@code tstamp} and
 * {@code hwtstamp} are 8-byte; {@code sk} reads as NULL (no socket behind the packet);
 * {@code flow_keys} is for flow dissectors only.
 */
public final class PacketContextAccess {
    private PacketContextAccess() {
    }

    /** The kind of packet program, for the per-type rules. */
    public enum Kind { XDP, SOCKET_FILTER, TC, CGROUP_SKB }

    private static final int SKB_SIZE = 192;
    private static final int TC_CLASSID = 72;
    private static final int DATA = 76;
    private static final int DATA_END = 80;
    private static final int FAMILY = 88;
    private static final int LOCAL_PORT_END = 140;
    private static final int DATA_META = 140;
    private static final int FLOW_KEYS = 144;
    private static final int TSTAMP = 152;
    private static final int WIRE_LEN = 160;
    private static final int SK = 168;
    private static final int TSTAMP_TYPE = 180;
    private static final int HWTSTAMP = 184;

    /** Null when the access is allowed, else why not. */
    public static String problem(Kind kind, int off, int size, boolean write) {
        return kind == Kind.XDP ? xdp(off, size, write) : skb(kind, off, size, write);
    }

    // Messages are built only on failure: the checks run on every context access of a run.
    private static String xdp(int off, int size, boolean write) {
        if (write) {
            return "xdp_md is read-only";
        }
        if (off == ContextLayout.XDP_EGRESS_IFINDEX) {
            return where("xdp_md", off, size, false) + ": egress_ifindex is only readable in devmap programs";
        }
        if (off < 0 || off >= 24 || off % size != 0 || size != 4) {
            return where("xdp_md", off, size, false) + ": xdp_md fields are read whole, 4 bytes";
        }
        return null;
    }

    private static String where(String struct, int off, int size, boolean write) {
        return size + "-byte " + (write ? "store to" : "load from") + " " + struct + " at offset " + off;
    }

    private static boolean in(int off, int start, int length) {
        return off >= start && off < start + length;
    }

    private static String skb(Kind kind, int off, int size, boolean write) {
        String typeProblem = switch (kind) {
            case SOCKET_FILTER -> in(off, TC_CLASSID, 12) || in(off, FAMILY, LOCAL_PORT_END - FAMILY) || in(off, DATA_META, 4)
                || in(off, TSTAMP, 8) || in(off, WIRE_LEN, 4) || in(off, HWTSTAMP, 8)
                ? "socket filters cannot access this field"
                : write && !in(off, ContextLayout.SKB_CB, 20) ? "socket filters may only write cb[]" : null;
            case TC -> in(off, FAMILY, LOCAL_PORT_END - FAMILY) ? "TC programs cannot access the socket fields"
                : write && !(off == ContextLayout.SKB_MARK || off == ContextLayout.SKB_TC_INDEX || off == ContextLayout.SKB_PRIORITY
                    || off == TC_CLASSID || in(off, ContextLayout.SKB_CB, 20) || in(off, TSTAMP, 8)
                    || off == ContextLayout.SKB_QUEUE_MAPPING) ? "TC programs may not write this field" : null;
            case CGROUP_SKB -> in(off, TC_CLASSID, 4) || in(off, DATA_META, 4) || in(off, WIRE_LEN, 4)
                ? "cgroup/skb programs cannot access this field"
                : write && !(off == ContextLayout.SKB_MARK || off == ContextLayout.SKB_PRIORITY || in(off, ContextLayout.SKB_CB, 20)
                    || in(off, TSTAMP, 8)) ? "cgroup/skb programs may not write this field" : null;
            default -> null;
        };
        if (typeProblem != null) {
            return where("__sk_buff", off, size, write) + ": " + typeProblem;
        }
        String common = skbCommon(kind, off, size, write);
        return common == null ? null : where("__sk_buff", off, size, write) + ": " + common;
    }

    /** bpf_skb_is_valid_access, and the fields the kernel knows how to rewrite. */
    private static String skbCommon(Kind kind, int off, int size, boolean write) {
        if (off < 0 || off >= SKB_SIZE || off % size != 0) {
            return "outside __sk_buff or misaligned";
        }
        if (in(off, ContextLayout.SKB_CB, 20)) {
            return off + size > ContextLayout.SKB_CB + 20 ? "runs past cb[4]" : null;
        }
        if (in(off, 92, 40) || in(off, DATA, 8) || in(off, DATA_META, 4)) {
            return size == 4 ? null : "this field is read whole, 4 bytes";
        }
        if (in(off, FLOW_KEYS, 8)) {
            return "flow_keys is for flow dissector programs";
        }
        if (in(off, HWTSTAMP, 8)) {
            return !write && size == 8 ? null : "hwtstamp is read-only, 8 bytes";
        }
        if (in(off, TSTAMP, 8)) {
            return size == 8 ? null : "tstamp is 8 bytes";
        }
        if (off == SK) {
            // there is no socket behind a packet here: the pointer reads as NULL
            return !write && size == 8 ? null : "sk is a read-only 8-byte pointer";
        }
        if (off == TSTAMP_TYPE) {
            if (kind == Kind.TC && size == 1) {
                return null;
            }
            return "tstamp_type is only readable, as a byte, by TC programs";
        }
        if (in(off, TSTAMP_TYPE + 1, 3)) {
            return "padding";
        }
        if (!knownWord(off & ~3)) {
            return "no field there";
        }
        if (write) {
            return size == 4 ? null : "fields are written whole, 4 bytes";
        }
        return size <= 4 ? null : "fields are at most 4 bytes";
    }

    /** The plain 4-byte fields (narrow loads allowed). */
    private static boolean knownWord(int off) {
        return off <= ContextLayout.SKB_TC_INDEX || off == ContextLayout.SKB_HASH || off == TC_CLASSID || off == 84
            || off == FAMILY || off == 132 || off == 136 || off == WIRE_LEN || off == 164 || off == 176;
    }
}
