// A tail-call chain: the entry program dispatches on the EtherType through a program
// array; each stage sums payload bytes with bpf_loop and decides from the sum.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u32);
} stages SEC(".maps");

__u64 visits[4];

struct sum_ctx { struct xdp_md *xdp; __u32 sum; __u32 start; };

static long add_byte(__u32 i, void *arg) {
    struct sum_ctx *s = arg;
    void *data = (void *)(long)s->xdp->data, *end = (void *)(long)s->xdp->data_end;
    __u8 *p = data + (s->start & 127) + (i & 63);
    if ((void *)(p + 1) > end) return 1;
    s->sum += *p;
    return 0;
}

static __always_inline int decide(struct xdp_md *ctx, __u32 start, __u32 slot) {
    struct sum_ctx s = { .xdp = ctx, .sum = 0, .start = start };
    bpf_loop(32, add_byte, &s, 0);
    __sync_fetch_and_add(&visits[slot & 3], 1);
    return (s.sum & 1) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int stage_ipv4(struct xdp_md *ctx) { return decide(ctx, 14 + 20, 1); }

SEC("xdp")
int stage_ipv6(struct xdp_md *ctx) { return decide(ctx, 14 + 40, 2); }

SEC("xdp")
int dispatch(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end) return XDP_ABORTED;
    __sync_fetch_and_add(&visits[0], 1);
    if (eth->h_proto == bpf_htons(ETH_P_IP)) bpf_tail_call(ctx, &stages, 0);
    if (eth->h_proto == bpf_htons(ETH_P_IPV6)) bpf_tail_call(ctx, &stages, 1);
    return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
