package io.ebpfjvm.verifier.helper;

/** What a helper leaves in r0 ({@code enum bpf_return_type}). */
public enum Ret {
    INTEGER,
    VOID,
    PTR_TO_MAP_VALUE_OR_NULL,
    PTR_TO_RINGBUF_MEM_OR_NULL,
    PTR_TO_SOCKET_OR_NULL,
    PTR_TO_TCP_SOCK_OR_NULL,
    PTR_TO_SOCK_COMMON_OR_NULL
}
