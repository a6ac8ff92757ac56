package io.ebpfjvm.core.context;

import io.ebpfjvm.core.map.Errno;
import io.ebpfjvm.core.memory.AddressSpace;
import io.ebpfjvm.core.memory.Regions;

import java.util.Arrays;

/**
 * The packet of one run and where its bytes lie, the kernel's {@code struct xdp_buff}:
 * {@code data_meta <= data <= data_end} inside a frame with headroom before and tailroom after.
 * The {@link Regions#PACKET} region of the run's address space is always the window
 * {@code [data_meta, data_end)}, so {@code data} is at offset {@link #dataOffset()} of it.
 *
 * <p>A run starts in place on the caller's bytes (no copy, metadata empty). The first
 * {@code bpf_xdp_adjust_head}/{@code _meta}/{@code _tail} moves the packet into this frame's
 * own buffer laid out as {@code bpf_prog_test_run} lays it out: 256 bytes of zeroed headroom
 * (of which the first 40 hold the kernel's {@code struct xdp_frame} and stay unusable),
 * the packet, then room up to a 4096-byte frame minus the 320 bytes of
 * {@code skb_shared_info}. From then on the program works on that copy; the caller's array
 * keeps what was written before the move. One frame belongs to one thread and is reused;
 * its buffer grows only for a packet larger than any before.
 *
 * <p>It also records the redirect a program asked for ({@code bpf_redirect},
 * {@code bpf_redirect_map}): the kernel keeps that in the per-CPU {@code bpf_redirect_info}.
 */
public final class PacketFrame {
    /** {@code XDP_PACKET_HEADROOM}. */
    public static final int XDP_HEADROOM = 256;
    /** {@code sizeof(struct xdp_frame)}, kept at the start of the headroom. */
    public static final int XDP_FRAME_HEADER = 40;
    /** {@code SKB_DATA_ALIGN(sizeof(struct skb_shared_info))}, reserved at the end of the frame. */
    public static final int TAILROOM = 320;
    /** The frame size {@code bpf_prog_test_run} gives an XDP packet (a page). */
    public static final int FRAME_SIZE = 4096;
    /** {@code ETH_HLEN}: the shortest packet the adjust helpers leave. */
    public static final int ETH_HLEN = 14;
    /** Largest metadata length ({@code skb_shared_info.meta_len} is a u8); it must also be a multiple of 4. */
    public static final int MAX_META = 255;

    /** No redirect was requested in this run. */
    public static final int REDIRECT_NONE = 0;
    /** {@code bpf_redirect(ifindex, flags)}. */
    public static final int REDIRECT_IFINDEX = 1;
    /** {@code bpf_redirect_map(map, key, flags)} found its key (or broadcast). */
    public static final int REDIRECT_MAP = 2;

    private final AddressSpace space;
    private byte[] array = new byte[0];
    private boolean writable;
    private boolean moved;
    private byte[] buffer = new byte[0];
    /** Absolute indexes in {@link #array}. */
    private int hardStart;
    private int hardEnd;
    private int meta;
    private int data;
    private int end;

    private int redirectKind;
    private long redirectTarget;
    private int redirectMap;
    private long redirectFlags;

    public PacketFrame(AddressSpace space) {
        this.space = space;
    }

    /** Starts a run on {@code array[offset .. offset+length)} in place, and maps it as the packet region. */
    public void reset(byte[] array, int offset, int length, boolean writable) {
        if (this.array != array) {
            this.array = array; // skipped when unchanged: a reference store costs a GC write barrier
        }
        this.writable = writable;
        this.moved = false;
        this.hardStart = offset;
        this.hardEnd = offset + length;
        this.meta = offset;
        this.data = offset;
        this.end = offset + length;
        this.redirectKind = REDIRECT_NONE;
        this.redirectMap = -1;
        this.redirectTarget = 0;
        this.redirectFlags = 0;
        remap();
    }

    private void remap() {
        space.map(Regions.PACKET, array, meta, end - meta, writable);
    }

    /** Offset of {@code data} in the packet region (the metadata length). */
    public int dataOffset() {
        return data - meta;
    }

    /** {@code data_end - data}. */
    public int length() {
        return end - data;
    }

    /** {@code data - data_meta}. */
    public int metaLength() {
        return data - meta;
    }

    /** True once an adjust helper moved the packet out of the caller's array into this frame's buffer. */
    public boolean moved() {
        return moved;
    }

    /** The array the packet lies in now: the caller's, or this frame's buffer once {@link #moved()}. */
    public byte[] array() {
        return array;
    }

    /** Index of {@code data} in {@link #array()}. */
    public int dataIndex() {
        return data;
    }

    /** Index of {@code data_meta} in {@link #array()}. */
    public int metaIndex() {
        return meta;
    }

