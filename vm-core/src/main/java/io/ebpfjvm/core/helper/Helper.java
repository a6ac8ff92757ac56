package io.ebpfjvm.core.helper;

/**
 * A helper function a program reaches with {@code call ID}: arguments in r1..r5, result in r0.
 * Pointer arguments are tagged addresses; read and write through {@link HelperContext#memory()}.
 */
@FunctionalInterface
public interface Helper {
    long call(HelperContext context, long r1, long r2, long r3, long r4, long r5);
}
