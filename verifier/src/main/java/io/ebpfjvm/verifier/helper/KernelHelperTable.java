package io.ebpfjvm.verifier.helper;

import io.ebpfjvm.core.exec.ProgramType;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.ebpfjvm.verifier.helper.Arg.*;

/**
 * The kernel's helper prototypes by number, and which program types may call which helper
 * (the kernel's {@code *_func_proto} functions for a loader holding CAP_BPF and CAP_PERFMON).
 */
public final class KernelHelperTable {
    /** One past the largest helper number the kernel defines ({@code __BPF_FUNC_MAX_ID}). */
    public static final int MAX_ID = 212;

    private static final String[] NAMES = (
        "unspec map_lookup_elem map_update_elem map_delete_elem probe_read ktime_get_ns trace_printk get_prandom_u32 "
        + "get_smp_processor_id skb_store_bytes l3_csum_replace l4_csum_replace tail_call clone_redirect "
        + "get_current_pid_tgid get_current_uid_gid get_current_comm get_cgroup_classid skb_vlan_push skb_vlan_pop "
        + "skb_get_tunnel_key skb_set_tunnel_key perf_event_read redirect get_route_realm perf_event_output "
        + "skb_load_bytes get_stackid csum_diff skb_get_tunnel_opt skb_set_tunnel_opt skb_change_proto "
        + "skb_change_type skb_under_cgroup get_hash_recalc get_current_task probe_write_user "
        + "current_task_under_cgroup skb_change_tail skb_pull_data csum_update set_hash_invalid get_numa_node_id "
        + "skb_change_head xdp_adjust_head probe_read_str get_socket_cookie get_socket_uid set_hash setsockopt "
        + "skb_adjust_room redirect_map sk_redirect_map sock_map_update xdp_adjust_meta perf_event_read_value "
        + "perf_prog_read_value getsockopt override_return sock_ops_cb_flags_set msg_redirect_map msg_apply_bytes "
        + "msg_cork_bytes msg_pull_data bind xdp_adjust_tail skb_get_xfrm_state get_stack skb_load_bytes_relative "
        + "fib_lookup sock_hash_update msg_redirect_hash sk_redirect_hash lwt_push_encap lwt_seg6_store_bytes "
        + "lwt_seg6_adjust_srh lwt_seg6_action rc_repeat rc_keydown skb_cgroup_id get_current_cgroup_id "
        + "get_local_storage sk_select_reuseport skb_ancestor_cgroup_id sk_lookup_tcp sk_lookup_udp sk_release "
        + "map_push_elem map_pop_elem map_peek_elem msg_push_data msg_pop_data rc_pointer_rel spin_lock spin_unlock "
        + "sk_fullsock tcp_sock skb_ecn_set_ce get_listener_sock skc_lookup_tcp tcp_check_syncookie sysctl_get_name "
        + "sysctl_get_current_value sysctl_get_new_value sysctl_set_new_value strtol strtoul sk_storage_get "
        + "sk_storage_delete send_signal tcp_gen_syncookie skb_output probe_read_user probe_read_kernel "
        + "probe_read_user_str probe_read_kernel_str tcp_send_ack send_signal_thread jiffies64 read_branch_records "
        + "get_ns_current_pid_tgid xdp_output get_netns_cookie get_current_ancestor_cgroup_id sk_assign "
        + "ktime_get_boot_ns seq_printf seq_write sk_cgroup_id sk_ancestor_cgroup_id ringbuf_output ringbuf_reserve "
        + "ringbuf_submit ringbuf_discard ringbuf_query csum_level skc_to_tcp6_sock skc_to_tcp_sock "
        + "skc_to_tcp_timewait_sock skc_to_tcp_request_sock skc_to_udp6_sock get_task_stack load_hdr_opt "
        + "store_hdr_opt reserve_hdr_opt inode_storage_get inode_storage_delete d_path copy_from_user snprintf_btf "
        + "seq_printf_btf skb_cgroup_classid redirect_neigh per_cpu_ptr this_cpu_ptr redirect_peer task_storage_get "
        + "task_storage_delete get_current_task_btf bprm_opts_set ktime_get_coarse_ns ima_inode_hash sock_from_file "
        + "check_mtu for_each_map_elem snprintf sys_bpf btf_find_by_name_kind sys_close timer_init "
        + "timer_set_callback timer_start timer_cancel get_func_ip get_attach_cookie task_pt_regs "
        + "get_branch_snapshot trace_vprintk skc_to_unix_sock kallsyms_lookup_name find_vma loop strncmp "
        + "get_func_arg get_func_ret get_func_arg_cnt get_retval set_retval xdp_get_buff_len xdp_load_bytes "
        + "xdp_store_bytes copy_from_user_task skb_set_tstamp ima_file_hash kptr_xchg map_lookup_percpu_elem "
        + "skc_to_mptcp_sock dynptr_from_mem ringbuf_reserve_dynptr ringbuf_submit_dynptr ringbuf_discard_dynptr "
        + "dynptr_read dynptr_write dynptr_data tcp_raw_gen_syncookie_ipv4 tcp_raw_gen_syncookie_ipv6 "
        + "tcp_raw_check_syncookie_ipv4 tcp_raw_check_syncookie_ipv6 ktime_get_tai_ns user_ringbuf_drain "
        + "cgrp_storage_get cgrp_storage_delete").split(" ");

