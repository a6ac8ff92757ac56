// Pops an 802.1Q tag: moves the MAC addresses 4 bytes forward over the tag and drops the
// 4 bytes in front with bpf_xdp_adjust_head. Untagged frames pass untouched.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("xdp")
int xdp_vlan_pop(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
    if (data + ETH_HLEN + 4 > end) return XDP_PASS;
    __u16 *proto = data + 12;
    if (*proto != bpf_htons(ETH_P_8021Q)) return XDP_PASS;
    __u8 macs[12];
    __builtin_memcpy(macs, data, 12);
    __builtin_memcpy(data + 4, macs, 12);
    if (bpf_xdp_adjust_head(ctx, 4)) return XDP_ABORTED;
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
