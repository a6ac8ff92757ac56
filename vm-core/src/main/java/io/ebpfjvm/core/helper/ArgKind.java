package io.ebpfjvm.core.helper;

/**
 * What a helper expects in one argument register, in the kernel's terms ({@code enum
 * bpf_arg_type}). The verifier checks each argument against its kind; engines ignore them.
 */
public enum ArgKind {
    /** Any initialised value, scalar or pointer ({@code ARG_ANYTHING}). */
    ANYTHING,
    /** A scalar ({@code ARG_ANYTHING} restricted to numbers, e.g. flags). */
    SCALAR,
    /** A map reference from {@code lddw rX, map} ({@code ARG_CONST_MAP_PTR}). */
    CONST_MAP_PTR,
    /** Readable memory of the map's key size ({@code ARG_PTR_TO_MAP_KEY}). */
    PTR_TO_MAP_KEY,
    /** Readable memory of the map's value size ({@code ARG_PTR_TO_MAP_VALUE}). */
    PTR_TO_MAP_VALUE,
    /** Readable initialised memory whose size is the next argument ({@code ARG_PTR_TO_MEM | MEM_RDONLY}). */
    PTR_TO_MEM_READONLY,
    /** Writable memory, possibly uninitialised, whose size is the next argument ({@code ARG_PTR_TO_UNINIT_MEM}). */
    PTR_TO_UNINIT_MEM,
    /** Readable memory that may be null when the next (size) argument is 0. */
    PTR_TO_MEM_OR_NULL,
    /** A known constant size &gt; 0 for the previous memory argument ({@code ARG_CONST_SIZE}). */
    CONST_SIZE,
    /** A known size &gt;= 0 for the previous memory argument ({@code ARG_CONST_SIZE_OR_ZERO}). */
    CONST_SIZE_OR_ZERO,
    /** The program's context pointer, unmodified ({@code ARG_PTR_TO_CTX}). */
    PTR_TO_CTX,
    /** A pointer to a subprogram from {@code lddw rX, func} ({@code ARG_PTR_TO_FUNC}). */
    PTR_TO_FUNC,
    /** Memory returned by {@code ringbuf_reserve}, unmodified ({@code ARG_PTR_TO_ALLOC_MEM | OBJ_RELEASE}). */
    PTR_TO_RINGBUF_MEM,
    /** A constant allocation size for {@code ringbuf_reserve} ({@code ARG_CONST_ALLOC_SIZE_OR_ZERO}). */
    CONST_ALLOC_SIZE_OR_ZERO,
    /** A pointer to a stack slot or map value the helper may read or write ({@code ARG_PTR_TO_STACK_OR_NULL}). */
    PTR_TO_STACK_OR_NULL
}
