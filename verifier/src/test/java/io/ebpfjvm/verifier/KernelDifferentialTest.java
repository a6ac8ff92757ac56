package io.ebpfjvm.verifier;

import io.ebpfjvm.core.error.VerificationException;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.loader.ProgramSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Small C programs compiled with clang-19 and loaded into the running kernel with bpftool: our
 * verdict must equal the kernel's, and on a rejection our message must equal the last line of
 * the kernel's log. Skips where clang, bpftool, root or bpffs are missing.
 */
class KernelDifferentialTest {
    private static final String HEADER = """
        #include <linux/bpf.h>
        #include <bpf/bpf_helpers.h>
        char LICENSE[] SEC("license") = "GPL";
        struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64[8]); } arr SEC(".maps");
        struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 16); __type(key, __u32); __type(value, __u64); } hash SEC(".maps");
        struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } rb SEC(".maps");
        """;

    /** One program; {@code sameMessage} false where only the verdict is expected to match. */
    record Case(String name, String source, boolean sameMessage) {
        Case(String name, String source) {
            this(name, source, true);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("xdp_checked_read", """
            SEC("xdp") int prog(struct xdp_md *ctx) {
                unsigned char *d = (void *)(long)ctx->data, *e = (void *)(long)ctx->data_end;
                if (d + 14 > e) return XDP_PASS;
                return d[12] == 8 ? XDP_DROP : XDP_PASS;
            }"""));
        c.add(new Case("xdp_read_past_check", """
            SEC("xdp") int prog(struct xdp_md *ctx) {
                unsigned char *d = (void *)(long)ctx->data, *e = (void *)(long)ctx->data_end;
                if (d + 14 > e) return XDP_PASS;
                return d[20];
            }"""));
        c.add(new Case("lookup_without_null_check", """
            SEC("socket") int prog(struct __sk_buff *skb) {
                __u32 k = 1;
                __u64 *v = bpf_map_lookup_elem(&hash, &k);
                asm volatile("" : "+r"(v));
                return *(volatile __u64 *)v;
            }"""));
        c.add(new Case("lookup_with_null_check", """
            SEC("socket") int prog(struct __sk_buff *skb) {
                __u32 k = skb->len;
                __u64 *v = bpf_map_lookup_elem(&arr, &k);
                if (!v) return 0;
                return v[7];
            }"""));
        c.add(new Case("masked_index_into_value", """
            SEC("tc") int prog(struct __sk_buff *skb) {
                __u32 k = 0;
                __u64 *v = bpf_map_lookup_elem(&arr, &k);
                if (!v) return 0;
                return v[skb->mark & 7];
            }"""));
        c.add(new Case("unmasked_index_into_value", """
            SEC("tc") int prog(struct __sk_buff *skb) {
                __u32 k = 0;
                __u64 *v = bpf_map_lookup_elem(&arr, &k);
                if (!v) return 0;
                return v[skb->mark & 15];
            }"""));
        c.add(new Case("bounded_loop", """
            SEC("tc") int prog(struct __sk_buff *skb) {
                unsigned char buf[16];
                if (bpf_skb_load_bytes(skb, 0, buf, sizeof(buf))) return 0;
                int sum = 0;
                for (int i = 0; i < 16; i++) sum += buf[i];
                return sum & 1;
            }"""));
        c.add(new Case("cgroup_skb_bad_return", """
            SEC("cgroup_skb/ingress") int prog(struct __sk_buff *skb) {
                return skb->len > 100 ? 2 : 1;
            }"""));
        c.add(new Case("cgroup_skb_good_return", """
            SEC("cgroup_skb/ingress") int prog(struct __sk_buff *skb) {
                return skb->len > 100;
            }"""));
        c.add(new Case("uninitialised_r0", """
            SEC("socket") __attribute__((naked)) int prog(void) {
                asm volatile("exit");
            }"""));
        c.add(new Case("scalar_dereference", """
            SEC("socket") __attribute__((naked)) int prog(void) {
                asm volatile("r1 = 42; r0 = *(u32 *)(r1 + 0); exit");
            }"""));
        c.add(new Case("ringbuf_submitted", """
            SEC("xdp") int prog(struct xdp_md *ctx) {
                __u64 *r = bpf_ringbuf_reserve(&rb, 8, 0);
                if (!r) return XDP_PASS;
                *r = ctx->ingress_ifindex;
                bpf_ringbuf_submit(r, 0);
                return XDP_PASS;
            }"""));
        c.add(new Case("ringbuf_leaked", """
            SEC("xdp") int prog(struct xdp_md *ctx) {
                __u64 *r = bpf_ringbuf_reserve(&rb, 8, 0);
                if (!r) return XDP_PASS;
                *r = 1;
                return XDP_PASS;
            }"""));
        c.add(new Case("write_beyond_ringbuf_record", """
            SEC("xdp") int prog(struct xdp_md *ctx) {
                __u32 *r = bpf_ringbuf_reserve(&rb, 8, 0);
                if (!r) return XDP_PASS;
                r[ctx->rx_queue_index & 3] = 1;
                bpf_ringbuf_submit(r, 0);
                return XDP_PASS;
            }"""));
        c.add(new Case("stack_out_of_bounds", """
            SEC("socket") __attribute__((naked)) int prog(void) {
                asm volatile("r0 = 0; *(u64 *)(r10 + 8) = r0; exit");
            }"""));
        c.add(new Case("socket_reads_packet_pointer", """
            SEC("socket") int prog(struct __sk_buff *skb) {
                return skb->data != 0;
            }"""));
        c.add(new Case("tc_writes_mark", """
            SEC("tc") int prog(struct __sk_buff *skb) {
                skb->mark = 7;
                skb->priority = skb->len;
                return 0;
            }"""));
        c.add(new Case("subprog_reads_caller_stack", """
            static __attribute__((noinline)) int sum(__u64 *p) { return p[0] + p[1]; }
            SEC("socket") int prog(struct __sk_buff *skb) {
                __u64 a[2] = {skb->len, skb->mark};
                return sum(a);
            }"""));
        c.add(new Case("subprog_reads_past_caller_stack", """
            static __attribute__((noinline)) int sum(__u64 *p) { return p[0] + p[*(volatile __u64 *)p & 63]; }
            SEC("socket") int prog(struct __sk_buff *skb) {
                __u64 a[2] = {skb->len, skb->mark};
                return sum(a);
            }"""));
        c.add(new Case("global_function_unbounded_index", """
            __attribute__((noinline)) int pick(int i) {
                __u32 k = 0;
                __u64 *v = bpf_map_lookup_elem(&arr, &k);
                return v ? v[i] : 0;
            }
            SEC("socket") int prog(struct __sk_buff *skb) { return pick(1); }"""));
        c.add(new Case("global_function_masked_index", """
            __attribute__((noinline)) int pick(int i) {
                __u32 k = 0;
                __u64 *v = bpf_map_lookup_elem(&arr, &k);
                return v ? v[i & 7] : 0;
            }
            SEC("socket") int prog(struct __sk_buff *skb) { return pick(skb->len); }"""));
        c.add(new Case("global_function_pointer_without_null_check", """
            __attribute__((noinline)) int first(__u64 *p) { return *p; }
            SEC("socket") int prog(struct __sk_buff *skb) { __u64 a = skb->len; return first(&a); }""",
            false)); // the kernel types the argument from BTF as mem_or_null; we keep the caller's fp_or_null
        c.add(new Case("xdp_writes_context", """
            SEC("xdp") __attribute__((naked)) int prog(void) {
                asm volatile("r0 = 0; *(u32 *)(r1 + 12) = r0; exit");
            }"""));

