// The library example's program: drops IPv4 TCP/UDP packets whose destination port is in
// blocked_ports, and counts passed and dropped packets per CPU.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, __u16);    // destination port, network byte order
    __type(value, __u32);  // unused: presence blocks the port
} blocked_ports SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);    // 0 passed, 1 dropped
    __type(value, __u64);
} verdicts SEC(".maps");

static __always_inline int count(__u32 which, int action)
{
    __u64 *c = bpf_map_lookup_elem(&verdicts, &which);
    if (c)
        *c += 1;
    return action;
}

SEC("xdp")
int port_filter(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
        return count(0, XDP_PASS);
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end || (ip->protocol != IPPROTO_TCP && ip->protocol != IPPROTO_UDP))
        return count(0, XDP_PASS);
    __u16 *ports = (void *)ip + ip->ihl * 4;
    if ((void *)(ports + 2) > end)
        return count(0, XDP_PASS);
    __u16 dport = ports[1];
    if (bpf_map_lookup_elem(&blocked_ports, &dport))
        return count(1, XDP_DROP);
    return count(0, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
