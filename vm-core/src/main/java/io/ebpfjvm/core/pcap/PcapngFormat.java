package io.ebpfjvm.core.pcap;

import io.ebpfjvm.core.error.PcapFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The pcapng format (draft-ietf-opsawg-pcapng), read-only: section headers (either byte order,
 * several sections), interface descriptions (link type, snapshot length, {@code if_tsresol},
 * {@code if_tsoffset}), enhanced, simple and obsolete packet blocks; every other block is
 * skipped. All packets must share one link type, since a {@link PcapRecord} does not carry one.
 */
final class PcapngFormat extends RecordFormat {
    static final int SHB = 0x0a0d0d0a;
    private static final int IDB = 1;
    private static final int PB = 2;
    private static final int SPB = 3;
    private static final int EPB = 6;
    private static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    /** Interface descriptions are small; a bigger one is corruption, not something to buffer. */
    private static final int MAX_IDB = 64 * 1024;

    /** One interface of the current section: what its packets' fields mean. */
    private record Interface(int linkType, long snapLength, boolean decimal, int exponent, long offsetSeconds) {
        boolean finerThanMicroseconds() {
            return decimal ? exponent > 6 : exponent > 19;
        }
    }

    private final byte[] scratch = new byte[28];
    private final List<Interface> interfaces = new ArrayList<>();
    private ByteOrder order;
    private int blockType;
    private long blockLength;
    /** The input is inside a packet block whose rest (after the data) the next advance() must finish. */
    private boolean inPacket;
    /** Bytes of that block after the data, before its trailing length: padding and options. */
    private long trailer;

    /** Reads the first section header and the blocks up to the first interface description. */
    PcapngFormat(PcapInput in) {
        super(in);
        recordOffset = 0;
        blockLength = readSectionHeader();
        finishBlock(blockLength - 28);
        while (interfaces.isEmpty()) {
            if (!nextBlock()) {
                // A capture with no interface has no packets: report an Ethernet header for it.
                header = new PcapHeader(order, false, 0, PcapHeader.LINKTYPE_ETHERNET);
                return;
            }
            switch (blockType) {
                case IDB -> readInterface();
                case EPB, SPB, PB -> throw blockError("packet block before any interface description");
                default -> finishBlock(blockLength - 12);
            }
        }
        Interface first = interfaces.get(0);
        header = new PcapHeader(order, first.finerThanMicroseconds(), (int) first.snapLength(), first.linkType());
    }

    @Override
    boolean isPcapng() {
        return true;
    }

    @Override
    boolean advance() {
        while (true) {
            if (inPacket) {
                inPacket = false;
                finishBlock(trailer);
            }
            if (!nextBlock()) {
                return false;
            }
            switch (blockType) {
                case IDB -> readInterface();
                case EPB -> {
                    readPacketBlock(EPB);
                    return true;
                }
                case PB -> {
                    readPacketBlock(PB);
                    return true;
                }
                case SPB -> {
                    readSimplePacket();
                    return true;
                }
                default -> finishBlock(blockLength - 12);
            }
        }
    }

    /**
     * Reads the next block's type and length into {@link #blockType} and {@link #blockLength};
     * false at a clean end. Section headers are handled here: a new section restarts the
     * interfaces and may switch the byte order.
     */
    private boolean nextBlock() {
        while (true) {
            recordOffset = in.offset();
            int first = in.read(scratch, 0, 4);
            if (first == 0) {
                return false;
            }
            if (first < 4) {
                throw blockError("block header truncated: " + first + " of 8 bytes present");
            }
            if (ByteBuffer.wrap(scratch).getInt(0) == SHB) { // a palindrome: the same in both byte orders
                interfaces.clear();
                blockLength = readSectionHeader();
                finishBlock(blockLength - 28);
                continue;
            }
            int got = in.read(scratch, 4, 4);
            if (got < 4) {
                throw blockError("block header truncated: " + (4 + got) + " of 8 bytes present");
            }
            ByteBuffer b = ByteBuffer.wrap(scratch, 0, 8).order(order);
            blockType = b.getInt(0);
            blockLength = checkBlockLength(b.getInt(4) & 0xffffffffL);
            return true;
        }
    }

