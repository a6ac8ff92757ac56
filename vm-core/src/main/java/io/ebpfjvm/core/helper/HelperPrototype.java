package io.ebpfjvm.core.helper;

import java.util.List;
import java.util.Objects;

/**
 * A helper's signature as the verifier sees it (the kernel's {@code struct bpf_func_proto}):
 * its name, the kind of each argument r1..r5 it reads and the kind of value it returns.
 *
 * <pre>{@code
 * HelperPrototype lookup = HelperPrototype.of("map_lookup_elem",
 *     ReturnKind.PTR_TO_MAP_VALUE_OR_NULL, ArgKind.CONST_MAP_PTR, ArgKind.PTR_TO_MAP_KEY);
 * }</pre>
 *
 * @param name      the helper's name without the {@code bpf_} prefix, used in messages
 * @param returns   what r0 holds after the call
 * @param arguments one kind per argument register read, at most five
 */
public record HelperPrototype(String name, ReturnKind returns, List<ArgKind> arguments) {
    public HelperPrototype {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(returns, "returns");
        arguments = List.copyOf(arguments);
        if (arguments.size() > 5) {
            throw new IllegalArgumentException("helper " + name + " declares " + arguments.size()
                    + " arguments, at most 5 fit in r1..r5");
        }
    }

    public static HelperPrototype of(String name, ReturnKind returns, ArgKind... arguments) {
        return new HelperPrototype(name, returns, List.of(arguments));
    }
}