    /** Copies the packet into the frame buffer with test_run's headroom, so it can grow at both ends. */
    private void move() {
        if (moved) {
            return;
        }
        int length = end - data;
        int size = Math.max(FRAME_SIZE, XDP_HEADROOM + length + TAILROOM);
        if (buffer.length < size) {
            buffer = new byte[size];
        }
        Arrays.fill(buffer, 0, XDP_HEADROOM, (byte) 0);
        System.arraycopy(array, data, buffer, XDP_HEADROOM, length);
        array = buffer;
        hardStart = 0;
        hardEnd = size - TAILROOM;
        meta = XDP_HEADROOM;
        data = XDP_HEADROOM;
        end = XDP_HEADROOM + length;
        writable = true;
        moved = true;
        remap(); // also when the adjustment that asked for the move then fails
    }

    /** {@code bpf_xdp_adjust_head}: moves {@code data} by {@code delta} (negative grows the packet), metadata along. */
    public long adjustHead(int delta) {
        move();
        int metaLength = data - meta;
        long newData = (long) data + delta;
        if (newData < hardStart + XDP_FRAME_HEADER + metaLength || newData > end - ETH_HLEN) {
            return -Errno.EINVAL;
        }
        if (metaLength > 0) {
            System.arraycopy(array, meta, array, meta + delta, metaLength);
        }
        meta += delta;
        data = (int) newData;
        remap();
        return 0;
    }

    /** {@code bpf_xdp_adjust_meta}: moves {@code data_meta} by {@code delta} (negative grows the metadata). */
    public long adjustMeta(int delta) {
        move();
        long newMeta = (long) meta + delta;
        if (newMeta < hardStart + XDP_FRAME_HEADER || newMeta > data) {
            return -Errno.EINVAL;
        }
        long metaLength = data - newMeta;
        if ((metaLength & 3) != 0 || metaLength > MAX_META) {
            return -Errno.EACCES;
        }
        meta = (int) newMeta;
        remap();
        return 0;
    }

    /** {@code bpf_xdp_adjust_tail}: moves {@code data_end} by {@code delta}; grown bytes read as zero. */
    public long adjustTail(int delta) {
        move();
        long newEnd = (long) end + delta;
        if (newEnd > hardEnd || newEnd < data + ETH_HLEN) {
            return -Errno.EINVAL;
        }
        if (delta > 0) {
            Arrays.fill(array, end, (int) newEnd, (byte) 0);
        }
        end = (int) newEnd;
        remap();
        return 0;
    }

    /**
     * {@code bpf_xdp_load_bytes}/{@code bpf_xdp_store_bytes}: copies {@code length} bytes
     * between packet offset {@code offset} (from {@code data}) and {@code buffer[at..]}.
     * Offsets and lengths are the helper's u32s: above 0xffff is {@code -EFAULT}, past the
     * end {@code -EINVAL}.
     */
    public long copyBytes(long offset, byte[] buffer, int at, long length, boolean store) {
        long off = offset & 0xffffffffL;
        long len = length & 0xffffffffL;
        if (off > 0xffff || len > 0xffff) {
            return -Errno.EFAULT;
        }
        if (off + len > end - data) {
            return -Errno.EINVAL;
        }
        if (store) {
            System.arraycopy(buffer, at, array, data + (int) off, (int) len);
        } else {
            System.arraycopy(array, data + (int) off, buffer, at, (int) len);
        }
        return 0;
    }

    /** Records {@code bpf_redirect}'s target (the last successful redirect call wins, as in the kernel). */
    public void redirectToIfindex(long ifindex, long flags) {
        redirectKind = REDIRECT_IFINDEX;
        redirectTarget = ifindex & 0xffffffffL;
        redirectMap = -1;
        redirectFlags = flags;
    }

    /** Records {@code bpf_redirect_map}'s target: map index in the object and key. */
    public void redirectToMap(int mapIndex, long key, long flags) {
        redirectKind = REDIRECT_MAP;
        redirectTarget = key;
        redirectMap = mapIndex;
        redirectFlags = flags;
    }

    /** A failed {@code bpf_redirect_map} lookup clears what an earlier call recorded, as the kernel does. */
    public void clearRedirect() {
        redirectKind = REDIRECT_NONE;
        redirectTarget = 0;
        redirectMap = -1;
        redirectFlags = 0;
    }

    public int redirectKind() {
        return redirectKind;
    }

    /** The ifindex ({@link #REDIRECT_IFINDEX}) or map key ({@link #REDIRECT_MAP}). */
    public long redirectTarget() {
        return redirectTarget;
    }

    /** The object's map index for {@link #REDIRECT_MAP}, else -1. */
    public int redirectMap() {
        return redirectMap;
    }

    public long redirectFlags() {
        return redirectFlags;
    }
}
