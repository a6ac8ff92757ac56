package io.ebpfjvm.core.exec;

import io.ebpfjvm.core.context.PacketFrame;
import io.ebpfjvm.core.map.BpfMap;

import java.util.Arrays;

/**
 * What a packet run left besides its return value: where the resulting packet lies (the
 * adjust helpers move and resize it) and which redirect the program asked for. The caller
 * owns one, reuses it across runs (filling it allocates nothing once its buffer is large
 * enough) and passes it to
 * {@link ExecutableProgram#run(byte[], int, int, io.ebpfjvm.core.context.PacketMetadata, RunResult)}.
 *
 * <p>The packet is {@code packetArray()[packetOffset() .. packetOffset()+packetLength())}: the
 * caller's own array when the program did not move the packet (its stores are there, in
 * place), else a buffer this result owns, valid until its next use. The metadata
 * ({@code data_meta .. data}, what {@code bpf_xdp_adjust_meta} made room for) lies just before
 * it, {@link #metaLength()} bytes. Not thread-safe: one per thread.
 *
 * <pre>{@code
 * RunResult out = new RunResult();
 * long action = program.run(frame, 0, frame.length, null, out);
 * byte[] sent = out.packet();   // a copy, after adjust_head/adjust_tail
 * }</pre>
 */
public final class RunResult {
    /** What a redirect named. */
    public enum Redirect {
        /** The program asked for no redirect (or a redirect_map lookup failed last). */
        NONE,
        /** {@code bpf_redirect(ifindex, flags)}: {@link #redirectTarget()} is the ifindex. */
        IFINDEX,
        /** {@code bpf_redirect_map(map, key, flags)}: {@link #redirectMap()} and the key in {@link #redirectTarget()}. */
        MAP
    }

    private byte[] own = new byte[0];
    private byte[] array;
    private int offset;
    private int length;
    private int metaLength;
    private Redirect redirect = Redirect.NONE;
    private long redirectTarget;
    private BpfMap redirectMap;
    private long redirectFlags;

    /** The packet stayed where it was, unresized; no redirect (what an engine without packet tracking reports). */
    public void unchanged(byte[] packet, int packetOffset, int packetLength) {
        array = packet;
        offset = packetOffset;
        length = packetLength;
        metaLength = 0;
        redirect = Redirect.NONE;
        redirectTarget = 0;
        redirectMap = null;
        redirectFlags = 0;
    }

    /** Takes the packet and redirect of a finished run from its frame; {@code maps} resolves a redirect map. */
    public void capture(PacketFrame frame, MapSet maps) {
        length = frame.length();
        metaLength = frame.metaLength();
        if (frame.moved()) {
            int total = metaLength + length;
            if (own.length < total) {
                own = new byte[Math.max(total, 2048)];
            }
            System.arraycopy(frame.array(), frame.metaIndex(), own, 0, total);
            array = own;
            offset = metaLength;
        } else {
            array = frame.array();
            offset = frame.dataIndex();
        }
        redirect = switch (frame.redirectKind()) {
            case PacketFrame.REDIRECT_IFINDEX -> Redirect.IFINDEX;
            case PacketFrame.REDIRECT_MAP -> Redirect.MAP;
            default -> Redirect.NONE;
        };
        redirectTarget = frame.redirectTarget();
        redirectFlags = frame.redirectFlags();
        int m = frame.redirectMap();
        redirectMap = m >= 0 && m < maps.size() ? maps.get(m) : null;
    }

    public byte[] packetArray() {
        return array;
    }

    public int packetOffset() {
        return offset;
    }

    public int packetLength() {
        return length;
    }

    /** Bytes of metadata just before {@link #packetOffset()}. */
    public int metaLength() {
        return metaLength;
    }

    /** A copy of the resulting packet (without metadata). */
    public byte[] packet() {
        return Arrays.copyOfRange(array, offset, offset + length);
    }

    /** A copy of metadata and packet, as {@code bpf_prog_test_run}'s {@code data_out} gives them. */
    public byte[] metaAndPacket() {
        return Arrays.copyOfRange(array, offset - metaLength, offset + length);
    }

    public Redirect redirect() {
        return redirect;
    }

    /** The ifindex, or the map key, of the redirect. */
    public long redirectTarget() {
        return redirectTarget;
    }

    /** The map of a {@link Redirect#MAP} redirect, else null. */
    public BpfMap redirectMap() {
        return redirectMap;
    }

    /** The flags of the redirect call that set the target. */
    public long redirectFlags() {
        return redirectFlags;
    }

    @Override
    public String toString() {
        return "RunResult[packet " + length + " bytes, meta " + metaLength + ", redirect " + redirect
            + (redirect == Redirect.NONE ? "" : " " + redirectTarget + (redirectMap != null ? " in " + redirectMap.name() : "")) + "]";
    }
}
