// bpf_xdp_load_bytes / bpf_xdp_store_bytes / bpf_xdp_get_buff_len at offsets and lengths a
// plan map gives: copies a window of the packet to the front, returns both results and the length.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct plan {
    __u32 offset;
    __u32 length;
    __u32 store_at;
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct plan);
} plan SEC(".maps");

SEC("xdp")
int xdp_bytes(struct xdp_md *ctx) {
    __u32 zero = 0;
    struct plan *p = bpf_map_lookup_elem(&plan, &zero);
    if (!p) return -1;
    __u8 buf[32] = {};
    __u32 len = p->length;
    if (len == 0 || len > sizeof(buf)) len = sizeof(buf);
    long loaded = bpf_xdp_load_bytes(ctx, p->offset, buf, len);
    long stored = bpf_xdp_store_bytes(ctx, p->store_at, buf, len);
    __u32 total = bpf_xdp_get_buff_len(ctx);
    return (__u32)(loaded & 0xff) | (__u32)(stored & 0xff) << 8 | total << 16;
}

char LICENSE[] SEC("license") = "GPL";
