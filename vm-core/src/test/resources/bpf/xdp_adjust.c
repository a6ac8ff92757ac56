// XDP packet geometry: bpf_xdp_adjust_head, _meta and _tail by amounts a plan map gives,
// then marks written through the re-derived data, data_meta and data_end pointers. The
// return value packs the three helpers' results, so a differential test sees every error
// code, and the output packet (metadata included) shows where the bytes went.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct plan {
    __s32 head;
    __s32 meta;
    __s32 tail;
    __u32 order; // 0: head, meta, tail; 1: tail, meta, head
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct plan);
} plan SEC(".maps");

SEC("xdp")
int xdp_adjust(struct xdp_md *ctx) {
    __u32 zero = 0;
    struct plan *p = bpf_map_lookup_elem(&plan, &zero);
    if (!p) return XDP_ABORTED;
    long h, m, t;
    if (p->order == 0) {
        h = bpf_xdp_adjust_head(ctx, p->head);
        m = bpf_xdp_adjust_meta(ctx, p->meta);
        t = bpf_xdp_adjust_tail(ctx, p->tail);
    } else {
        t = bpf_xdp_adjust_tail(ctx, p->tail);
        m = bpf_xdp_adjust_meta(ctx, p->meta);
        h = bpf_xdp_adjust_head(ctx, p->head);
    }
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    void *meta = (void *)(long)ctx->data_meta;
    if (meta + 4 <= data) *(__u32 *)meta = 0xc0ffee11;
    if (data + 2 <= end) {
        __u8 *d = data;
        d[0] ^= 0xff;
        d[1] = (__u8)(end - data);
    }
    // Past the end of a 64-byte packet: only there after the tail grew (the kernel zeroes the new bytes).
    if (data + 101 <= end) ((__u8 *)data)[100] ^= 0x5a;
    return (__u32)(h & 0xff) | (__u32)(m & 0xff) << 8 | (__u32)(t & 0xff) << 16;
}

char LICENSE[] SEC("license") = "GPL";
