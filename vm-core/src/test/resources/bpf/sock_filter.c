// A classic-style socket filter: reads the packet with the legacy LD_ABS/LD_IND loads (the
// load_* builtins), walks IPv6 extension headers in a bounded loop, asks a subprogram whether
// the port is watched, and counts verdicts per protocol with atomics in an array map.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");
unsigned long long load_word(void *skb, unsigned long long off) asm("llvm.bpf.load.word");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 256);
    __type(key, __u32);
    __type(value, __u64);
} proto_count SEC(".maps");

__u32 watched_ports[4] = {22, 53, 80, 443};

static __attribute__((noinline)) int watched(__u32 port)
{
    for (int i = 0; i < 4; i++)
        if (watched_ports[i] == port)
            return 1;
    return 0;
}

SEC("socket")
int sock_filter(struct __sk_buff *skb)
{
    __u32 proto, l4;
    __u16 eth_proto = load_half(skb, offsetof(struct ethhdr, h_proto));
    if (eth_proto == ETH_P_IP) {
        proto = load_byte(skb, ETH_HLEN + offsetof(struct iphdr, protocol));
        l4 = ETH_HLEN + ((load_byte(skb, ETH_HLEN) & 0xf) << 2);
    } else if (eth_proto == ETH_P_IPV6) {
        proto = load_byte(skb, ETH_HLEN + offsetof(struct ipv6hdr, nexthdr));
        l4 = ETH_HLEN + sizeof(struct ipv6hdr);
        // Hop-by-hop, routing and destination options headers: next header, then length in 8s.
        for (int i = 0; i < 4 && (proto == 0 || proto == 43 || proto == 60); i++) {
            proto = load_byte(skb, l4);
            l4 += (load_byte(skb, l4 + 1) + 1) * 8;
        }
    } else {
        return 0;
    }
    __u64 *count = bpf_map_lookup_elem(&proto_count, &proto);
    if (count)
        __sync_fetch_and_add(count, 1);
    if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
        return 0;
    __u32 ports = load_word(skb, l4);
    return watched(ports & 0xffff) || watched(ports >> 16) ? skb->len : 0;
}

char LICENSE[] SEC("license") = "GPL";
