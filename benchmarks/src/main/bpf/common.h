// Shared parsing for the benchmark programs: Ethernet, then IPv4 with its 5-tuple.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct flow { __u32 src, dst; __u16 sport, dport; __u8 proto, pad[3]; };

// Fills f from an IPv4 packet; returns 0 on success, -1 for a runt, 1 for non-IPv4.
static __always_inline int parse_flow(void *data, void *end, struct flow *f) {
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end) return -1;
    if (eth->h_proto != bpf_htons(ETH_P_IP)) return 1;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end) return -1;
    f->src = ip->saddr;
    f->dst = ip->daddr;
    f->proto = ip->protocol;
    if (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) {
        struct udphdr *u = (void *)ip + ip->ihl * 4;
        if ((void *)(u + 1) > end) return -1;
        f->sport = u->source;
        f->dport = u->dest;
    }
    return 0;
}
