package io.ebpfjvm.core.helper;

import io.ebpfjvm.core.memory.AddressSpace;

/**
 * The helpers the bpf_conformance suite calls (ids 0-5). They are test fixtures of that
 * suite, not kernel helpers: only conformance tests and {@code ebpf conformance-plugin}
 * register them.
 */
public final class ConformanceHelpers {
    private ConformanceHelpers() {
    }

    public static HelperRegistry registry() {
        return HelperRegistry.builder()
            .register(0, "gather_bytes", (c, a, b, d, e, f) ->
                (a & 0xff) << 32 | (b & 0xff) << 24 | (d & 0xff) << 16 | (e & 0xff) << 8 | (f & 0xff))
            .register(1, "memfrob", ConformanceHelpers::memfrob)
            .register(2, "no_op", (c, a, b, d, e, f) -> 0)
            .register(3, "sqrti", (c, a, b, d, e, f) -> unsignedSqrt(a))
            .register(4, "strcmp_ext", ConformanceHelpers::strcmp)
            .register(5, "unwind", (c, a, b, d, e, f) -> {
                if (a == 0) {
                    c.stopAfterReturn();
                }
                return a;
            })
            .build();
    }

    private static long memfrob(HelperContext c, long pointer, long length, long r3, long r4, long r5) {
        AddressSpace m = c.memory();
        for (long i = 0; i < length; i++) {
            long at = pointer + i;
            m.store(at, 1, m.load(at, 1, c.instructionIndex()) ^ 42, c.instructionIndex());
        }
        return 0;
    }

    private static long strcmp(HelperContext c, long left, long right, long r3, long r4, long r5) {
        AddressSpace m = c.memory();
        for (long i = 0; ; i++) {
            int x = (int) m.load(left + i, 1, c.instructionIndex());
            int y = (int) m.load(right + i, 1, c.instructionIndex());
            if (x != y || x == 0) {
                return x - y;
            }
        }
    }

    /** Floor of the square root of {@code v} read as unsigned. */
    static long unsignedSqrt(long v) {
        if (v == 0) {
            return 0;
        }
        long r = (long) Math.sqrt(v < 0 ? (double) (v >>> 1) * 2.0 : (double) v);
        // Correct the floating-point estimate by at most a few steps.
        while (r > 0 && Long.compareUnsigned(r * r, v) > 0 || Long.compareUnsigned(r, 0xffffffffL) > 0) {
            r--;
        }
        while (Long.compareUnsigned(r + 1, 0xffffffffL) <= 0 && Long.compareUnsigned((r + 1) * (r + 1), v) <= 0) {
            r++;
        }
        return r;
    }
}
