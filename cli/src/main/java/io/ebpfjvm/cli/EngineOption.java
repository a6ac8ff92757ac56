package io.ebpfjvm.cli;

/** Values of {@code --engine}. */
enum EngineOption {
    interp,
    jit
}
