package io.ebpfjvm.core.helper;

import io.ebpfjvm.core.map.Errno;
import io.ebpfjvm.core.memory.AddressSpace;
import io.ebpfjvm.core.memory.Pointers;
import io.ebpfjvm.core.memory.Regions;

import java.util.Arrays;

/** {@code bpf_probe_read_*}: copies out of a {@link KernelMemory}, with the kernel's fault handling. */
final class ProbeRead {
    private ProbeRead() {
    }

    /**
     * {@code probe_read_kernel/user(dst, size, src)}: 0, or {@code -EFAULT} with {@code dst}
     * zeroed. {@code src} is looked up in the image first; an address the image does not hold
     * that points into the program's own memory (its context, stack, packet or a map value,
     * all kernel memory in the kernel) is read from there.
     */
    static long bytes(HelperContext c, KernelMemory image, long dst, long size, long src) {
        int n = checkedSize(size);
        if (n == 0) {
            return 0;
        }
        AddressSpace mem = c.memory();
        int at = mem.index(dst, n, true, c.instructionIndex());
        byte[] out = mem.array(dst);
        if (!image.read(src, out, at, n) && !readOwn(mem, src, out, at, n)) {
            Arrays.fill(out, at, at + n, (byte) 0);
            return -Errno.EFAULT;
        }
        return 0;
    }

    /**
     * {@code probe_read_kernel_str/user_str(dst, size, src)}: copies a NUL-terminated string of
     * at most {@code size - 1} bytes and a NUL; returns the bytes written including the NUL,
     * or {@code -EFAULT} with {@code dst} zeroed when a byte before the end is not readable.
     */
    static long string(HelperContext c, KernelMemory image, long dst, long size, long src) {
        int n = checkedSize(size);
        if (n == 0) {
            return 0;
        }
        AddressSpace mem = c.memory();
        int at = mem.index(dst, n, true, c.instructionIndex());
        byte[] out = mem.array(dst);
        for (int i = 0; i < n - 1; i++) {
            int b = image.byteAt(src + i);
            if (b < 0) {
                b = ownByte(mem, src + i);
            }
            if (b < 0) {
                Arrays.fill(out, at, at + n, (byte) 0);
                return -Errno.EFAULT;
            }
            out[at + i] = (byte) b;
            if (b == 0) {
                return i + 1;
            }
        }
        out[at + n - 1] = 0;
        return n;
    }

    /** Copies from a mapped region of the program's address space; false when not all of it is there. */
    private static boolean readOwn(AddressSpace mem, long src, byte[] out, int at, int n) {
        int region = Pointers.region(src);
        if (region <= Regions.NULL || region >= Regions.CAPACITY || !mem.isMapped(region)
            || Pointers.offset(src) + n > mem.length(region)) {
            return false;
        }
        int from = mem.index(src, n, false, 0);
        System.arraycopy(mem.array(src), from, out, at, n);
        return true;
    }

    private static int ownByte(AddressSpace mem, long address) {
        int region = Pointers.region(address);
        if (region <= Regions.NULL || region >= Regions.CAPACITY || !mem.isMapped(region)
            || Pointers.offset(address) + 1 > mem.length(region)) {
            return -1;
        }
        return mem.array(address)[mem.index(address, 1, false, 0)] & 0xff;
    }

    private static int checkedSize(long size) {
        // the verifier bounds size by the destination; a runaway value faults in index() instead
        return (int) Math.max(0, Math.min(size, Integer.MAX_VALUE));
    }
}
