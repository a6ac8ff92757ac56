// Prefix blocklist: an LPM trie of IPv4 source prefixes; a hit drops and counts per prefix entry.
#include "common.h"

struct lpm_key { __u32 prefixlen; __u32 addr; };

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 4096);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct lpm_key);
    __type(value, __u64);
} blocklist SEC(".maps");

SEC("xdp")
int lpm(struct xdp_md *ctx) {
    struct flow f = {};
    int parsed = parse_flow((void *)(long)ctx->data, (void *)(long)ctx->data_end, &f);
    if (parsed < 0) return XDP_DROP;
    if (parsed > 0) return XDP_PASS;
    struct lpm_key key = { .prefixlen = 32, .addr = f.src };
    __u64 *hits = bpf_map_lookup_elem(&blocklist, &key);
    if (!hits) return XDP_PASS;
    __sync_fetch_and_add(hits, 1);
    return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
