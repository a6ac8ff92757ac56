package io.ebpfjvm.bench.report;

/**
 * One figure of the report: ns per packet of one program on one packet mix by one runner
 * ({@code interp}, {@code jit}, {@code java} or {@code kernel}), measured with {@code threads}
 * threads; allocation in bytes per packet when JMH's gc profiler ran, else NaN.
 */
record Measurement(String program, String mix, String runner, int threads, double nsPerPacket,
                   double error, double bytesPerPacket) {
}
