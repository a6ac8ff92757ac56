// Opcodes that ordinary C rarely produces, written as inline assembly: ISA v4 signed
// division and modulo, sign-extending moves and loads, byte swaps, long jumps, atomics and
// the legacy packet loads.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int odd_ops(struct __sk_buff *skb) {
    long r;
    asm volatile (
        "r6 = r1;"
        "r0 = *(u8 *)skb[12];"
        "r0 = *(u16 *)skb[12];"
        "r0 = *(u32 *)skb[12];"
        "r2 = 3;"
        "r0 = *(u16 *)skb[r2];"
        "r1 = -7;"
        "r2 = 2;"
        "r1 s/= r2;"
        "r1 s%%= 3;"
        "w1 s/= w2;"
        "w1 s%%= -3;"
        "r3 = (s8)r1;"
        "r3 = (s16)r1;"
        "r3 = (s32)r1;"
        "w3 = (s8)w1;"
        "w3 = (s16)w1;"
        "r3 = bswap16 r3;"
        "r3 = bswap32 r3;"
        "r3 = bswap64 r3;"
        "r3 = be16 r3;"
        "r3 = le32 r3;"
        "*(u64 *)(r10 - 8) = r3;"
        "r4 = *(s8 *)(r10 - 8);"
        "r4 = *(s16 *)(r10 - 8);"
        "r4 = *(s32 *)(r10 - 8);"
        "r5 = 1;"
        "lock *(u64 *)(r10 - 8) += r5;"
        "lock *(u32 *)(r10 - 8) |= w5;"
        "r5 = atomic_fetch_and((u64 *)(r10 - 8), r5);"
        "w5 = atomic_fetch_xor((u32 *)(r10 - 8), w5);"
        "r5 = xchg_64(r10 - 8, r5);"
        "w5 = xchg32_32(r10 - 8, w5);"
        "r0 = cmpxchg_64(r10 - 8, r0, r5);"
        "w0 = cmpxchg32_32(r10 - 8, w0, w5);"
        "gotol +1;"
        "r0 = 0;"
        "if w0 s> -5 goto +1;"
        "r0 = -r0;"
        "%[r] = r0;"
        : [r] "=r"(r) : : "r0", "r1", "r2", "r3", "r4", "r5", "r6", "memory");
    return r;
}

char LICENSE[] SEC("license") = "GPL";
