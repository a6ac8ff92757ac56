package io.ebpfjvm.core.helper;

/** What a helper leaves in r0, in the kernel's terms ({@code enum bpf_return_type}). */
public enum ReturnKind {
    /** A number ({@code RET_INTEGER}). */
    INTEGER,
    /** Nothing the program may read ({@code RET_VOID}); r0 is unreadable afterwards. */
    VOID,
    /** A pointer into the map of argument 1's values, or 0 ({@code RET_PTR_TO_MAP_VALUE_OR_NULL}). */
    PTR_TO_MAP_VALUE_OR_NULL,
    /** Ring-buffer memory of argument 2's size, or 0; must be submitted or discarded ({@code RET_PTR_TO_ALLOC_MEM_OR_NULL}). */
    PTR_TO_RINGBUF_MEM_OR_NULL
}
