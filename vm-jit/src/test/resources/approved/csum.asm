; benchmarks/src/main/bpf/csum.c as clang-19 -O2 compiles it, JIT-compiled with the verifier's facts
w0 = 0x1
r2 = *(u32 *)(r1 + 0x4)
r3 = *(u32 *)(r1 + 0x0)
r1 = r3
r1 += 0xe
if r1 > r2 goto +0x25
r4 = 0x0
r1 = 0x0
r5 = r3
r5 += r4
r0 = r5
r0 += 0x10
if r0 > r2 goto +0x9
r5 = *(u16 *)(r5 + 0xe)
r1 += r5
r4 += 0x2
if w4 == 0x600 goto +0x1
goto -0xa
r3 += r4
r3 += 0xe
r5 = r3
goto +0x1
r5 += 0xe
r3 = r5
r3 += 0x1
if r3 > r2 goto +0x2
r2 = *(u8 *)(r5 + 0x0)
r1 += r2
r2 = r1
r2 >>= 0x10
r1 &= 0xffff
r1 += r2
r2 = r1
r2 >>= 0x10
w1 &= 0xffff
w1 += w2
w2 = w1
w2 >>= 0x10
w2 += w1
r2 &= 0x1
w0 = 0x1
if r2 == 0x0 goto +0x1
w0 = 0x2
exit

