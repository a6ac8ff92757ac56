// bpf_redirect_map through the four XDP redirect map types, with the key and flags a plan
// map gives: a missing key falls back to the low bits of the flags, unknown flag bits abort.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct plan {
    __u32 map;   // 0 devmap, 1 devmap_hash, 2 cpumap, 3 xskmap, 4 bpf_redirect(ifindex = key)
    __u32 key;
    __u64 flags;
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct plan);
} plan SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_DEVMAP);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, __u32);
} devices SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, __u32);
} device_hash SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_CPUMAP);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u32);
} cpus SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_XSKMAP);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u32);
} sockets SEC(".maps");

SEC("xdp")
int xdp_redirect(struct xdp_md *ctx) {
    __u32 zero = 0;
    struct plan *p = bpf_map_lookup_elem(&plan, &zero);
    if (!p) return XDP_ABORTED;
    switch (p->map) {
    case 0: return bpf_redirect_map(&devices, p->key, p->flags);
    case 1: return bpf_redirect_map(&device_hash, p->key, p->flags);
    case 2: return bpf_redirect_map(&cpus, p->key, p->flags);
    case 3: return bpf_redirect_map(&sockets, p->key, p->flags);
    default: return bpf_redirect(p->key, p->flags);
    }
}

char LICENSE[] SEC("license") = "GPL";
