// Tracing programs unit-tested from Java on synthetic input: a kprobe reading its
// arguments from pt_regs and a string through bpf_probe_read_kernel_str, a kretprobe
// reading the return value, a tracepoint reading its record's fields, each reporting
// through a perf event array and a counter map.
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>

struct event {
    __u64 arg1;
    __u64 arg2;
    __s64 copied;
    char name[16];
};

struct {
    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} stats SEC(".maps");

// x86-64 pt_regs (UAPI names): rdi is the first argument, rsi the second, rax the return value.
SEC("kprobe/do_sys_openat2")
int trace_open(struct pt_regs *ctx) {
    struct event e = {};
    e.arg1 = ctx->rdi;
    e.arg2 = ctx->rsi;
    e.copied = bpf_probe_read_kernel_str(e.name, sizeof(e.name), (void *)ctx->rsi);
    bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e));
    return e.copied > 0;
}

SEC("kretprobe/do_sys_openat2")
int trace_open_ret(struct pt_regs *ctx) {
    __u32 key = ctx->rax < 0x80000000 ? 0 : 1; // success or -errno
    __u64 *n = bpf_map_lookup_elem(&stats, &key);
    if (n) __sync_fetch_and_add(n, 1);
    __u64 word = 0;
    long r = bpf_probe_read_user(&word, sizeof(word), (void *)ctx->rdx);
    return r == 0 ? (int)word : (int)r;
}

// sched/sched_process_exec: after the common fields, __data_loc char[] filename; pid_t pid; pid_t old_pid.
struct exec_record {
    __u64 common;
    __u32 filename_loc;
    __s32 pid;
    __s32 old_pid;
};

SEC("tracepoint/sched/sched_process_exec")
int trace_exec(struct exec_record *rec) {
    __u32 key = 2;
    __u64 *n = bpf_map_lookup_elem(&stats, &key);
    if (n) *n += rec->pid;
    return rec->pid == rec->old_pid ? 1 : rec->pid - rec->old_pid;
}

// Who opened: the current task's ids and name, as a probe in that process sees them.
struct who {
    __u64 pid_tgid;
    __u64 uid_gid;
    char comm[8];
};

SEC("uprobe/libc.so.6:open")
int trace_who(struct pt_regs *ctx) {
    struct who w = {};
    w.pid_tgid = bpf_get_current_pid_tgid();
    w.uid_gid = bpf_get_current_uid_gid();
    bpf_get_current_comm(w.comm, sizeof(w.comm));
    bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &w, sizeof(w));
    return w.pid_tgid >> 32;
}

// The exec'd file name through the record's __data_loc field: low 16 bits offset, high 16 length.
SEC("tp/sched/sched_process_exec")
int trace_exec_name(struct exec_record *rec) {
    char name[16] = {};
    __u32 offset = rec->filename_loc & 0xffff;
    long n = bpf_probe_read_kernel_str(name, sizeof(name), (void *)rec + offset);
    bpf_perf_event_output(rec, &events, BPF_F_CURRENT_CPU, name, sizeof(name));
    return n;
}

char LICENSE[] SEC("license") = "GPL";
