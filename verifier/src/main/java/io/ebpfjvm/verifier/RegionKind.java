package io.ebpfjvm.verifier;

/** The kind of memory a load, store or atomic touches, as the verifier proved it. */
public enum RegionKind {
    /** The current frame's stack, or a caller's frame reached through a passed pointer. */
    STACK,
    /** The program's context structure (rewritten on access). */
    CONTEXT,
    /** Packet bytes between {@code data} and {@code data_end}. */
    PACKET,
    /** Packet metadata between {@code data_meta} and {@code data}. */
    PACKET_META,
    /** A value of one map (see {@link MemoryAccess#mapIndex()}). */
    MAP_VALUE,
    /** A record reserved in a ring buffer. */
    RINGBUF_MEM,
    /** Memory a helper returned or the kind differs between paths: engines must check the tag. */
    ANY
}
