package io.ebpfjvm.core.exec;

import io.ebpfjvm.core.context.ContextLayout;

import java.util.Locale;

/** What a program's r1 points at when it starts, and what its return value means. */
public enum ProgramType {
    /**
     * r1 points at a caller-supplied byte buffer (read-write), r2 holds its length; the
     * return value is whatever r0 holds. This is the bpf_conformance suite's convention.
     * The buffer is also the packet that {@code LD_ABS}/{@code LD_IND} read.
     */
    RAW_MEMORY(null),
    /** XDP: r1 points at a {@code struct xdp_md}; returns an XDP action (0 aborted, 1 drop, 2 pass, 3 tx, 4 redirect). */
    XDP(ContextLayout.XDP_MD),
    /** Socket filter: r1 points at a {@code struct __sk_buff}; returns how many bytes to keep (0 drops). */
    SOCKET_FILTER(ContextLayout.SK_BUFF),
    /** TC classifier/action: r1 points at a {@code struct __sk_buff}; returns a TC action (0 ok, 2 shot, ...). */
    SCHED_CLS(ContextLayout.SK_BUFF),
    /** cgroup/skb: r1 points at a {@code struct __sk_buff}; returns 1 to allow, 0 to deny. */
    CGROUP_SKB(ContextLayout.SK_BUFF);

    private final ContextLayout context;

    ProgramType(ContextLayout context) {
        this.context = context;
    }

    /** The context structure r1 points at, or null for raw memory. */
    public ContextLayout context() {
        return context;
    }

    /** The type libbpf infers from an ELF section name ({@code xdp}, {@code socket}, {@code tc}, ...), or null. */
    public static ProgramType fromSection(String section) {
        String s = section.toLowerCase(Locale.ROOT);
        if (s.equals("xdp") || s.startsWith("xdp/") || s.startsWith("xdp.")) {
            return XDP;
        }
        if (s.equals("socket") || s.startsWith("socket/") || s.startsWith("socket_filter")) {
            return SOCKET_FILTER;
        }
        if (s.equals("tc") || s.startsWith("tc/") || s.startsWith("tcx/") || s.startsWith("classifier") || s.startsWith("action")) {
            return SCHED_CLS;
        }
        if (s.startsWith("cgroup/skb") || s.startsWith("cgroup_skb")) {
            return CGROUP_SKB;
        }
        return null;
    }
}