        // Inline-assembly cases: the register-level rules, written the way the kernel's selftests are.
        asm(c, "pkt_end_minus_pkt", "tc", "r0 = *(u32 *)(r1 + 80); r2 = *(u32 *)(r1 + 76); r0 -= r2; exit");
        asm(c, "pkt_end_ge_good", "tc", "r2 = *(u32 *)(r1 + 76); r3 = *(u32 *)(r1 + 80); r0 = r2; r0 += 8;"
            + "if r3 >= r0 goto 1f; r0 = 1; exit; 1: r0 = *(u8 *)(r2 + 0); r0 = 0; exit");
        asm(c, "pkt_end_ge_bad", "tc", "r2 = *(u32 *)(r1 + 76); r3 = *(u32 *)(r1 + 80); r0 = r2; r0 += 8;"
            + "if r3 >= r0 goto 1f; r0 = *(u8 *)(r2 + 0); r0 = 1; exit; 1: r0 = 0; exit");
        asm(c, "pkt_double_test", "tc", "r2 = *(u32 *)(r1 + 76); r3 = *(u32 *)(r1 + 80); r0 = r2; r0 += 8;"
            + "if r3 >= r0 goto 1f; if r0 > r3 goto 2f; r0 = *(u8 *)(r2 + 0); 2: r0 = 1; exit;"
            + "1: r0 = *(u8 *)(r2 + 0); r0 = 0; exit");
        asm(c, "pkt_spill_with_xadd", "tc", "r2 = *(u32 *)(r1 + 76); r3 = *(u32 *)(r1 + 80); r0 = r2; r0 += 8;"
            + "if r0 > r3 goto 1f; r5 = 4096; r4 = r10; r4 += -8; *(u64 *)(r4 + 0) = r2;"
            + "lock *(u64 *)(r4 + 0) += r5; r2 = *(u64 *)(r4 + 0); *(u32 *)(r2 + 0) = r5; r0 = 0; 1: exit");
        asm(c, "pkt_end_arith", "tc", "r2 = *(u32 *)(r1 + 76); r3 = *(u32 *)(r1 + 80); r0 = r2; r0 += 8;"
            + "r3 += 16; if r0 > r3 goto 1f; *(u8 *)(r2 + 0) = r2; 1: r0 = 0; exit");
        asm(c, "imm_plus_pkt_ptr", "tc", "r2 = *(u32 *)(r1 + 76); r3 = *(u32 *)(r1 + 80); r0 = 8; r0 += r2;"
            + "if r0 > r3 goto 1f; *(u8 *)(r2 + 0) = r2; 1: r0 = 0; exit");
        asm(c, "var_plus_pkt_ptr_in_range", "tc", "r2 = *(u32 *)(r1 + 76); r3 = *(u32 *)(r1 + 80); r0 = 0xffffffff;"
            + "*(u64 *)(r10 - 8) = r0; r0 = *(u64 *)(r10 - 8); r0 &= 0x7fff; r4 = r0; r4 += r2; r5 = r4;"
            + "r4 += 0x7ffe; if r4 > r3 goto 1f; *(u64 *)(r5 + 0) = r4; 1: r0 = 0; exit");
        asm(c, "var_plus_pkt_ptr_out_of_range", "tc", "r2 = *(u32 *)(r1 + 76); r3 = *(u32 *)(r1 + 80);"
            + "r0 = *(u32 *)(r1 + 8); *(u64 *)(r10 - 8) = r0; r0 = *(u64 *)(r10 - 8); r0 &= 0xffff; r4 = r0;"
            + "r0 = 31; r0 += r4; r0 += r2; r5 = r0; r0 += 0xfffe; if r0 > r3 goto 1f; *(u64 *)(r5 + 0) = r0;"
            + "1: r0 = 0; exit");
        asm(c, "pkt_meta_before_data", "xdp", "r2 = *(u32 *)(r1 + 8); r3 = *(u32 *)(r1 + 0); r0 = r2; r0 += 8;"
            + "if r0 > r3 goto 1f; r0 = *(u8 *)(r2 + 0); 1: r0 = 0; exit");
        asm(c, "pkt_meta_unchecked", "xdp", "r2 = *(u32 *)(r1 + 8); r0 = *(u8 *)(r2 + 0); r0 = 0; exit");
        asm(c, "cgroup_skb_packet_write", "cgroup_skb/ingress", "r2 = *(u32 *)(r1 + 76); r3 = *(u32 *)(r1 + 80);"
            + "r0 = r2; r0 += 8; if r0 > r3 goto 1f; *(u8 *)(r2 + 0) = r2; 1: r0 = 1; exit");
        asm(c, "stack_var_offset_read", "socket", "r2 = *(u32 *)(r1 + 0); r2 &= 8; r0 = 0; *(u64 *)(r10 - 16) = r0;"
            + "*(u64 *)(r10 - 8) = r0; r3 = r10; r3 += -16; r3 += r2; r0 = *(u64 *)(r3 + 0); exit");
        asm(c, "stack_var_offset_past_end", "socket", "r2 = *(u32 *)(r1 + 0); r2 &= 16; r3 = r10; r3 += -16;"
            + "r3 += r2; r0 = 0; *(u64 *)(r3 + 0) = r0; exit");
        asm(c, "stack_unaligned_spill", "socket", "r0 = 0; *(u64 *)(r10 - 12) = r0; exit");
        asm(c, "stack_pointer_partial_fill", "socket", "*(u64 *)(r10 - 8) = r1; r0 = *(u32 *)(r10 - 8); exit");
        asm(c, "stack_pointer_spill_fill", "socket", "*(u64 *)(r10 - 8) = r1; r1 = 0; r1 = *(u64 *)(r10 - 8);"
            + "r0 = *(u32 *)(r1 + 0); exit");
        asm(c, "uninit_stack_read", "socket", "r0 = *(u64 *)(r10 - 8); exit");
        asm(c, "ptr_bitwise_and", "socket", "r0 = r10; r0 &= -8; r0 = 0; exit");
        asm(c, "ptr_minus_ptr", "tc", "r2 = *(u32 *)(r1 + 76); r0 = r10; r0 -= r2; exit");
        asm(c, "ctx_modified_load", "socket", "r1 += 4; r0 = *(u32 *)(r1 + 0); exit");
        asm(c, "ctx_narrow_load", "socket", "r0 = *(u8 *)(r1 + 1); r0 = *(u16 *)(r1 + 2); exit");
        asm(c, "ctx_wide_load", "socket", "r0 = *(u64 *)(r1 + 0); exit");
        asm(c, "ctx_cb_write", "socket", "r2 = 1; *(u32 *)(r1 + 48) = r2; *(u32 *)(r1 + 64) = r2; r0 = 0; exit");
        asm(c, "ctx_mark_write_socket", "socket", "r2 = 1; *(u32 *)(r1 + 8) = r2; r0 = 0; exit");
        asm(c, "ctx_sk_null_check", "tc", "r1 = *(u64 *)(r1 + 168); if r1 == 0 goto 1f; r0 = *(u32 *)(r1 + 4);"
            + "exit; 1: r0 = 0; exit");
        asm(c, "ctx_sk_no_null_check", "tc", "r1 = *(u64 *)(r1 + 168); r0 = *(u32 *)(r1 + 4); exit");
        asm(c, "div_by_zero_imm", "socket", "r0 = 1; r0 /= 0; exit");
        asm(c, "div_by_reg_zero", "socket", "r0 = 1; r1 = 0; r0 /= r1; exit");
        asm(c, "shift_too_far", "socket", "r0 = 1; r0 <<= 64; exit");
        asm(c, "mov32_of_pointer", "socket", "w0 = w10; exit");
        asm(c, "neg_of_pointer", "socket", "r0 = r10; r0 = -r0; exit");
        asm(c, "add32_on_pointer", "socket", "r0 = r10; w0 += 1; r0 = 0; exit");
        asm(c, "return_pointer_xdp", "xdp", "r0 = r10; exit");
        asm(c, "return_pointer_cgroup", "cgroup_skb/ingress", "r0 = r10; exit");
        asm(c, "cgroup_unknown_return", "cgroup_skb/ingress", "r0 = *(u32 *)(r1 + 0); exit");
        asm(c, "cgroup_masked_return", "cgroup_skb/ingress", "r0 = *(u32 *)(r1 + 0); r0 &= 1; exit");
        asm(c, "jmp32_bounds", "socket", "r0 = *(u32 *)(r1 + 0); if w0 > 7 goto 1f; r1 = r10; r1 += -8;"
            + "r1 += r0; r2 = 0; *(u8 *)(r1 + 0) = r2; 1: r0 = 0; exit");
        asm(c, "signed_bounds_missing", "socket", "r0 = *(u32 *)(r1 + 0); r0 <<= 32; r0 s>>= 32; if r0 s> 7 goto 1f;"
            + "r1 = r10; r1 += -8; r1 += r0; r2 = 0; *(u8 *)(r1 + 0) = r2; 1: r0 = 0; exit");
        asm(c, "signed_bounds_both", "socket", "r0 = *(u32 *)(r1 + 0); r0 <<= 32; r0 s>>= 32; if r0 s> 7 goto 1f;"
            + "if r0 s< 0 goto 1f; r1 = r10; r1 += -8; r1 += r0; r2 = 0; *(u8 *)(r1 + 0) = r2; 1: r0 = 0; exit");
        asm(c, "loop_down_counter", "socket", "r0 = 20; 1: r0 -= 1; if r0 s> 0 goto 1b; exit");
        tracingAndSockCases(c);
        linkedScalarCases(c);
        redirectMapCases(c);
        return c.stream();
    }

