package io.ebpfjvm.verifier.helper;

import java.util.List;

/**
 * A helper's prototype as the verifier checks it ({@code struct bpf_func_proto}).
 *
 * @param id              helper number
 * @param name            name without the {@code bpf_} prefix
 * @param ret             what r0 holds afterwards
 * @param args            argument kinds of r1.. in order
 * @param changesPacket   the helper may move or resize packet data, so packet pointers die
 * @param acquires        the returned pointer is a reference that must be released
 */
public record HelperSpec(int id, String name, Ret ret, List<Arg> args, boolean changesPacket, boolean acquires) {
    public HelperSpec {
        args = List.copyOf(args);
    }

    /** The kernel's {@code func_id_name}-based label: {@code bpf_map_lookup_elem#1}. */
    public String label() {
        return "bpf_" + name + "#" + id;
    }
}
