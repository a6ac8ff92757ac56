package io.ebpfjvm.core.map;

import io.ebpfjvm.core.loader.MapSpec;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * {@code RINGBUF}: variable-size records reserved by programs, committed or discarded, and
 * consumed in order from Java. Each record has an 8-byte header (length with the kernel's
 * BUSY and DISCARD bits, then padding) and is rounded up to 8 bytes. A record never wraps:
 * when it would cross the end, the space up to the end becomes a discarded record and the
 * record starts at offset 0 (the kernel maps the area twice instead; order and contents are
 * the same).
 */
public final class RingBufMap extends BpfMap {
    static final int HEADER = 8;
    static final int BUSY = 1 << 31;
    static final int DISCARD = 1 << 30;

    private final byte[] data;
    private final int size;
    private long producer;
    private long consumer;

    RingBufMap(MapSpec spec) {
        super(spec);
        this.size = spec.maxEntries();
        this.data = new byte[size];
    }

    @Override
    public byte[] values() {
        return data;
    }

    /**
     * Reserves {@code length} bytes; returns the index in {@link #values()} of the record's
     * data, or -1 when there is no room (as {@code bpf_ringbuf_reserve} returns NULL).
     */
    public synchronized int reserve(long length) {
        if (length <= 0 || length > size / 2) {
            return -1;
        }
        int total = (int) ((length + HEADER + 7) & ~7L);
        int at = (int) (producer % size);
        long needed = total;
        if (at + total > size) {
            needed += size - at;
        }
        if (producer - consumer + needed > size) {
            return -1;
        }
        if (at + total > size) {
            putU32(data, at, (size - at - HEADER) | DISCARD);
            producer += size - at;
            at = 0;
        }
        putU32(data, at, (int) length | BUSY);
        producer += total;
        return at + HEADER;
    }

    /** Commits ({@code discard} false) or discards a reserved record, by its data index. */
    public synchronized void commit(int dataIndex, boolean discard) {
        int header = dataIndex - HEADER;
        int len = u32(data, header) & ~(BUSY | DISCARD);
        putU32(data, header, len | (discard ? DISCARD : 0));
    }

    /** {@code bpf_ringbuf_output}: reserve, copy and commit; 0 or -EAGAIN-style failure (-ENOSPC). */
    public long output(byte[] src, int offset, int length) {
        int at = reserve(length);
        if (at < 0) {
            return -Errno.ENOSPC;
        }
        System.arraycopy(src, offset, data, at, length);
        commit(at, false);
        return 0;
    }

    /**
     * Hands every committed record, in order, to {@code sink} (a read-only view valid during
     * the call); stops at the first record still being written. Returns how many it delivered.
     */
    public synchronized int poll(Consumer<ByteBuffer> sink) {
        int delivered = 0;
        while (consumer < producer) {
            int at = (int) (consumer % size);
            int header = u32(data, at);
            if ((header & BUSY) != 0) {
                break;
            }
            int len = header & ~(BUSY | DISCARD);
            if ((header & DISCARD) == 0) {
                sink.accept(ByteBuffer.wrap(data, at + HEADER, len).slice().asReadOnlyBuffer());
                delivered++;
            }
            consumer += (len + HEADER + 7) & ~7L;
        }
        return delivered;
    }

    /** Bytes reserved or committed but not yet consumed. */
    public synchronized long pending() {
        return producer - consumer;
    }

    @Override
    public int lookup(byte[] key, int keyOffset) {
        return -1;
    }

    @Override
    public long update(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags) {
        return -Errno.EINVAL;
    }

    @Override
    public long delete(byte[] key, int keyOffset) {
        return -Errno.EINVAL;
    }

    @Override
    public boolean nextKey(byte[] key, byte[] out) {
        return false;
    }

    @Override
    protected void checkKey(byte[] key) {
        throw new io.ebpfjvm.core.error.EbpfException("map '" + name() + "': ring buffers have no keys; use poll()");
    }
}
