// Destination NAT in TC: rewrite the IPv4 destination address and TCP/UDP port, fixing the
// IP and L4 checksums incrementally with the kernel's checksum helpers.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u32 new_daddr = 0x0a0a0a0a;
const volatile __u16 new_dport = 8080;

#define IP_CSUM_OFF (ETH_HLEN + offsetof(struct iphdr, check))
#define IP_DST_OFF (ETH_HLEN + offsetof(struct iphdr, daddr))

SEC("tc")
int tc_dnat(struct __sk_buff *skb) {
    void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5) return TC_ACT_OK;
    __u8 proto = ip->protocol;
    if (proto != IPPROTO_TCP && proto != IPPROTO_UDP) return TC_ACT_OK;
    __u32 old_daddr = ip->daddr;
    __u32 daddr = bpf_htonl(new_daddr);
    int l4 = ETH_HLEN + sizeof(struct iphdr);
    int l4_csum = l4 + (proto == IPPROTO_TCP ? offsetof(struct tcphdr, check) : offsetof(struct udphdr, check));
    __u16 old_dport;
    if (bpf_skb_load_bytes(skb, l4 + 2, &old_dport, 2) < 0) return TC_ACT_SHOT;
    __u16 dport = bpf_htons(new_dport);
    __u64 flags = BPF_F_PSEUDO_HDR | sizeof(daddr) | (proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0);
    bpf_l4_csum_replace(skb, l4_csum, old_daddr, daddr, flags);
    bpf_l4_csum_replace(skb, l4_csum, old_dport, dport, sizeof(dport) | (proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0));
    bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_daddr, daddr, sizeof(daddr));
    bpf_skb_store_bytes(skb, IP_DST_OFF, &daddr, sizeof(daddr), 0);
    bpf_skb_store_bytes(skb, l4 + 2, &dport, sizeof(dport), 0);
    return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