    private static final Map<Integer, HelperSpec> SPECS = new HashMap<>();

    static {
        def(1, Ret.PTR_TO_MAP_VALUE_OR_NULL, CONST_MAP_PTR, PTR_TO_MAP_KEY);
        def(2, Ret.INTEGER, CONST_MAP_PTR, PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, ANYTHING);
        def(3, Ret.INTEGER, CONST_MAP_PTR, PTR_TO_MAP_KEY);
        def(4, Ret.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING);
        def(5, Ret.INTEGER);
        def(6, Ret.INTEGER, PTR_TO_MEM_READONLY, CONST_SIZE);
        def(7, Ret.INTEGER);
        def(8, Ret.INTEGER);
        defPkt(9, PTR_TO_CTX, ANYTHING, PTR_TO_MEM_READONLY, CONST_SIZE, ANYTHING);
        defPkt(10, PTR_TO_CTX, ANYTHING, ANYTHING, ANYTHING, ANYTHING);
        defPkt(11, PTR_TO_CTX, ANYTHING, ANYTHING, ANYTHING, ANYTHING);
        def(12, Ret.VOID, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING);
        defPkt(13, PTR_TO_CTX, ANYTHING, ANYTHING);
        def(14, Ret.INTEGER);
        def(15, Ret.INTEGER);
        def(16, Ret.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE);
        def(17, Ret.INTEGER, PTR_TO_CTX);
        defPkt(18, PTR_TO_CTX, ANYTHING, ANYTHING);
        defPkt(19, PTR_TO_CTX);
        def(20, Ret.INTEGER, PTR_TO_CTX, PTR_TO_UNINIT_MEM, CONST_SIZE, ANYTHING);
        def(21, Ret.INTEGER, PTR_TO_CTX, PTR_TO_MEM_READONLY, CONST_SIZE, ANYTHING);
        def(22, Ret.INTEGER, CONST_MAP_PTR, ANYTHING);
        def(23, Ret.INTEGER, ANYTHING, ANYTHING);
        def(24, Ret.INTEGER, PTR_TO_CTX);
        def(25, Ret.INTEGER, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING, PTR_TO_MEM_READONLY, CONST_SIZE_OR_ZERO);
        def(26, Ret.INTEGER, PTR_TO_CTX, ANYTHING, PTR_TO_UNINIT_MEM, CONST_SIZE);
        def(27, Ret.INTEGER, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING);
        def(28, Ret.INTEGER, PTR_TO_MEM_OR_NULL_READONLY, CONST_SIZE_OR_ZERO, PTR_TO_MEM_OR_NULL_READONLY,
            CONST_SIZE_OR_ZERO, ANYTHING);
        def(29, Ret.INTEGER, PTR_TO_CTX, PTR_TO_UNINIT_MEM, CONST_SIZE);
        def(30, Ret.INTEGER, PTR_TO_CTX, PTR_TO_MEM_READONLY, CONST_SIZE);
        defPkt(31, PTR_TO_CTX, ANYTHING, ANYTHING);
        def(32, Ret.INTEGER, PTR_TO_CTX, ANYTHING);
        def(33, Ret.INTEGER, PTR_TO_CTX, CONST_MAP_PTR, ANYTHING);
        def(34, Ret.INTEGER, PTR_TO_CTX);
        def(35, Ret.INTEGER);
        defPkt(38, PTR_TO_CTX, ANYTHING, ANYTHING);
        defPkt(39, PTR_TO_CTX, ANYTHING);
        def(40, Ret.INTEGER, PTR_TO_CTX, ANYTHING);
        def(41, Ret.VOID, PTR_TO_CTX);
        def(42, Ret.INTEGER);
        defPkt(43, PTR_TO_CTX, ANYTHING, ANYTHING);
        defPkt(44, PTR_TO_CTX, ANYTHING);
        def(45, Ret.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING);
        def(46, Ret.INTEGER, PTR_TO_CTX);
        def(47, Ret.INTEGER, PTR_TO_CTX);
        def(48, Ret.INTEGER, PTR_TO_CTX, ANYTHING);
        defPkt(50, PTR_TO_CTX, ANYTHING, ANYTHING, ANYTHING);
        def(51, Ret.INTEGER, CONST_MAP_PTR, ANYTHING, ANYTHING);
        defPkt(54, PTR_TO_CTX, ANYTHING);
        defPkt(65, PTR_TO_CTX, ANYTHING);
        def(68, Ret.INTEGER, PTR_TO_CTX, ANYTHING, PTR_TO_UNINIT_MEM, CONST_SIZE, ANYTHING);
        def(69, Ret.INTEGER, PTR_TO_CTX, PTR_TO_MEM, CONST_SIZE, ANYTHING);
        def(79, Ret.INTEGER, PTR_TO_CTX);
        def(83, Ret.INTEGER, PTR_TO_CTX, ANYTHING);
        acquire(84, Ret.PTR_TO_SOCKET_OR_NULL, PTR_TO_CTX, PTR_TO_MEM_READONLY, CONST_SIZE, ANYTHING, ANYTHING);
        acquire(85, Ret.PTR_TO_SOCKET_OR_NULL, PTR_TO_CTX, PTR_TO_MEM_READONLY, CONST_SIZE, ANYTHING, ANYTHING);
        def(86, Ret.INTEGER, PTR_TO_SOCK_RELEASE);
        def(87, Ret.INTEGER, CONST_MAP_PTR, PTR_TO_MAP_VALUE, ANYTHING);
        def(88, Ret.INTEGER, CONST_MAP_PTR, PTR_TO_UNINIT_MAP_VALUE);
        def(89, Ret.INTEGER, CONST_MAP_PTR, PTR_TO_UNINIT_MAP_VALUE);
        def(95, Ret.PTR_TO_SOCKET_OR_NULL, PTR_TO_SOCK_COMMON);
        def(96, Ret.PTR_TO_TCP_SOCK_OR_NULL, PTR_TO_SOCK_COMMON);
        def(97, Ret.INTEGER, PTR_TO_CTX);
        def(98, Ret.PTR_TO_SOCKET_OR_NULL, PTR_TO_SOCK_COMMON);
        acquire(99, Ret.PTR_TO_SOCK_COMMON_OR_NULL, PTR_TO_CTX, PTR_TO_MEM_READONLY, CONST_SIZE, ANYTHING, ANYTHING);
        def(105, Ret.INTEGER, PTR_TO_MEM_READONLY, CONST_SIZE, ANYTHING, PTR_TO_LONG);
        def(106, Ret.INTEGER, PTR_TO_MEM_READONLY, CONST_SIZE, ANYTHING, PTR_TO_LONG);
        def(112, Ret.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING);
        def(113, Ret.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING);
        def(114, Ret.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING);
        def(115, Ret.INTEGER, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING);
        def(118, Ret.INTEGER);
        def(122, Ret.INTEGER, PTR_TO_CTX_OR_NULL);
        def(125, Ret.INTEGER);
        def(130, Ret.INTEGER, CONST_MAP_PTR, PTR_TO_MEM_READONLY, CONST_SIZE_OR_ZERO, ANYTHING);
        def(131, Ret.PTR_TO_RINGBUF_MEM_OR_NULL, CONST_MAP_PTR, CONST_ALLOC_SIZE_OR_ZERO, ANYTHING);
        def(132, Ret.VOID, PTR_TO_RINGBUF_MEM, ANYTHING);
        def(133, Ret.VOID, PTR_TO_RINGBUF_MEM, ANYTHING);
        def(134, Ret.INTEGER, CONST_MAP_PTR, ANYTHING);
        defPkt(135, PTR_TO_CTX, ANYTHING);
        def(160, Ret.INTEGER);
        def(181, Ret.INTEGER, ANYTHING, PTR_TO_FUNC, PTR_TO_STACK_OR_NULL, ANYTHING);
        def(188, Ret.INTEGER, PTR_TO_CTX);
        def(189, Ret.INTEGER, PTR_TO_CTX, ANYTHING, PTR_TO_UNINIT_MEM, CONST_SIZE);
        def(190, Ret.INTEGER, PTR_TO_CTX, ANYTHING, PTR_TO_MEM_READONLY, CONST_SIZE);
        def(208, Ret.INTEGER);
        // tracing: task, stack and perf helpers
        def(37, Ret.INTEGER, CONST_MAP_PTR, ANYTHING);
        def(55, Ret.INTEGER, CONST_MAP_PTR, ANYTHING, PTR_TO_UNINIT_MEM, CONST_SIZE);
        def(67, Ret.INTEGER, PTR_TO_CTX, PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING);
        def(80, Ret.INTEGER);
        def(109, Ret.INTEGER, ANYTHING);
        def(117, Ret.INTEGER, ANYTHING);
        def(123, Ret.INTEGER, ANYTHING);
        def(173, Ret.INTEGER, PTR_TO_CTX);
        def(174, Ret.INTEGER, PTR_TO_CTX);
        def(177, Ret.INTEGER, PTR_TO_MEM_READONLY, CONST_SIZE, PTR_TO_MEM_OR_NULL_READONLY, CONST_SIZE_OR_ZERO);
    }

