// Counts its runs in .bss and drops from the third one on: `ebpf run --repeat N` must run it
// exactly N times, as `bpftool prog run ... repeat N` does.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u32 runs;

SEC("xdp")
int run_count(struct xdp_md *ctx) {
    runs++;
    return runs >= 3 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
