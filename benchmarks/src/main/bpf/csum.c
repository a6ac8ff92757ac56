// Checksum loop: the 16-bit ones' complement sum of everything after the Ethernet header,
// folded; packets whose sum has the low bit set pass, the rest are dropped.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

#define MAX_WORDS 768

SEC("xdp")
int csum(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
    __u8 *p = data + sizeof(struct ethhdr);
    if ((void *)p > end) return XDP_DROP;
    __u64 sum = 0;
    for (int i = 0; i < MAX_WORDS; i++) {
        if ((void *)(p + 2) > end) break;
        sum += *(__u16 *)p;
        p += 2;
    }
    if ((void *)(p + 1) <= end) sum += *p;
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (sum & 1) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
