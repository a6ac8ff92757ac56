package io.ebpfjvm.core.helper;

import java.util.Map;
import java.util.TreeMap;

/**
 * The memory image {@code bpf_probe_read_kernel}/{@code _user} (and their {@code _str} forms)
 * read: byte ranges at 64-bit addresses the caller places, the kernel or user memory a
 * tracing program would have probed. Anything not placed faults: the helper zeroes its
 * destination and returns {@code -EFAULT}, as the kernel's do. Thread-safe; placing memory
 * while programs run is allowed (a read sees each segment whole or not at all).
 *
 * <pre>{@code
 * KernelMemory memory = new KernelMemory().place(0xffff888000001000L, "init".getBytes());
 * HelperRegistry helpers = KernelHelpers.registry(trace, memory);
 * }</pre>
 */
public final class KernelMemory {
    private volatile TreeMap<Long, byte[]> segments = new TreeMap<>(Long::compareUnsigned);

    /** Places a copy of {@code bytes} at {@code address} (replacing segments starting there). */
    public synchronized KernelMemory place(long address, byte[] bytes) {
        if (bytes.length == 0) {
            return this;
        }
        if (Long.compareUnsigned(address + bytes.length - 1, address) < 0) {
            throw new IllegalArgumentException("segment at 0x" + Long.toHexString(address) + " of " + bytes.length
                + " bytes wraps around the address space");
        }
        TreeMap<Long, byte[]> next = new TreeMap<>(segments);
        next.put(address, bytes.clone());
        segments = next;
        return this;
    }

    /** Removes everything placed. */
    public synchronized void clear() {
        segments = new TreeMap<>(Long::compareUnsigned);
    }

    /**
     * Copies {@code length} bytes at {@code address} into {@code dst[offset..]}; false (and
     * nothing guaranteed about {@code dst}) when any byte is not placed.
     */
    public boolean read(long address, byte[] dst, int offset, int length) {
        TreeMap<Long, byte[]> s = segments;
        long at = address;
        int done = 0;
        while (done < length) {
            int n = copyFrom(s, at, dst, offset + done, length - done);
            if (n <= 0) {
                return false;
            }
            done += n;
            at += n;
        }
        return true;
    }

    /** The byte at {@code address}, or -1 when it is not placed. */
    public int byteAt(long address) {
        Map.Entry<Long, byte[]> e = segments.floorEntry(address);
        if (e == null) {
            return -1;
        }
        long rel = address - e.getKey();
        return Long.compareUnsigned(rel, e.getValue().length) < 0 ? e.getValue()[(int) rel] & 0xff : -1;
    }

    private static int copyFrom(TreeMap<Long, byte[]> s, long address, byte[] dst, int offset, int length) {
        Map.Entry<Long, byte[]> e = s.floorEntry(address);
        if (e == null) {
            return 0;
        }
        long rel = address - e.getKey();
        byte[] seg = e.getValue();
        if (Long.compareUnsigned(rel, seg.length) >= 0) {
            return 0;
        }
        int n = (int) Math.min(length, seg.length - rel);
        System.arraycopy(seg, (int) rel, dst, offset, n);
        return n;
    }
}
