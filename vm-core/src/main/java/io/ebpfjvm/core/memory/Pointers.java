package io.ebpfjvm.core.memory;

/**
 * Tagged 64-bit addresses: the region id in the upper 32 bits, the byte offset in the lower
 * 32. Region 0 is never mapped, so a small integer used as a pointer always faults.
 * Offsets are read as unsigned: arithmetic that borrows out of the low half yields an offset
 * near 2^32 in another region id, which no bounds check can accept.
 */
public final class Pointers {
    private Pointers() {
    }

    public static long make(int region, long offset) {
        return ((long) region << 32) + offset;
    }

    public static int region(long address) {
        return (int) (address >>> 32);
    }

    /** The offset within the region, unsigned. */
    public static long offset(long address) {
        return address & 0xffffffffL;
    }
}
