// A 5-tuple ACL over IPv4 with a hash map of rules and per-CPU counters.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct flow { __u32 src, dst; __u16 sport, dport; __u8 proto, pad[3]; };

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, struct flow);
    __type(value, __u32);
} rules SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 verdict) {
    __u64 *c = bpf_map_lookup_elem(&counters, &verdict);
    if (c)
        __sync_fetch_and_add(c, 1);
}

SEC("xdp")
int xdp_acl(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end) return XDP_DROP;
    if (eth->h_proto != bpf_htons(ETH_P_IP)) return XDP_PASS;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end) return XDP_DROP;
    struct flow f = { .src = ip->saddr, .dst = ip->daddr, .proto = ip->protocol };
    void *l4 = (void *)ip + ip->ihl * 4;
    if (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) {
        struct udphdr *u = l4;
        if ((void *)(u + 1) > end) return XDP_DROP;
        f.sport = u->source;
        f.dport = u->dest;
    }
    __u32 *verdict = bpf_map_lookup_elem(&rules, &f);
    __u32 v = verdict ? *verdict : XDP_PASS;
    count(v);
    return v;
}

char LICENSE[] SEC("license") = "GPL";
