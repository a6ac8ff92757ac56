// Stress target: per-flow counters in a hash map, created on first sight (BPF_NOEXIST, so racing
// threads agree on one element) and bumped atomically, plus an atomic byte total in an array.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 4096);
    __type(key, __u32);
    __type(value, __u64);
} flows SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} totals SEC(".maps");

SEC("xdp")
int stress(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
    if (data + 18 > end)
        return XDP_ABORTED;
    __u32 key = *(__u32 *)(data + 14);
    __u64 *count = bpf_map_lookup_elem(&flows, &key);
    if (!count) {
        __u64 zero = 0;
        bpf_map_update_elem(&flows, &key, &zero, BPF_NOEXIST);
        count = bpf_map_lookup_elem(&flows, &key);
        if (!count)
            return XDP_DROP;
    }
    __sync_fetch_and_add(count, 1);
    __u32 first = 0;
    __u64 *bytes = bpf_map_lookup_elem(&totals, &first);
    if (bytes)
        __sync_fetch_and_add(bytes, (__u64)(end - data));
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