    /** Helpers any program type may call ({@code bpf_base_func_proto} with CAP_BPF and CAP_PERFMON). */
    private static final Set<Integer> BASE = Set.of(1, 2, 3, 87, 88, 89, 7, 8, 42, 12, 5, 125, 160, 208, 130, 131,
        132, 133, 134, 181, 118, 6, 112, 113, 114, 115, 35, 105, 106);
    private static final Set<Integer> SOCKET = union(BASE, Set.of(26, 68, 46, 47, 25));
    private static final Set<Integer> TC = union(BASE, Set.of(9, 26, 68, 39, 28, 40, 135, 10, 11, 13, 17, 18, 19,
        31, 32, 50, 38, 43, 20, 21, 29, 30, 23, 24, 34, 41, 48, 25, 8, 33, 46, 47, 69, 95, 79, 83, 84, 85, 86, 96,
        98, 99, 100, 97, 110, 124));
    private static final Set<Integer> XDP = union(BASE, Set.of(25, 8, 28, 44, 54, 23, 51, 65, 188, 189, 190, 69,
        85, 84, 86, 99, 100, 110));
    /**
     * {@code bpf_tracing_func_proto}: what kprobes and tracepoints share (the legacy probe_read
     * pair exists on x86-64, whose user and kernel address spaces do not overlap).
     */
    private static final Set<Integer> TRACING = union(BASE, Set.of(4, 45, 14, 15, 16, 22, 37, 55, 80, 109, 117, 123));
    /** {@code kprobe_prog_func_proto}: perf output and stacks taken from pt_regs, the probed address, the cookie. */
    private static final Set<Integer> KPROBE = union(TRACING, Set.of(25, 27, 67, 173, 174));
    /** {@code tp_prog_func_proto}: perf output and stacks taken from the record, the cookie. */
    private static final Set<Integer> TRACEPOINT = union(TRACING, Set.of(25, 27, 67, 174));
    /** {@code sock_filter_func_proto} for cgroup/sock: the current task, socket and netns cookies, perf output. */
    private static final Set<Integer> CGROUP_SOCK = union(BASE, Set.of(14, 15, 16, 80, 123, 46, 122, 25));
    private static final Set<Integer> CGROUP_SKB = union(SOCKET, Set.of(81, 95, 79, 83, 128, 129, 84, 85, 86, 99,
        96, 98, 97));

