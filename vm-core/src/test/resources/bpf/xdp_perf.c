// bpf_perf_event_output from XDP with the flags a plan map gives (slot index or
// BPF_F_CURRENT_CPU, packet bytes to append in BPF_F_CTXLEN_MASK): returns the helper's
// result, so a differential test compares the error codes of every path.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct plan {
    __u64 flags;
    __u32 size;
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct plan);
} plan SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    __uint(max_entries, 4);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u32));
} samples SEC(".maps");

SEC("xdp")
int xdp_perf(struct xdp_md *ctx) {
    __u32 zero = 0;
    struct plan *p = bpf_map_lookup_elem(&plan, &zero);
    if (!p) return -1;
    __u64 record[2] = {0x1122334455667788ULL, (__u64)(ctx->data_end - ctx->data)};
    __u32 size = p->size > sizeof(record) ? sizeof(record) : p->size;
    return bpf_perf_event_output(ctx, &samples, p->flags, record, size);
}

char LICENSE[] SEC("license") = "GPL";
