// Per-flow counters in a hash map keyed by a 5-tuple struct, verdict counts in a per-CPU
// array, and global data: const configuration (.rodata), mutable totals (.data) and a zeroed
// buffer (.bss) holding the last packet's first bytes. Java reads and writes all of them
// through the host API; the kernel is the oracle for what the program leaves there.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct flow_key {
    __u32 src_ip;      /* network order, as in the header */
    __u32 dst_ip;
    __u16 src_port;    /* network order */
    __u16 dst_port;
    __u8 proto;
};

struct counters {
    __u64 packets;
    __u64 bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 256);
    __type(key, struct flow_key);
    __type(value, struct counters);
} flows SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} verdicts SEC(".maps");

struct config {
    __u16 blocked_port;   /* host order */
    __u8 count_bytes;
    __u8 reserved;
    __u32 max_flows;
};

const volatile struct config cfg = { .blocked_port = 53, .count_bytes = 1, .max_flows = 200 };

struct totals {
    __u64 packets;
    __u64 bytes;
    __u32 last_len;
    __u32 flows_full;
};

struct totals totals = { .packets = 1000 };
__u8 last_header[34];
__u32 tcp_seen;

static __always_inline int verdict(int v) {
    __u32 k = v;
    __u64 *n = bpf_map_lookup_elem(&verdicts, &k);
    if (n)
        *n += 1;
    return v;
}

SEC("xdp")
int flow_stats(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
    __u32 len = (__u32)(end - data);
    totals.packets++;
    totals.last_len = len;
    if (cfg.count_bytes)
        totals.bytes += len;
    for (int i = 0; i < (int)sizeof(last_header); i++) {
        __u8 *p = (__u8 *)data + i;
        if ((void *)(p + 1) > end)
            break;
        last_header[i] = *p;
    }
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end)
        return verdict(XDP_ABORTED);
    if (eth->h_proto != bpf_htons(ETH_P_IP))
        return verdict(XDP_PASS);
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end)
        return verdict(XDP_DROP);
    struct flow_key key;
    __builtin_memset(&key, 0, sizeof(key));
    key.src_ip = ip->saddr;
    key.dst_ip = ip->daddr;
    key.proto = ip->protocol;
    if (ip->protocol == IPPROTO_TCP || ip->protocol == IPPROTO_UDP) {
        __u16 *ports = (void *)ip + ip->ihl * 4;
        if ((void *)(ports + 2) > end)
            return verdict(XDP_DROP);
        key.src_port = ports[0];
        key.dst_port = ports[1];
        if (ip->protocol == IPPROTO_TCP)
            tcp_seen++;
        if (bpf_ntohs(ports[1]) == cfg.blocked_port)
            return verdict(XDP_DROP);
    }
    struct counters *c = bpf_map_lookup_elem(&flows, &key);
    if (c) {
        c->packets++;
        c->bytes += len;
    } else {
        struct counters fresh = { .packets = 1, .bytes = len };
        if (bpf_map_update_elem(&flows, &key, &fresh, BPF_NOEXIST) != 0)
            totals.flows_full++;
    }
    return verdict(XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
