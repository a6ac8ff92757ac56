// cgroup/sock programs on a caller-described struct bpf_sock: sock_create marks and
// prioritises TCP sockets and rejects raw ones; post_bind4 allows binds only to ports at
// or above 1024 and counts binds to 127.0.0.1.
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/socket.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define SOCK_RAW 3

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} loopback_binds SEC(".maps");

SEC("cgroup/sock_create")
int sock_create(struct bpf_sock *sk) {
    if (sk->type == SOCK_RAW) return 0;
    if (sk->protocol == IPPROTO_TCP) {
        sk->mark = 0x2a00 | sk->family;
        sk->priority = 6;
    }
    return 1;
}

SEC("cgroup/post_bind4")
int post_bind4(struct bpf_sock *sk) {
    if (sk->src_ip4 == bpf_htonl(0x7f000001)) {
        __u32 zero = 0;
        __u64 *n = bpf_map_lookup_elem(&loopback_binds, &zero);
        if (n) __sync_fetch_and_add(n, 1);
    }
    return sk->src_port >= 1024;
}

char LICENSE[] SEC("license") = "GPL";
