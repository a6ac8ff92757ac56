// LPM-trie blocklist over IPv4 sources (one VLAN tag allowed), per-rule drop counters, a
// ring buffer reporting every drop, and read-only configuration in global data.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct lpm_v4 { __u32 prefixlen; __u32 addr; };
struct drop_event { __u32 addr; __u32 rule; __u16 len; __u16 vlan; };

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __uint(max_entries, 256);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct lpm_v4);
    __type(value, __u32);
} blocklist SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 16);
    __type(key, __u32);
    __type(value, __u64);
} drops SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

const volatile __u32 report_drops = 1;
const volatile __u32 pass_ipv6 = 1;

SEC("xdp")
int xdp_blocklist(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end) return XDP_DROP;
    __u16 proto = eth->h_proto;
    void *l3 = eth + 1;
    __u16 vlan = 0;
    if (proto == bpf_htons(ETH_P_8021Q)) {
        __u16 *tag = l3;
        if ((void *)(tag + 2) > end) return XDP_DROP;
        vlan = bpf_ntohs(tag[0]) & 0xfff;
        proto = tag[1];
        l3 = tag + 2;
    }
    if (proto == bpf_htons(ETH_P_IPV6)) return pass_ipv6 ? XDP_PASS : XDP_DROP;
    if (proto != bpf_htons(ETH_P_IP)) return XDP_PASS;
    struct iphdr *ip = l3;
    if ((void *)(ip + 1) > end) return XDP_DROP;
    struct lpm_v4 key = { .prefixlen = 32, .addr = ip->saddr };
    __u32 *rule = bpf_map_lookup_elem(&blocklist, &key);
    if (!rule) return XDP_PASS;
    __u32 r = *rule & 15;
    __u64 *count = bpf_map_lookup_elem(&drops, &r);
    if (count) __sync_fetch_and_add(count, 1);
    if (report_drops) {
        struct drop_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
        if (e) {
            e->addr = ip->saddr;
            e->rule = r;
            e->len = (__u16)(end - data);
            e->vlan = vlan;
            bpf_ringbuf_submit(e, 0);
        }
    }
    return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
