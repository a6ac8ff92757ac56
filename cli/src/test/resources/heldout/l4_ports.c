// Held-out program (not used while developing the interpreter): per-port rules in a hash map,
// looked up by destination then source port, behind Ethernet with up to two VLAN tags, IPv4
// (options, fragments) or IPv6. The rule's action is returned; a hit counter is bumped.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct port_key {
    __u8 proto;
    __u8 dir;          /* 0 destination, 1 source */
    __be16 port;
};

struct port_rule {
    __u32 action;
    __u32 hits;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, struct port_key);
    __type(value, struct port_rule);
} port_rules SEC(".maps");

struct vlan {
    __be16 tci;
    __be16 proto;
};

static __always_inline int rule(__u8 proto, __u8 dir, __be16 port) {
    struct port_key k = { .proto = proto, .dir = dir, .port = port };
    struct port_rule *r = bpf_map_lookup_elem(&port_rules, &k);
    if (!r)
        return -1;
    __sync_fetch_and_add(&r->hits, 1);
    return r->action > XDP_TX ? XDP_ABORTED : (int)r->action;
}

SEC("xdp")
int l4_ports(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end)
        return XDP_ABORTED;
    __be16 proto = eth->h_proto;
    void *next = eth + 1;
#pragma unroll
    for (int i = 0; i < 2; i++) {
        if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
            break;
        struct vlan *v = next;
        if ((void *)(v + 1) > end)
            return XDP_DROP;
        proto = v->proto;
        next = v + 1;
    }
    __u8 l4;
    void *l4h;
    if (proto == bpf_htons(ETH_P_IP)) {
        struct iphdr *ip = next;
        if ((void *)(ip + 1) > end || ip->ihl < 5)
            return XDP_DROP;
        if (ip->frag_off & bpf_htons(0x1fff))
            return XDP_PASS;
        l4 = ip->protocol;
        l4h = (void *)ip + ip->ihl * 4;
    } else if (proto == bpf_htons(ETH_P_IPV6)) {
        struct ipv6hdr *ip6 = next;
        if ((void *)(ip6 + 1) > end)
            return XDP_DROP;
        l4 = ip6->nexthdr;
        l4h = ip6 + 1;
    } else {
        return XDP_PASS;
    }
    if (l4 != IPPROTO_TCP && l4 != IPPROTO_UDP)
        return XDP_PASS;
    __be16 *ports = l4h;
    if ((void *)(ports + 2) > end)
        return XDP_DROP;
    int a = rule(l4, 0, ports[1]);
    if (a < 0)
        a = rule(l4, 1, ports[0]);
    return a < 0 ? XDP_PASS : a;
}

char LICENSE[] SEC("license") = "GPL";