    /** kprobe (pt_regs), tracepoint (raw record) and cgroup/sock (bpf_sock): context, helpers, return values. */
    private static void tracingAndSockCases(List<Case> c) {
        asm(c, "kprobe_reads_regs", "kprobe/do_sys_openat2", "r0 = *(u64 *)(r1 + 112); r0 = *(u8 *)(r1 + 161);"
            + "r0 = *(u16 *)(r1 + 80); exit");
        asm(c, "kprobe_writes_regs", "kprobe/do_sys_openat2", "r2 = 0; *(u64 *)(r1 + 0) = r2; r0 = 0; exit");
        asm(c, "kprobe_reads_past_regs", "kprobe/do_sys_openat2", "r0 = *(u64 *)(r1 + 168); exit");
        asm(c, "kprobe_unaligned_read", "kprobe/do_sys_openat2", "r0 = *(u32 *)(r1 + 2); exit");
        asm(c, "kprobe_xdp_helper", "kprobe/do_sys_openat2", "r2 = 0; call 44; r0 = 0; exit");
        asm(c, "kprobe_probe_read_kernel", "kprobe/do_sys_openat2", "r3 = *(u64 *)(r1 + 112); r1 = r10; r1 += -8;"
            + "r2 = 8; call 113; r0 = *(u64 *)(r10 - 8); exit");
        asm(c, "kprobe_get_stack", "kprobe/do_sys_openat2", "r2 = r10; r2 += -64; r3 = 64; r4 = 0; call 67; exit");
        asm(c, "kretprobe_returns_anything", "kretprobe/do_sys_openat2", "r0 = *(u64 *)(r1 + 80); r0 += 1000; exit");
        asm(c, "tp_reads_fields", "tracepoint/sched/sched_switch", "r0 = *(u32 *)(r1 + 8); r0 = *(u64 *)(r1 + 24); exit");
        asm(c, "tp_reads_common_fields", "tracepoint/sched/sched_switch", "r0 = *(u32 *)(r1 + 4); exit");
        asm(c, "tp_reads_last_slot", "tp/sched/sched_switch", "r0 = *(u64 *)(r1 + 8184); exit");
        asm(c, "tp_reads_past_max_size", "tp/sched/sched_switch", "r0 = *(u64 *)(r1 + 8192); exit");
        asm(c, "tp_writes_record", "tp/sched/sched_switch", "r2 = 0; *(u32 *)(r1 + 8) = r2; r0 = 0; exit");
        asm(c, "tp_current_comm", "tp/sched/sched_switch", "r1 = r10; r1 += -16; r2 = 16; call 16; r0 = 0; exit");
        asm(c, "sock_create_writes_mark", "cgroup/sock_create", "r2 = 7; *(u32 *)(r1 + 16) = r2;"
            + "*(u32 *)(r1 + 20) = r2; *(u32 *)(r1 + 0) = r2; r0 = 1; exit");
        asm(c, "sock_create_writes_family", "cgroup/sock_create", "r2 = 7; *(u32 *)(r1 + 4) = r2; r0 = 1; exit");
        asm(c, "sock_create_reads_src_ip4", "cgroup/sock_create", "r0 = *(u32 *)(r1 + 24); r0 = 1; exit");
        asm(c, "sock_create_narrow_reads", "cgroup/sock_create", "r0 = *(u8 *)(r1 + 4); r0 = *(u16 *)(r1 + 48);"
            + "r0 = *(u8 *)(r1 + 53); r0 = 1; exit");
        asm(c, "sock_create_narrow_inside_field", "cgroup/sock_create", "r0 = *(u8 *)(r1 + 5); r0 = 1; exit");
        asm(c, "sock_create_narrow_mark", "cgroup/sock_create", "r0 = *(u16 *)(r1 + 16); r0 = 1; exit");
        asm(c, "sock_create_returns_2", "cgroup/sock_create", "r0 = 2; exit");
        asm(c, "sock_create_task_helpers", "cgroup/sock_create", "call 14; call 15; r0 = 1; exit");
        asm(c, "post_bind4_reads_source", "cgroup/post_bind4", "r0 = *(u32 *)(r1 + 24); r0 = *(u32 *)(r1 + 44);"
            + "r0 &= 1; exit");
        asm(c, "post_bind4_writes_mark", "cgroup/post_bind4", "r2 = 7; *(u32 *)(r1 + 16) = r2; r0 = 1; exit");
        asm(c, "post_bind4_reads_src_ip6", "cgroup/post_bind4", "r0 = *(u32 *)(r1 + 28); r0 = 1; exit");
    }

