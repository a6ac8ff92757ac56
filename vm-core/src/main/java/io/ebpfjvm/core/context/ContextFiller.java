package io.ebpfjvm.core.context;

/**
 * Writes a run's context structure into an engine's per-thread context array, skipping the work
 * when it cannot change anything: a read-only context ({@code xdp_md}) whose fields do not
 * depend on the packet, filled last time from the same metadata at the same version.
 * One per thread, like the array it fills.
 */
public final class ContextFiller {
    private PacketMetadata filledFrom;
    private int filledVersion;

    /** Fills {@code context} for the packet at {@code packet[offset..offset+length)}. */
    public void fill(ContextLayout layout, byte[] context, PacketMetadata m, byte[] packet, int offset, int length) {
        if (layout.readOnly() && filledFrom == m && filledVersion == m.version()) {
            return;
        }
        m.fill(layout, context, packet, offset, length);
        if (filledFrom != m) {
            filledFrom = m; // a reference store costs a GC barrier: only when the metadata changes
        }
        filledVersion = m.version();
    }
}
