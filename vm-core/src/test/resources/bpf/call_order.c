// Call order: main calls a_fn (which calls c_fn) and then b_fn. libbpf lays the program out
// depth first (main, a_fn, c_fn, b_fn); the loader must too, so instruction indexes and line
// info match the kernel's.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
static __attribute__((noinline)) int c_fn(int x) { return x * 3 + 1; }
static __attribute__((noinline)) int a_fn(int x) { return c_fn(x) ^ 5; }
static __attribute__((noinline)) int b_fn(int x) { return x + 7; }
SEC("xdp")
int main_prog(struct xdp_md *ctx) {
    int v = ctx->ingress_ifindex;
    return (a_fn(v) + b_fn(v)) & 3;
}
char LICENSE[] SEC("license") = "GPL";
