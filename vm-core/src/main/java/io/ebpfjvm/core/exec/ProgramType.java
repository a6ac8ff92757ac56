package io.ebpfjvm.core.exec;

import io.ebpfjvm.core.context.ContextLayout;
import io.ebpfjvm.core.context.PacketContextAccess;

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
    CGROUP_SKB(ContextLayout.SK_BUFF),
    /**
     * kprobe/kretprobe/uprobe: r1 points at the caller's x86-64 {@code struct pt_regs}
     * (read-only); the return value is whatever r0 holds (the kernel records the event for 1).
     */
    KPROBE(ContextLayout.PT_REGS),
    /**
     * Tracepoint: r1 points at the caller's raw record (read-only, common fields unreadable);
     * the return value is whatever r0 holds.
     */
    TRACEPOINT(ContextLayout.TRACEPOINT_RECORD),
    /**
     * cgroup/sock_create and cgroup/sock_release: r1 points at the caller's {@code struct bpf_sock};
     * bound_dev_if, mark and priority may be written. Returns 1 to allow, 0 to reject (EPERM).
     */
    CGROUP_SOCK(ContextLayout.BPF_SOCK),
    /** cgroup/post_bind4: {@code struct bpf_sock} read-only with src_ip4 and src_port; returns 1 or 0. */
    CGROUP_SOCK_POST_BIND4(ContextLayout.BPF_SOCK_POST_BIND4),
    /** cgroup/post_bind6: {@code struct bpf_sock} read-only with src_ip6 and src_port; returns 1 or 0. */
    CGROUP_SOCK_POST_BIND6(ContextLayout.BPF_SOCK_POST_BIND6);

    private final ContextLayout context;

    ProgramType(ContextLayout context) {
        this.context = context;
    }

    /** The context structure r1 points at, or null for raw memory. */
    public ContextLayout context() {
        return context;
    }

    /**
     * Null when a program of this type may load ({@code write} false) or store {@code size}
     * bytes at {@code offset} of its context, else why not: the kernel's per-type
     * {@code is_valid_access} rules. Always null for raw memory.
     */
    public String contextProblem(int offset, int size, boolean write) {
        return switch (this) {
            case RAW_MEMORY -> null;
            case XDP -> PacketContextAccess.problem(PacketContextAccess.Kind.XDP, offset, size, write);
            case SOCKET_FILTER -> PacketContextAccess.problem(PacketContextAccess.Kind.SOCKET_FILTER, offset, size, write);
            case SCHED_CLS -> PacketContextAccess.problem(PacketContextAccess.Kind.TC, offset, size, write);
            case CGROUP_SKB -> PacketContextAccess.problem(PacketContextAccess.Kind.CGROUP_SKB, offset, size, write);
            default -> write ? context.storeProblem(offset, size) : context.loadProblem(offset, size);
        };
    }

    /** True when the memory a run is given is the context itself (no packet): kprobe, tracepoint, cgroup/sock. */
    public boolean contextOnly() {
        return context != null && !context.hasPacket();
    }

    /**
     * The range of return values the kernel's verifier accepts for this type (inclusive, as
     * unsigned 32-bit values), or null when any value is allowed.
     */
    public long[] returnRange() {
        return switch (this) {
            case CGROUP_SKB, CGROUP_SOCK, CGROUP_SOCK_POST_BIND4, CGROUP_SOCK_POST_BIND6 -> new long[] {0, 1};
            default -> null;
        };
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
        // libbpf: kprobe+, kretprobe+, uprobe+, uretprobe+, ksyscall+, kretsyscall+ and their .multi/.s forms
        for (String p : new String[] {"kprobe", "kretprobe", "uprobe", "uretprobe", "ksyscall", "kretsyscall"}) {
            if (s.equals(p) || s.startsWith(p + "/") || s.startsWith(p + ".")) {
                return KPROBE;
            }
        }
        if (s.startsWith("tracepoint/") || s.startsWith("tp/") || s.equals("tracepoint") || s.equals("tp")) {
            return TRACEPOINT;
        }
        if (s.equals("cgroup/sock") || s.equals("cgroup/sock_create") || s.equals("cgroup/sock_release")) {
            return CGROUP_SOCK;
        }
        if (s.equals("cgroup/post_bind4")) {
            return CGROUP_SOCK_POST_BIND4;
        }
        if (s.equals("cgroup/post_bind6")) {
            return CGROUP_SOCK_POST_BIND6;
        }
        return null;
    }
}
