// A program calling a helper the Java host registers (id 4000, not a kernel helper; the
// kernel refuses this object): classify(port, name, name_size) writes a service name for a
// port into the buffer and returns its length, or -ENOENT.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

static long (*classify)(__u32 port, char *name, __u32 size) = (void *)4000;

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16);
    __type(key, char[8]);
    __type(value, __u64);
} by_service SEC(".maps");

SEC("xdp")
int xdp_services(struct xdp_md *ctx) {
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *)(eth + 1);
    struct udphdr *udp = (void *)(ip + 1);
    if ((void *)(udp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP)) return XDP_PASS;
    char name[8] = {};
    long n = classify(bpf_ntohs(udp->dest), name, sizeof(name));
    if (n < 0) return XDP_DROP;
    __u64 one = 1, *count = bpf_map_lookup_elem(&by_service, name);
    if (count) __sync_fetch_and_add(count, 1);
    else bpf_map_update_elem(&by_service, name, &one, BPF_NOEXIST);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
