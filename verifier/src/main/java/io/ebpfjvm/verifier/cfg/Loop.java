package io.ebpfjvm.verifier.cfg;

/**
 * A back-edge of the control-flow graph: the jump at {@code latch} returns to {@code header},
 * which dominates it in depth-first order. The kernel accepts such loops when it can explore
 * them to their exit within its complexity limit.
 */
public record Loop(int header, int latch) {
}