    /** Scalars linked by a constant difference: a bound on one copy holds, shifted, for the others. */
    private static void linkedScalarCases(List<Case> c) {
        asm(c, "linked_alu32_negative_delta", "socket", "r0 = *(u32 *)(r1 + 0); w2 = w0; w2 += -33; w8 = 32;"
            + "if w2 < -32 goto 1f; w8 = w0; 1: r1 = r10; r1 += -33; r1 += r8; r2 = 0; *(u8 *)(r1 + 0) = r2; r0 = 0; exit");
        asm(c, "linked_alu64_delta", "socket", "r0 = *(u32 *)(r1 + 0); r2 = r0; r2 += -8; if r2 > 7 goto 1f;"
            + "r1 = r10; r1 += -16; r1 += r0; r3 = 0; *(u8 *)(r1 + 0) = r3; 1: r0 = 0; exit");
        asm(c, "linked_delta_reaches_fp0", "socket", "r0 = *(u32 *)(r1 + 0); r2 = r0; r2 += -9; if r2 > 7 goto 1f;"
            + "r1 = r10; r1 += -16; r1 += r0; r3 = 0; *(u8 *)(r1 + 0) = r3; 1: r0 = 0; exit");
        asm(c, "linked_twice_added_breaks_link", "socket", "r0 = *(u32 *)(r1 + 0); r2 = r0; r2 += -4; r2 += -4;"
            + "if r2 > 7 goto 1f; r1 = r10; r1 += -16; r1 += r0; r3 = 0; *(u8 *)(r1 + 0) = r3; 1: r0 = 0; exit");
        asm(c, "linked_sub_delta", "socket", "r0 = *(u32 *)(r1 + 0); r2 = r0; r2 -= 8; if r2 > 7 goto 1f;"
            + "r1 = r10; r1 += -16; r1 += r0; r3 = 0; *(u8 *)(r1 + 0) = r3; 1: r0 = 0; exit");
    }