    /** The rest of a section header whose type was read; returns its total length. */
    private long readSectionHeader() {
        int n = in.read(scratch, 4, 20);
        if (n < 20) {
            throw blockError("section header truncated: " + (4 + n) + " of 24 bytes present");
        }
        ByteBuffer b = ByteBuffer.wrap(scratch, 0, 24);
        order = null;
        for (ByteOrder candidate : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            if (b.order(candidate).getInt(8) == BYTE_ORDER_MAGIC) {
                order = candidate;
            }
        }
        if (order == null) {
            throw blockError(String.format("byte-order magic %08x, expected 1a2b3c4d in either byte order",
                b.order(ByteOrder.BIG_ENDIAN).getInt(8)));
        }
        b.order(order);
        int major = b.getShort(12) & 0xffff;
        if (major != 1) {
            throw blockError("section version " + major + "." + (b.getShort(14) & 0xffff) + ", expected 1.x");
        }
        long length = checkBlockLength(b.getInt(4) & 0xffffffffL);
        if (length < 28) {
            throw blockError("section header of " + length + " bytes, expected at least 28");
        }
        return length;
    }

    private void readInterface() {
        if (blockLength < 20 || blockLength - 12 > MAX_IDB) {
            throw blockError("interface description of " + blockLength + " bytes, expected 20.." + (MAX_IDB + 12));
        }
        byte[] body = in.readExactly((int) blockLength - 12);
        if (body == null) {
            throw blockError("interface description truncated, expected " + blockLength + " bytes");
        }
        finishBlock(0);
        ByteBuffer b = ByteBuffer.wrap(body).order(order);
        int linkType = b.getShort(0) & 0xffff;
        long snap = b.getInt(4) & 0xffffffffL;
        boolean decimal = true;
        int exponent = 6;
        long offsetSeconds = 0;
        int at = 8;
        while (at + 4 <= body.length) {
            int code = b.getShort(at) & 0xffff;
            int length = b.getShort(at + 2) & 0xffff;
            if (code == 0) {
                break;
            }
            if (at + 4 + length > body.length) {
                throw blockError("interface option " + code + " of " + length + " bytes runs past the block");
            }
            if (code == 9 && length >= 1) { // if_tsresol: 10^-n, or 2^-n when the top bit is set
                int v = body[at + 4] & 0xff;
                decimal = (v & 0x80) == 0;
                exponent = v & 0x7f;
            } else if (code == 14 && length >= 8) { // if_tsoffset: seconds added to every timestamp
                offsetSeconds = b.getLong(at + 4);
            }
            at += 4 + ((length + 3) & ~3);
        }
        interfaces.add(new Interface(linkType, snap, decimal, exponent, offsetSeconds));
    }

    /** Enhanced (type 6) or obsolete (type 2) packet block: 20 fixed bytes, data, options. */
    private void readPacketBlock(int type) {
        ByteBuffer b = readHeader(scratch, 20, "packet block", order);
        if (b == null) {
            throw blockError("packet block truncated after its 8-byte header");
        }
        long interfaceId = type == EPB ? b.getInt(0) & 0xffffffffL : b.getShort(0) & 0xffff;
        long ticks = (b.getInt(4) & 0xffffffffL) << 32 | (b.getInt(8) & 0xffffffffL);
        long captured = b.getInt(12) & 0xffffffffL;
        long original = b.getInt(16) & 0xffffffffL;
        Interface iface = packetInterface(interfaceId);
        long padded = (captured + 3) & ~3L;
        if (padded > blockLength - 32) {
            throw error("captured length " + captured + " does not fit its block of " + blockLength + " bytes");
        }
        checkLengths(captured, original, iface.snapLength());
        timestampNanos = nanos(iface, ticks);
        found(captured, original, blockLength - 32 - captured);
    }

