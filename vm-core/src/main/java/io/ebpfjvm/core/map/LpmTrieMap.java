package io.ebpfjvm.core.map;

import io.ebpfjvm.core.loader.MapSpec;

import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * {@code LPM_TRIE}: keys are a u32 prefix length followed by the data (an address); a lookup
 * finds the stored prefix that matches the most leading bits of the key's data. Entries are
 * kept per prefix length in a {@link KeyTable} (prefix bits past the length zeroed), and a
 * lookup probes the lengths that hold entries, longest first: at most one probe per distinct
 * prefix length, no allocation (a per-thread scratch key).
 */
final class LpmTrieMap extends BpfMap {
    private final StampedLock lock = new StampedLock();
    private final KeyTable table;
    private final byte[] values;
    private final int maxBits;
    /** Entries stored per prefix length. */
    private final int[] perLength;
    private final ThreadLocal<byte[]> scratch;

    LpmTrieMap(MapSpec spec) {
        super(spec);
        this.maxBits = (spec.keySize() - 4) * 8;
        this.table = new KeyTable(spec.keySize(), spec.maxEntries());
        this.values = new byte[Math.multiplyExact(spec.maxEntries(), stride)];
        this.perLength = new int[maxBits + 1];
        this.scratch = ThreadLocal.withInitial(() -> new byte[spec.keySize()]);
    }

    @Override
    public byte[] values() {
        return values;
    }

    /** Copies {@code key}'s data into {@code out} with only the first {@code bits} bits kept. */
    private void masked(byte[] key, int off, int bits, byte[] out) {
        putU32(out, 0, bits);
        int n = spec.keySize() - 4;
        for (int i = 0; i < n; i++) {
            int keep = Math.max(0, Math.min(8, bits - 8 * i));
            int m = keep == 0 ? 0 : (0xff << (8 - keep)) & 0xff;
            out[4 + i] = (byte) (key[off + 4 + i] & m);
        }
    }

    @Override
    public int lookup(byte[] key, int keyOffset) {
        long stamp = lock.tryOptimisticRead();
        int slot = longestMatch(key, keyOffset);
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                slot = longestMatch(key, keyOffset);
            } finally {
                lock.unlockRead(stamp);
            }
        }
        return slot < 0 ? -1 : slot * stride;
    }

    private int longestMatch(byte[] key, int keyOffset) {
        long requested = u32(key, keyOffset) & 0xffffffffL;
        int bits = (int) Math.min(requested, maxBits);
        byte[] probe = scratch.get();
        for (int len = bits; len >= 0; len--) {
            if (perLength[len] == 0) {
                continue;
            }
            masked(key, keyOffset, len, probe);
            int b = table.find(probe, 0);
            if (b >= 0) {
                return table.slot(b);
            }
        }
        return -1;
    }

    @Override
    public long update(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags) {
        if (flags < 0 || flags > Errno.BPF_EXIST) {
            return -Errno.EINVAL;
        }
        long bits = u32(key, keyOffset) & 0xffffffffL;
        if (bits > maxBits) {
            return -Errno.EINVAL;
        }
        byte[] exact = new byte[spec.keySize()];
        masked(key, keyOffset, (int) bits, exact);
        long stamp = lock.writeLock();
        try {
            int b = table.find(exact, 0);
            if (b >= 0 && flags == Errno.BPF_NOEXIST) {
                return -Errno.EEXIST;
            }
            if (b < 0 && flags == Errno.BPF_EXIST) {
                return -Errno.ENOENT;
            }
            int slot;
            if (b < 0) {
                slot = table.insert(exact, 0);
                if (slot < 0) {
                    return -Errno.ENOSPC;
                }
                perLength[(int) bits]++;
            } else {
                slot = table.slot(b);
            }
            System.arraycopy(value, valueOffset, values, slot * stride, spec.valueSize());
            return 0;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    public long delete(byte[] key, int keyOffset) {
        long bits = u32(key, keyOffset) & 0xffffffffL;
        if (bits > maxBits) {
            return -Errno.EINVAL;
        }
        byte[] exact = new byte[spec.keySize()];
        masked(key, keyOffset, (int) bits, exact);
        long stamp = lock.writeLock();
        try {
            int b = table.find(exact, 0);
            if (b < 0) {
                return -Errno.ENOENT;
            }
            table.remove(b);
            perLength[(int) bits]--;
            return 0;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        checkKey(key);
        int at = lookup(key, 0);
        return at < 0 ? null : Arrays.copyOfRange(values, at, at + spec.valueSize());
    }

    @Override
    public boolean nextKey(byte[] key, byte[] out) {
        long stamp = lock.readLock();
        try {
            int from = -1;
            if (key != null) {
                byte[] exact = new byte[spec.keySize()];
                masked(key, 0, (int) Math.min(u32(key, 0) & 0xffffffffL, maxBits), exact);
                from = table.find(exact, 0);
            }
            int b = table.nextUsed(from);
            if (b < 0) {
                return false;
            }
            table.key(b, out, 0);
            return true;
        } finally {
            lock.unlockRead(stamp);
        }
    }
}
