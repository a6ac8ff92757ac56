// One object, three programs: only plain_pass can run here. reads_core uses a CO-RE field
// access and calls_kfunc a kernel function; loading the object must still give plain_pass.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct hdr {
    __u32 magic;
    __u32 len;
} __attribute__((preserve_access_index));

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

SEC("xdp")
int plain_pass(struct xdp_md *ctx) {
    return XDP_PASS;
}

SEC("xdp")
int reads_core(struct xdp_md *ctx) {
    struct hdr *h = (struct hdr *)(long)ctx->data;
    if ((void *)(h + 1) > (void *)(long)ctx->data_end)
        return XDP_PASS;
    return h->len > 100 ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int calls_kfunc(struct __sk_buff *skb) {
    bpf_rcu_read_lock();
    bpf_rcu_read_unlock();
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
