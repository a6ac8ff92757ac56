// 5-tuple ACL: a hash map of rules (flow -> XDP action) and per-CPU counters per action.
#include "common.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 4096);
    __type(key, struct flow);
    __type(value, __u32);
} rules SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} counters SEC(".maps");

SEC("xdp")
int acl(struct xdp_md *ctx) {
    struct flow f = {};
    int parsed = parse_flow((void *)(long)ctx->data, (void *)(long)ctx->data_end, &f);
    if (parsed < 0) return XDP_DROP;
    __u32 verdict = XDP_PASS;
    if (parsed == 0) {
        __u32 *rule = bpf_map_lookup_elem(&rules, &f);
        if (rule) verdict = *rule;
    }
    __u64 *c = bpf_map_lookup_elem(&counters, &verdict);
    if (c) *c += 1;
    return verdict;
}

char LICENSE[] SEC("license") = "GPL";