    /** check_map_func_compatibility for the XDP redirect maps, both directions. */
    private static void redirectMapCases(List<Case> c) {
        String maps = """
            struct { __uint(type, BPF_MAP_TYPE_DEVMAP_HASH); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } devs SEC(".maps");
            struct { __uint(type, BPF_MAP_TYPE_CPUMAP); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } cpus SEC(".maps");
            struct { __uint(type, BPF_MAP_TYPE_SOCKMAP); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } socks SEC(".maps");
            """;
        c.add(new Case("redirect_devmap_hash", maps + """
            SEC("xdp") int prog(struct xdp_md *ctx) {
                __u32 k = ctx->ingress_ifindex;
                if (bpf_map_lookup_elem(&devs, &k)) return bpf_redirect_map(&devs, k, 0);
                return bpf_redirect_map(&cpus, 0, XDP_PASS);
            }"""));
        c.add(new Case("redirect_sockmap", maps + """
            SEC("xdp") int prog(struct xdp_md *ctx) { return bpf_redirect_map(&socks, 0, 0); }"""));
        c.add(new Case("lookup_cpumap", maps + """
            SEC("xdp") int prog(struct xdp_md *ctx) {
                __u32 k = 0;
                return bpf_map_lookup_elem(&cpus, &k) ? XDP_DROP : XDP_PASS;
            }"""));
    }

