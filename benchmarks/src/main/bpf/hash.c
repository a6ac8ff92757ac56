// ALU-heavy hash: 32 rounds of a 64-bit mixing function over the 5-tuple (as a load balancer
// would spread flows over back ends); the hash picks one of four XDP actions.
#include "common.h"

#define ROUNDS 32

static __always_inline __u64 mix(__u64 h, __u64 v) {
    h ^= v;
    h *= 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
    h = (h << 7) | (h >> 57);
    return h + 0x632be59bd9b4e019ULL;
}

SEC("xdp")
int hash(struct xdp_md *ctx) {
    struct flow f = {};
    int parsed = parse_flow((void *)(long)ctx->data, (void *)(long)ctx->data_end, &f);
    if (parsed != 0) return XDP_PASS;
    __u64 a = ((__u64)f.src << 32) | f.dst;
    __u64 b = ((__u64)f.sport << 32) | ((__u64)f.dport << 16) | f.proto;
    __u64 h = 0x243f6a8885a308d3ULL;
    for (int i = 0; i < ROUNDS; i++) {
        h = mix(h, a);
        h = mix(h, b ^ i);
    }
    return (h >> 61) & 3;
}

char LICENSE[] SEC("license") = "GPL";
