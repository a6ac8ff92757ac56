package io.ebpfjvm.samples.firewall;

import io.ebpfjvm.core.pcap.PacketBatch;

import java.util.Arrays;

/**
 * Packets laid end to end in one array, each at {@link #offset(int)} for {@link #length(int)}
 * bytes: the form engines run fastest on (no copy, no allocation per packet). Programs that
 * do not write the packet (the firewall) can run over it from many threads at once.
 */
public final class Traffic {
    private final byte[] data;
    private final int[] offsets;
    private final int[] lengths;
    private final int count;

    public Traffic(byte[] data, int[] offsets, int[] lengths, int count) {
        this.data = data;
        this.offsets = offsets;
        this.lengths = lengths;
        this.count = count;
    }

    /** The packets of a capture. */
    public static Traffic of(PacketBatch batch) {
        int n = batch.count();
        int[] offsets = new int[n];
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = batch.offset(i);
            lengths[i] = batch.length(i);
        }
        return new Traffic(batch.data(), offsets, lengths, n);
    }

    /** The packets of {@code parts}, in order, in one array. */
    public static Traffic concat(Traffic... parts) {
        long bytes = 0;
        int n = 0;
        for (Traffic t : parts) {
            bytes += t.bytes();
            n += t.count;
        }
        if (bytes > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("traffic larger than 2 GB");
        }
        byte[] data = new byte[(int) bytes];
        int[] offsets = new int[n];
        int[] lengths = new int[n];
        int at = 0;
        int k = 0;
        for (Traffic t : parts) {
            for (int i = 0; i < t.count; i++, k++) {
                System.arraycopy(t.data, t.offsets[i], data, at, t.lengths[i]);
                offsets[k] = at;
                lengths[k] = t.lengths[i];
                at += t.lengths[i];
            }
        }
        return new Traffic(data, offsets, lengths, n);
    }

    public int count() {
        return count;
    }

    public byte[] data() {
        return data;
    }

    public int offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    /** A copy of packet {@code i}. */
    public byte[] packet(int i) {
        return Arrays.copyOfRange(data, offsets[i], offsets[i] + lengths[i]);
    }

    /** Total bytes of all packets. */
    public long bytes() {
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += lengths[i];
        }
        return sum;
    }

    /** Appends packets to a growing array. */
    public static final class Builder {
        private byte[] data = new byte[1 << 16];
        private int[] offsets = new int[1024];
        private int[] lengths = new int[1024];
        private int count;
        private int used;

        public Builder add(byte[] packet, int offset, int length) {
            if (used + length > data.length) {
                long grown = Math.max((long) data.length * 2, (long) used + length);
                if (grown > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("traffic larger than 2 GB");
                }
                data = Arrays.copyOf(data, (int) grown);
            }
            if (count == offsets.length) {
                offsets = Arrays.copyOf(offsets, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
            }
            System.arraycopy(packet, offset, data, used, length);
            offsets[count] = used;
            lengths[count] = length;
            used += length;
            count++;
            return this;
        }

        public Traffic build() {
            return new Traffic(data, offsets, lengths, count);
        }
    }
}