    private static void asm(List<Case> cases, String name, String section, String body) {
        String text = body.replace(";", "\\n");
        cases.add(new Case(name, "SEC(\"" + section + "\") __attribute__((naked)) int prog(void) {\n"
            + "    asm volatile(\"" + text + "\" ::: \"memory\");\n}\n"));
    }

    @TempDir
    static Path tmp;

    @BeforeAll
    static void tools() {
        assumeTrue(onPath("clang-19") && onPath("bpftool"), "clang-19 and bpftool needed");
        assumeTrue("root".equals(System.getProperty("user.name")), "loading programs needs root");
        assumeTrue(Files.isDirectory(Path.of("/sys/fs/bpf")), "bpffs not mounted");
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return p.exitValue() + "\n" + text;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameVerdictAndMessageAsTheKernel(Case c) throws Exception {
        Path src = tmp.resolve(c.name() + ".c");
        Path obj = tmp.resolve(c.name() + ".o");
        Files.writeString(src, HEADER + c.source());
        String arch = System.getProperty("os.arch").equals("aarch64") ? "aarch64" : "x86_64";
        String cc = run(List.of("clang-19", "-O2", "-g", "-target", "bpf", "-mcpu=v3",
            "-I/usr/include/" + arch + "-linux-gnu", "-c", src.toString(), "-o", obj.toString()));
        assertEquals("0", cc.lines().findFirst().orElse(""), cc);

        String pin = "/sys/fs/bpf/ebpfjvm_vdiff_" + c.name() + "_" + ProcessHandle.current().pid();
        String load = run(List.of("bpftool", "-d", "prog", "load", obj.toString(), pin));
        Files.deleteIfExists(Path.of(pin));
        boolean kernelAccepts = load.startsWith("0\n");
        String kernelLast = lastLogLine(load);

        BpfObject object = ObjectLoader.load(Files.readAllBytes(obj), c.name());
        ProgramSpec spec = object.program("prog").orElseThrow();
        boolean weAccept;
        String ours = "";
        try {
            Verifier.verify(spec, null, null, VerifierOptions.defaults().withObject(object)
                .withGlobalFunctions(GlobalFunctions.of(Files.readAllBytes(obj))));
            weAccept = true;
        } catch (VerificationException e) {
            weAccept = false;
            String log = e.log().strip();
            ours = log.substring(log.lastIndexOf('\n') + 1);
        }
        assertEquals(kernelAccepts, weAccept, "verdict differs; kernel log ends with: " + kernelLast + "; ours: " + ours);
        if (!kernelAccepts && c.sameMessage()) {
            assertEquals(kernelLast, ours, "kernel's last log line");
        }
    }

    /** The last verifier line libbpf prints between BEGIN and END PROG LOAD LOG. */
    static String lastLogLine(String output) {
        List<String> log = new ArrayList<>();
        boolean in = false;
        for (String line : output.lines().toList()) {
            if (line.contains("-- BEGIN PROG LOAD LOG --")) {
                in = true;
                log.clear();
            } else if (line.contains("-- END PROG LOAD LOG --")) {
                in = false;
            } else if (in) {
                log.add(line);
            }
        }
        for (int i = log.size() - 1; i >= 0; i--) {
            String l = log.get(i).strip();
            if (!l.isEmpty() && !l.startsWith("processed ") && !l.startsWith("verification time") && !l.startsWith("stack depth")) {
                return l;
            }
        }
        return "";
    }
}
