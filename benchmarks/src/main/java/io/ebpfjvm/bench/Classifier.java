package io.ebpfjvm.bench;

/** One way of classifying a frame: an engine running an eBPF program, or hand-written Java. */
@FunctionalInterface
public interface Classifier {
    /** The verdict for {@code frame[offset .. offset+length)} (an XDP action, or a cBPF snap length). */
    long classify(byte[] frame, int offset, int length);
}
