package io.ebpfjvm.core.pcap;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds pcapng files block by block, for the reader's tests (the library itself writes only
 * classic pcap). Nothing is checked: tests use it to build broken files too.
 */
final class PcapngTestWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order;

    PcapngTestWriter(ByteOrder order) {
        section(order);
    }

    /** A section header block (a new section: interfaces start again from 0). */
    PcapngTestWriter section(ByteOrder order) {
        this.order = order;
        ByteBuffer body = buffer(16 + 12);
        body.putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0).putLong(-1);
        option(body, 4, "ebpf-jvm test".getBytes()); // shb_userappl, skipped by the reader
        body.putShort((short) 0).putShort((short) 0);
        return block(0x0a0d0d0a, body);
    }

    /** An interface description; {@code tsresol} is the raw if_tsresol byte, or -1 for none. */
    PcapngTestWriter iface(int linkType, int snapLength, int tsresol, long tsoffset) {
        ByteBuffer body = buffer(8 + 8 + 12 + 8 + 4);
        body.putShort((short) linkType).putShort((short) 0).putInt(snapLength);
        option(body, 2, "eth0".getBytes()); // if_name
        if (tsresol >= 0) {
            option(body, 9, new byte[] {(byte) tsresol});
        }
        if (tsoffset != 0) {
            option(body, 14, ByteBuffer.allocate(8).order(order).putLong(tsoffset).array());
        }
        body.putShort((short) 0).putShort((short) 0);
        return block(1, body);
    }

    /** An enhanced packet block with a comment option. */
    PcapngTestWriter epb(int iface, long ticks, byte[] data, int originalLength) {
        ByteBuffer body = buffer(20 + data.length + 3 + 16);
        body.putInt(iface).putInt((int) (ticks >>> 32)).putInt((int) ticks).putInt(data.length).putInt(originalLength);
        body.put(data);
        pad(body);
        option(body, 1, "hi".getBytes()); // opt_comment
        body.putShort((short) 0).putShort((short) 0);
        return block(6, body);
    }

    /** An obsolete packet block (type 2). */
    PcapngTestWriter pb(int iface, long ticks, byte[] data, int originalLength) {
        ByteBuffer body = buffer(20 + data.length + 3);
        body.putShort((short) iface).putShort((short) 0).putInt((int) (ticks >>> 32)).putInt((int) ticks)
            .putInt(data.length).putInt(originalLength).put(data);
        pad(body);
        return block(2, body);
    }

    /** A simple packet block: the data is the original packet cut to the interface's snapshot. */
    PcapngTestWriter spb(byte[] data, int originalLength) {
        ByteBuffer body = buffer(4 + data.length + 3);
        body.putInt(originalLength).put(data);
        pad(body);
        return block(3, body);
    }

    /** A block of a type the reader skips (name resolution, statistics, custom...). */
    PcapngTestWriter other(int type, int bodyLength) {
        ByteBuffer body = buffer(bodyLength);
        body.position(bodyLength);
        return block(type, body);
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private ByteBuffer buffer(int capacity) {
        return ByteBuffer.allocate(capacity + 64).order(order);
    }

    private void option(ByteBuffer body, int code, byte[] value) {
        body.putShort((short) code).putShort((short) value.length).put(value);
        pad(body);
    }

    private static void pad(ByteBuffer b) {
        while (b.position() % 4 != 0) {
            b.put((byte) 0);
        }
    }

    private PcapngTestWriter block(int type, ByteBuffer body) {
        int length = 12 + body.position();
        ByteBuffer b = ByteBuffer.allocate(length).order(order);
        b.putInt(type).putInt(length).put(body.array(), 0, body.position()).putInt(length);
        out.writeBytes(b.array());
        return this;
    }
}
