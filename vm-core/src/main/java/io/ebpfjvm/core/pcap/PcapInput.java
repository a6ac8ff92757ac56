package io.ebpfjvm.core.pcap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The byte stream under a capture reader. It counts the byte offset (for error messages),
 * knows how many bytes remain when the source is a file, and reads in bounded chunks, so a
 * length field that lies never makes a reader allocate more than what is really there.
 */
final class PcapInput implements Closeable {
    /** Largest piece read (and so allocated) at once when the remaining size is unknown. */
    static final int CHUNK = 64 * 1024;

    private final InputStream in;
    private final String name;
    private final long size;
    private final byte[] skipBuffer = new byte[4096];
    private long offset;

    /**
     * @param size the total number of bytes the stream holds, or -1 when unknown
     */
    PcapInput(InputStream in, String name, long size) {
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, CHUNK);
        this.name = name;
        this.size = size;
    }

    String name() {
        return name;
    }

    /** Bytes consumed so far: the file offset of the next byte. */
    long offset() {
        return offset;
    }

    /** Bytes left in the source, or -1 when the source does not say. */
    long remaining() {
        return size < 0 ? -1 : Math.max(0, size - offset);
    }

    /** Reads up to {@code length} bytes; fewer only at the end of the stream. */
    int read(byte[] into, int at, int length) {
        try {
            int n = in.readNBytes(into, at, length);
            offset += n;
            return n;
        } catch (IOException e) {
            throw ioError(e);
        }
    }

    /**
     * Exactly {@code length} bytes in a new array, or null if the stream ends first. Memory
     * grows with the bytes actually read, never with {@code length}.
     */
    byte[] readExactly(int length) {
        long left = remaining();
        if (left >= 0 && left < length) {
            skip(left);
            return null;
        }
        try {
            byte[] data = in.readNBytes(length); // reads (and allocates) in small chunks
            offset += data.length;
            return data.length == length ? data : null;
        } catch (IOException e) {
            throw ioError(e);
        }
    }

    /** Skips {@code n} bytes; returns how many were really there. */
    long skip(long n) {
        long done = 0;
        while (done < n) {
            int got = read(skipBuffer, 0, (int) Math.min(skipBuffer.length, n - done));
            if (got == 0) {
                break;
            }
            done += got;
        }
        return done;
    }

    private UncheckedIOException ioError(IOException e) {
        return new UncheckedIOException(name + ": read error at byte " + offset + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
