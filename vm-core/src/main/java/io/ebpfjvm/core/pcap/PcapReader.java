package io.ebpfjvm.core.pcap;

import io.ebpfjvm.core.error.PcapFormatException;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams the packets of a capture file, one record at a time, without native code:
 * classic libpcap files in either byte order with micro- or nanosecond timestamps, and pcapng
 * files (read-only; every packet must have the same link type).
 *
 * <p>Malformed input throws {@link PcapFormatException} naming the file, the record index, the
 * byte offset and what was expected. Lengths are checked before anything is allocated for a
 * record (at most {@link PcapHeader#recordLimit()} bytes, and never more than the file still
 * holds), so a hostile file can neither exhaust memory nor make the reader hang.
 *
 * <pre>{@code
 * try (PcapReader reader = PcapReader.open(path)) {
 *     for (PcapRecord r : reader) {
 *         handle(r.timestampNanos(), r.data());
 *     }
 * }
 * }</pre>
 *
 * Not thread-safe. For many packets in one flat array, see {@link PacketBatch}.
 */
public final class PcapReader implements Closeable, Iterable<PcapRecord> {
    private final PcapInput input;
    private final RecordFormat format;
    /** Captured bytes of the current record not read yet. */
    private int bodyLeft;
    private boolean iterated;

    /**
     * Reads the file header from {@code in}; the reader owns the stream from now on.
     *
     * @param name what error messages call the input (a file name)
     */
    public PcapReader(InputStream in, String name) {
        this(new PcapInput(in, name, -1));
    }

    private PcapReader(PcapInput input) {
        this.input = input;
        this.format = detect(input);
    }

    /** Opens a capture file; its size bounds every length field, so truncation is caught before reading. */
    public static PcapReader open(Path file) {
        InputStream stream;
        long size;
        try {
            stream = Files.newInputStream(file);
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        PcapInput input = new PcapInput(stream, file.toString(), size);
        try {
            return new PcapReader(input);
        } catch (RuntimeException e) {
            input.close();
            throw e;
        }
    }

    private static RecordFormat detect(PcapInput in) {
        byte[] magic = new byte[4];
        int n = in.read(magic, 0, 4);
        if (n < 4) {
            throw new PcapFormatException(in.name() + ": global header truncated at byte " + n + ", expected "
                + ClassicPcapFormat.GLOBAL_HEADER + " bytes");
        }
        if (ByteBuffer.wrap(magic).getInt() == PcapngFormat.SHB) {
            return new PcapngFormat(in);
        }
        return new ClassicPcapFormat(in, magic);
    }

    /** Byte order, timestamp resolution, snapshot length and link type of the capture. */
    public PcapHeader header() {
        return format.header;
    }

    /** True when the file is pcapng rather than classic pcap. */
    public boolean isPcapng() {
        return format.isPcapng();
    }

    /** The next record, or null at the end of the file. */
    public PcapRecord next() {
        if (!advance()) {
            return null;
        }
        long before = input.offset();
        byte[] data = input.readExactly(bodyLeft);
        if (data == null) {
            bodyLeft -= (int) (input.offset() - before);
            throw truncated();
        }
        bodyLeft = 0;
        return new PcapRecord(format.timestampNanos, format.originalLength, data);
    }

    /**
     * The records not read yet, in file order. A reader is a stream, so this can be called once;
     * the iterator throws {@link PcapFormatException} where {@link #next()} would.
     */
    @Override
    public Iterator<PcapRecord> iterator() {
        if (iterated) {
            throw new IllegalStateException(input.name() + ": a PcapReader can be iterated only once");
        }
        iterated = true;
        return new Iterator<>() {
            private PcapRecord ahead;

            @Override
            public boolean hasNext() {
                if (ahead == null) {
                    ahead = PcapReader.this.next();
                }
                return ahead != null;
            }

            @Override
            public PcapRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                PcapRecord r = ahead;
                ahead = null;
                return r;
            }
        };
    }

    /** Moves to the next record's captured bytes (skipping what is left of the current one); false at the end. */
    boolean advance() {
        if (bodyLeft > 0) {
            long skipped = input.skip(bodyLeft);
            bodyLeft -= (int) skipped;
            if (bodyLeft > 0) {
                throw truncated();
            }
        }
        if (!format.advance()) {
            return false;
        }
        bodyLeft = format.capturedLength;
        return true;
    }

    String name() {
        return input.name();
    }

    /** Bytes the file still holds, or -1 for a stream of unknown size. */
    long remainingBytes() {
        return input.remaining();
    }

    long timestampNanos() {
        return format.timestampNanos;
    }

    int capturedLength() {
        return format.capturedLength;
    }

    int originalLength() {
        return format.originalLength;
    }

    /** Index of the current record and its byte offset in the file, for messages. */
    int recordIndex() {
        return format.index;
    }

    long recordOffset() {
        return format.recordOffset;
    }

    /** Reads the next {@code length} captured bytes of the current record into {@code into}. */
    void readData(byte[] into, int at, int length) {
        if (length > bodyLeft) {
            throw new IllegalArgumentException(length + " bytes asked, " + bodyLeft + " left in the record");
        }
        int got = input.read(into, at, length);
        bodyLeft -= got;
        if (got < length) {
            throw truncated();
        }
    }

    private PcapFormatException truncated() {
        int captured = format.capturedLength;
        return new PcapFormatException(input.name() + ": record " + format.index + " at byte " + format.recordOffset
            + ": truncated: " + (captured - bodyLeft) + " of " + captured + " captured bytes present");
    }

    @Override
    public void close() {
        input.close();
    }
}
