package io.ebpfjvm.core.exec;

/**
 * Limits and surroundings of runs.
 *
 * @param stepLimit most instructions a single run may execute (callbacks and tail calls
 *                  included) before it is stopped with an {@code EbpfRuntimeException}. The
 *                  default, 100 million, is far above what any packet program needs (the
 *                  kernel's verifier refuses programs whose explored paths exceed a million
 *                  instructions) yet stops an endless loop in well under a second.
 * @param programs  where {@code bpf_tail_call} finds the programs a program array names
 */
public record ExecutionOptions(long stepLimit, ProgramTable programs) {
    public static final long DEFAULT_STEP_LIMIT = 100_000_000L;

    public ExecutionOptions {
        if (stepLimit <= 0) {
            throw new IllegalArgumentException("stepLimit must be positive, got " + stepLimit);
        }
        if (programs == null) {
            programs = new ProgramTable();
        }
    }

    public static ExecutionOptions defaults() {
        return new ExecutionOptions(DEFAULT_STEP_LIMIT, new ProgramTable());
    }

    public ExecutionOptions withStepLimit(long limit) {
        return new ExecutionOptions(limit, programs);
    }

    public ExecutionOptions withPrograms(ProgramTable table) {
        return new ExecutionOptions(stepLimit, table);
    }
}