    /** Simple packet block: original length, then as much data as the snapshot length allowed. */
    private void readSimplePacket() {
        if (blockLength < 16) {
            throw blockError("simple packet block of " + blockLength + " bytes, expected at least 16");
        }
        ByteBuffer b = readHeader(scratch, 4, "simple packet block", order);
        if (b == null) {
            throw blockError("simple packet block truncated after its 8-byte header");
        }
        long original = b.getInt(0) & 0xffffffffL;
        Interface iface = packetInterface(0);
        long snap = iface.snapLength();
        long captured = Math.min(original, snap == 0 ? blockLength - 16 : Math.min(blockLength - 16, snap));
        checkLengths(captured, original, iface.snapLength());
        timestampNanos = 0; // simple packet blocks carry no timestamp
        found(captured, original, blockLength - 16 - captured);
    }

    private void found(long captured, long original, long rest) {
        index++;
        capturedLength = (int) captured;
        originalLength = (int) original;
        trailer = rest; // padding and options; the next advance() skips them and checks the trailing length
        inPacket = true;
    }

    private Interface packetInterface(long id) {
        if (id >= interfaces.size()) {
            throw error("interface " + id + ", expected one of the " + interfaces.size() + " described before it");
        }
        Interface iface = interfaces.get((int) id);
        if (iface.linkType() != header.linkType()) {
            throw error("interface " + id + " has link type " + iface.linkType() + ", but the capture's first has "
                + header.linkType() + ": mixed link types are not supported (split the file with editcap)");
        }
        return iface;
    }

    /** Timestamp units of {@code iface} to nanoseconds since the epoch. */
    private long nanos(Interface iface, long ticks) {
        try {
            if (ticks < 0) {
                throw new ArithmeticException();
            }
            long n;
            int e = iface.exponent();
            if (iface.decimal()) {
                n = e <= 9 ? Math.multiplyExact(ticks, pow10(9 - e)) : e - 9 > 18 ? 0 : ticks / pow10(e - 9);
            } else {
                // ticks * 10^9 / 2^e, with the 128-bit product so nothing overflows midway.
                long hi = Math.multiplyHigh(ticks, 1_000_000_000L);
                long lo = ticks * 1_000_000_000L;
                if (e == 0) {
                    n = Math.multiplyExact(ticks, 1_000_000_000L);
                } else if (e < 64) {
                    if (hi >>> e != 0) {
                        throw new ArithmeticException();
                    }
                    n = hi << (64 - e) | lo >>> e;
                } else {
                    n = hi >>> (e - 64);
                }
                if (n < 0) {
                    throw new ArithmeticException();
                }
            }
            return Math.addExact(n, Math.multiplyExact(iface.offsetSeconds(), 1_000_000_000L));
        } catch (ArithmeticException overflow) {
            throw error("timestamp " + Long.toUnsignedString(ticks) + " is beyond the year 2262, "
                + "expected nanoseconds since 1970 to fit 63 bits");
        }
    }

    private static long pow10(int n) {
        long v = 1;
        for (int i = 0; i < n; i++) {
            v *= 10;
        }
        return v;
    }

    private long checkBlockLength(long length) {
        if (length < 12 || length % 4 != 0) {
            throw blockError("block length " + length + ", expected a multiple of 4, at least 12");
        }
        long left = in.remaining();
        long consumed = in.offset() - recordOffset;
        if (left >= 0 && length - consumed > left) {
            throw blockError("truncated: block of " + length + " bytes, only " + (left + consumed) + " remain");
        }
        return length;
    }

    /** Skips {@code rest} bytes of the block body, then checks the trailing copy of its length. */
    private void finishBlock(long rest) {
        if (in.skip(rest) < rest) {
            throw blockError("block truncated, expected " + blockLength + " bytes");
        }
        int n = in.read(scratch, 0, 4);
        if (n < 4) {
            throw blockError("block truncated before its trailing length, expected " + blockLength + " bytes");
        }
        long trailing = ByteBuffer.wrap(scratch, 0, 4).order(order).getInt(0) & 0xffffffffL;
        if (trailing != blockLength) {
            throw blockError("trailing block length " + trailing + ", expected " + blockLength + " as at its start");
        }
    }

    private PcapFormatException blockError(String what) {
        return new PcapFormatException(in.name() + ": block at byte " + recordOffset + " (before record "
            + (index + 1) + "): " + what);
    }
}
