package io.ebpfjvm.core.helper;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ebpfjvm.core.helper.ArgKind.*;
import static org.junit.jupiter.api.Assertions.*;

/** Every kernel helper is registered with the prototype the kernel's bpf_func_proto declares. */
class KernelHelperPrototypesTest {
    private final HelperRegistry kernel = KernelHelpers.registry(s -> { });

    @Test
    void everyKernelHelperHasAPrototypeNamedLikeItsRegistration() {
        assertTrue(kernel.ids().size() >= 30, "helpers: " + kernel.ids());
        for (int id : kernel.ids()) {
            HelperPrototype p = kernel.prototype(id);
            assertNotNull(p, "helper " + id + " (" + kernel.name(id) + ") has no prototype");
            assertEquals(kernel.name(id), p.name());
        }
    }

    /** Argument kinds transcribed from the kernel's *_proto definitions (net/core/filter.c, kernel/bpf/helpers.c, kernel/trace/bpf_trace.c). */
    @Test
    void argumentKindsAreTheKernels() {
        assertEquals(List.of(CONST_MAP_PTR, PTR_TO_MAP_KEY), kernel.prototype(1).arguments());
        assertEquals(ReturnKind.PTR_TO_MAP_VALUE_OR_NULL, kernel.prototype(1).returns());
        assertEquals(List.of(CONST_MAP_PTR, PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, ANYTHING), kernel.prototype(2).arguments());
        assertEquals(List.of(PTR_TO_CTX, ANYTHING, PTR_TO_UNINIT_MEM, CONST_SIZE), kernel.prototype(26).arguments());
        assertEquals(List.of(PTR_TO_CTX, CONST_MAP_PTR, ANYTHING, PTR_TO_MEM_READONLY, CONST_SIZE_OR_ZERO),
            kernel.prototype(KernelHelpers.PERF_EVENT_OUTPUT).arguments());
        assertEquals(List.of(CONST_MAP_PTR, ANYTHING, ANYTHING), kernel.prototype(KernelHelpers.REDIRECT_MAP).arguments());
        for (int id : new int[] {KernelHelpers.XDP_ADJUST_HEAD, KernelHelpers.XDP_ADJUST_META, KernelHelpers.XDP_ADJUST_TAIL}) {
            assertEquals(List.of(PTR_TO_CTX, ANYTHING), kernel.prototype(id).arguments());
        }
        for (int id : new int[] {4, 45, 112, 113, 114, 115}) {
            assertEquals(List.of(PTR_TO_UNINIT_MEM, CONST_SIZE_OR_ZERO, ANYTHING), kernel.prototype(id).arguments(), kernel.name(id));
        }
        assertEquals(List.of(ANYTHING, PTR_TO_FUNC, PTR_TO_STACK_OR_NULL, ANYTHING), kernel.prototype(181).arguments());
        assertEquals(ReturnKind.VOID, kernel.prototype(KernelHelpers.RINGBUF_SUBMIT).returns());
        assertEquals(ReturnKind.PTR_TO_RINGBUF_MEM_OR_NULL, kernel.prototype(KernelHelpers.RINGBUF_RESERVE).returns());
        assertEquals(List.of(PTR_TO_MEM_OR_NULL, CONST_SIZE_OR_ZERO, PTR_TO_MEM_OR_NULL, CONST_SIZE_OR_ZERO, ANYTHING),
            kernel.prototype(KernelHelpers.CSUM_DIFF).arguments());
    }

    @Test
    void kernelNumbersAreTheUapiOnes() {
        assertEquals("xdp_adjust_head", kernel.name(44));
        assertEquals("redirect_map", kernel.name(51));
        assertEquals("xdp_adjust_meta", kernel.name(54));
        assertEquals("xdp_adjust_tail", kernel.name(65));
        assertEquals("perf_event_output", kernel.name(25));
        assertEquals("probe_read_kernel_str", kernel.name(115));
    }
}
