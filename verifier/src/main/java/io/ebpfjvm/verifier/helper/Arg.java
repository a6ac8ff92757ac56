package io.ebpfjvm.verifier.helper;

/** A helper argument's kind as the kernel checks it ({@code enum bpf_arg_type} with its flags). */
public enum Arg {
    ANYTHING,
    CONST_MAP_PTR,
    PTR_TO_MAP_KEY,
    PTR_TO_MAP_VALUE,
    /** A map value the helper writes ({@code ARG_PTR_TO_MAP_VALUE | MEM_UNINIT}). */
    PTR_TO_UNINIT_MAP_VALUE,
    /** Readable memory sized by the next argument. */
    PTR_TO_MEM_READONLY,
    /** Readable memory or null, sized by the next argument. */
    PTR_TO_MEM_OR_NULL_READONLY,
    /** Memory the helper fills, sized by the next argument. */
    PTR_TO_UNINIT_MEM,
    /** Memory the helper reads and writes, sized by the next argument. */
    PTR_TO_MEM,
    CONST_SIZE,
    CONST_SIZE_OR_ZERO,
    CONST_ALLOC_SIZE_OR_ZERO,
    PTR_TO_CTX,
    PTR_TO_CTX_OR_NULL,
    PTR_TO_SOCK_COMMON,
    /** A socket reference to release ({@code ARG_PTR_TO_BTF_ID_SOCK_COMMON | OBJ_RELEASE}). */
    PTR_TO_SOCK_RELEASE,
    /** A ring-buffer record to release. */
    PTR_TO_RINGBUF_MEM,
    PTR_TO_FUNC,
    PTR_TO_STACK_OR_NULL,
    /** Eight writable, aligned bytes ({@code ARG_PTR_TO_LONG}). */
    PTR_TO_LONG
}
