package io.ebpfjvm.core.exec;

/**
 * Limits on one run.
 *
 * @param stepLimit most instructions a single run may execute before it is stopped with an
 *                  {@code EbpfRuntimeException}. The default, 100 million, is far above what
 *                  any packet program needs (the kernel's verifier refuses programs whose
 *                  explored paths exceed a million instructions) yet stops an endless loop
 *                  in well under a second.
 */
public record ExecutionOptions(long stepLimit) {
    public static final long DEFAULT_STEP_LIMIT = 100_000_000L;

    public ExecutionOptions {
        if (stepLimit <= 0) {
            throw new IllegalArgumentException("stepLimit must be positive, got " + stepLimit);
        }
    }

    public static ExecutionOptions defaults() {
        return new ExecutionOptions(DEFAULT_STEP_LIMIT);
    }

    public ExecutionOptions withStepLimit(long limit) {
        return new ExecutionOptions(limit);
    }
}
