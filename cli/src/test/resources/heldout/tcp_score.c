// Held-out program: a TCP scoring filter. Per-source settings in a hash map (flag mask,
// score weights), a global array of thresholds; the score mixes header fields with shifts,
// multiplications, signed comparisons, 32-bit arithmetic and a modulo, so the verdict depends
// on exact ALU semantics.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct src_settings {
    __u8 deny_flags;     /* any of these TCP flags set: drop */
    __u8 weight_window;
    __u8 weight_port;
    __s8 bias;
    __u32 modulus;       /* 0: no sampling */
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 32);
    __type(key, __be32);
    __type(value, struct src_settings);
} settings SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __s32);
} thresholds SEC(".maps");

SEC("xdp")
int tcp_score(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end)
        return XDP_ABORTED;
    if (eth->h_proto != bpf_htons(ETH_P_IP))
        return XDP_PASS;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end || ip->protocol != IPPROTO_TCP)
        return XDP_PASS;
    struct tcphdr *tcp = (void *)ip + ip->ihl * 4;
    if (ip->ihl < 5 || (void *)(tcp + 1) > end)
        return XDP_DROP;
    __be32 src = ip->saddr;
    struct src_settings *s = bpf_map_lookup_elem(&settings, &src);
    if (!s)
        return XDP_PASS;
    __u8 flags = ((__u8 *)tcp)[13];
    if (flags & s->deny_flags)
        return XDP_DROP;
    __u32 window = bpf_ntohs(tcp->window);
    __u32 dport = bpf_ntohs(tcp->dest);
    __s32 score = (__s32)((window >> 8) * s->weight_window) - (__s32)(dport % 1024) * s->weight_port + s->bias;
    if (s->modulus && (bpf_ntohl(tcp->seq) % s->modulus) == 0)
        score += 1000;
    __u32 k0 = 0, k1 = 1;
    __s32 *low = bpf_map_lookup_elem(&thresholds, &k0);
    __s32 *high = bpf_map_lookup_elem(&thresholds, &k1);
    if (!low || !high)
        return XDP_ABORTED;
    if (score < *low)
        return XDP_DROP;
    if (score > *high)
        return XDP_TX;
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
