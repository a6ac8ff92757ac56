package io.ebpfjvm.verifier;

/**
 * What the verifier proved about one memory instruction on every path reaching it: the region
 * kind, and the byte range the access may touch relative to the region's start (for the stack:
 * relative to the frame pointer r10, so offsets are negative).
 *
 * @param kind      the region kind on every path, or {@link RegionKind#ANY}
 * @param mapIndex  for {@link RegionKind#MAP_VALUE}, the map's index in the program's map set; else -1
 * @param frame     for {@link RegionKind#STACK}, how many frames up from the executing one (0 = own); else -1
 * @param minOffset smallest offset of the first byte accessed
 * @param maxOffset largest offset of the first byte accessed
 * @param size      access width in bytes
 */
public record MemoryAccess(RegionKind kind, int mapIndex, int frame, long minOffset, long maxOffset, int size) {
    /** True when every path accesses the same offset. */
    public boolean constantOffset() {
        return minOffset == maxOffset;
    }
}
