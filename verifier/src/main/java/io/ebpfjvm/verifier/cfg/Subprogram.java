package io.ebpfjvm.verifier.cfg;

/**
 * A function of the program: the main program (index 0) or a bpf-to-bpf callee.
 *
 * @param index      position in start order
 * @param start      first slot
 * @param end        one past the last slot
 * @param stackDepth bytes of stack the verifier saw it use (0 before verification)
 */
public record Subprogram(int index, int start, int end, int stackDepth) {
}