    private KernelHelperTable() {
    }

    private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> s = new HashSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }

    private static void def(int id, Ret ret, Arg... args) {
        SPECS.put(id, new HelperSpec(id, NAMES[id], ret, List.of(args), false, false));
    }

    private static void defPkt(int id, Arg... args) {
        SPECS.put(id, new HelperSpec(id, NAMES[id], Ret.INTEGER, List.of(args), true, false));
    }

    private static void acquire(int id, Ret ret, Arg... args) {
        SPECS.put(id, new HelperSpec(id, NAMES[id], ret, List.of(args), false, true));
    }

    /** The kernel's name of helper {@code id} without {@code bpf_}, or "unknown". */
    public static String name(long id) {
        return id >= 0 && id < NAMES.length ? NAMES[(int) id] : "unknown";
    }

    /** The prototype of kernel helper {@code id}, or null when this table does not model it. */
    public static HelperSpec spec(int id) {
        return SPECS.get(id);
    }

    /** Whether a program of {@code type} may call kernel helper {@code id}. */
    public static boolean allowed(ProgramType type, int id) {
        Set<Integer> set = switch (type.name()) {
            case "SOCKET_FILTER" -> SOCKET;
            case "SCHED_CLS" -> TC;
            case "XDP" -> XDP;
            case "CGROUP_SKB" -> CGROUP_SKB;
            case "KPROBE" -> KPROBE;
            case "TRACEPOINT" -> TRACEPOINT;
            case "CGROUP_SOCK", "CGROUP_SOCK_POST_BIND4", "CGROUP_SOCK_POST_BIND6" -> CGROUP_SOCK;
            default -> BASE;
        };
        return set.contains(id);
    }
}
