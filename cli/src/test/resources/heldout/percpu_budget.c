// Held-out program: a per-CPU token budget (per-CPU array) charged by packet size, and
// per-CPU counters by EtherType (per-CPU hash, only updated when the key exists).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct budget {
    __u64 tokens;
    __u32 cost_shift;  /* cost = (len >> cost_shift) + 1 */
    __u32 floor;       /* below this many tokens only small packets pass */
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, struct budget);
} budgets SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, 16);
    __type(key, __u16);
    __type(value, __u64);
} by_type SEC(".maps");

SEC("xdp")
int percpu_budget(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end)
        return XDP_ABORTED;
    __u16 type = bpf_ntohs(eth->h_proto);
    __u64 *count = bpf_map_lookup_elem(&by_type, &type);
    if (count)
        *count += 1;
    __u32 k = type >= 0x0600 ? 0 : 1;    /* Ethernet II or 802.3 length */
    struct budget *b = bpf_map_lookup_elem(&budgets, &k);
    if (!b)
        return XDP_ABORTED;
    __u64 len = end - data;
    __u64 cost = (len >> (b->cost_shift & 15)) + 1;
    if (b->tokens < cost)
        return XDP_DROP;
    if (b->tokens < b->floor && len > 128)
        return XDP_TX;
    b->tokens -= cost;
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
