// bpf-to-bpf calls, a bounded loop, global data and a socket filter.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 salt = 0x9e3779b9;
__u32 seen;

static __attribute__((noinline)) __u32 mix(__u32 h, __u32 v) {
    h ^= v + salt + (h << 6) + (h >> 2);
    return h;
}

__attribute__((noinline)) int checksum(const __u8 *p, int n) {
    __u32 sum = 0;
    for (int i = 0; i < 64 && i < n; i++)
        sum = mix(sum, p[i]);
    return sum & 0xffff;
}

SEC("socket")
int socket_hash(struct __sk_buff *skb) {
    __u8 buf[64] = {};
    __u32 len = skb->len < 64 ? skb->len : 64;
    if (bpf_skb_load_bytes(skb, 0, buf, 64) < 0)
        return 0;
    __sync_fetch_and_add(&seen, 1);
    return checksum(buf, len) > 100 ? skb->len : 0;
}

SEC("tc")
int tc_mark(struct __sk_buff *skb) {
    skb->mark = mix(skb->mark, skb->protocol);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
