// Held-out program: the source address's longest matching prefix (LPM trie) gives a traffic
// class and a minimum TTL; an array maps the class to a verdict. Small TTLs are dropped.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct v4_prefix {
    __u32 prefixlen;
    __u8 addr[4];
};

struct class_info {
    __u32 cls;
    __u8 min_ttl;
    __u8 flags;        /* bit 0: also match the destination */
    __u16 weight;
};

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 128);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct v4_prefix);
    __type(value, struct class_info);
} classes SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, __u32);
} class_verdict SEC(".maps");

static __always_inline struct class_info *classify(__be32 addr) {
    struct v4_prefix k = { .prefixlen = 32 };
    __builtin_memcpy(k.addr, &addr, 4);
    return bpf_map_lookup_elem(&classes, &k);
}

SEC("xdp")
int lpm_classes(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end)
        return XDP_ABORTED;
    if (eth->h_proto != bpf_htons(ETH_P_IP))
        return XDP_PASS;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end)
        return XDP_DROP;
    struct class_info *c = classify(ip->saddr);
    if (!c)
        return XDP_PASS;
    if (ip->ttl < c->min_ttl)
        return XDP_DROP;
    __u32 cls = c->cls;
    if (c->flags & 1) {
        struct class_info *d = classify(ip->daddr);
        if (d && d->weight > c->weight)
            cls = d->cls;
    }
    __u32 idx = cls & 7;
    __u32 *v = bpf_map_lookup_elem(&class_verdict, &idx);
    if (!v)
        return XDP_ABORTED;
    return *v > XDP_TX ? XDP_ABORTED : *v;
}

char LICENSE[] SEC("license") = "GPL";
