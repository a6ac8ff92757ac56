// Held-out program: IPv6 with extension headers (hop-by-hop, routing, destination options,
// fragment) walked in a bounded loop; the destination's longest prefix (LPM trie over 128-bit
// keys) names a policy in a hash map keyed by (policy, next header); policies carry a hop
// limit window and a verdict.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct v6_prefix {
    __u32 prefixlen;
    __u8 addr[16];
};

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 64);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct v6_prefix);
    __type(value, __u32);
} v6_prefixes SEC(".maps");

struct policy_key {
    __u32 policy;
    __u8 nexthdr;
    __u8 pad[3];
};

struct policy {
    __u8 min_hops;
    __u8 max_hops;
    __u16 verdict;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, struct policy_key);
    __type(value, struct policy);
} policies SEC(".maps");

struct ext {
    __u8 nexthdr;
    __u8 len;
};

SEC("xdp")
int v6_policy(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end)
        return XDP_ABORTED;
    if (eth->h_proto != bpf_htons(ETH_P_IPV6))
        return XDP_PASS;
    struct ipv6hdr *ip6 = (void *)(eth + 1);
    if ((void *)(ip6 + 1) > end)
        return XDP_DROP;
    __u8 nh = ip6->nexthdr;
    void *p = ip6 + 1;
    for (int i = 0; i < 4; i++) {
        if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING && nh != IPPROTO_DSTOPTS && nh != IPPROTO_FRAGMENT)
            break;
        struct ext *e = p;
        if ((void *)(e + 1) > end)
            return XDP_DROP;
        nh = e->nexthdr;
        p += nh == IPPROTO_FRAGMENT ? 8 : (e->len + 1) * 8;
    }
    struct v6_prefix k = { .prefixlen = 128 };
    __builtin_memcpy(k.addr, &ip6->daddr, 16);
    __u32 *policy = bpf_map_lookup_elem(&v6_prefixes, &k);
    if (!policy)
        return XDP_PASS;
    struct policy_key pk = { .policy = *policy, .nexthdr = nh };
    struct policy *pol = bpf_map_lookup_elem(&policies, &pk);
    if (!pol) {
        pk.nexthdr = 0;   /* the policy's default */
        pol = bpf_map_lookup_elem(&policies, &pk);
        if (!pol)
            return XDP_DROP;
    }
    if (ip6->hop_limit < pol->min_hops || ip6->hop_limit > pol->max_hops)
        return XDP_DROP;
    return pol->verdict > XDP_TX ? XDP_ABORTED : pol->verdict;
}

char LICENSE[] SEC("license") = "GPL";
