package io.ebpfjvm.core.map;

import io.ebpfjvm.core.loader.MapSpec;

import java.util.concurrent.locks.StampedLock;

/**
 * {@code BPF_MAP_TYPE_LPM_TRIE}: longest-prefix match. A key is a little-endian u32 prefix
 * length followed by {@code key_size - 4} data bytes (an IPv4 or IPv6 address, or any bit
 * string, most significant bit first). An update stores the prefix (length 0 to
 * {@code 8 * (key_size - 4)}); a lookup returns the value of the longest stored prefix that
 * matches the key's data within the key's prefix length (programs pass the full length; a
 * longer one finds nothing, as in the kernel).
 * Update and delete name a prefix exactly; data bits past the prefix length are ignored.
 * Errors as the kernel's: {@code -EINVAL} for a prefix length too long or bad flags,
 * {@code -ENOSPC} when {@code max_entries} prefixes are stored, {@code -EEXIST}/{@code -ENOENT}
 * for NOEXIST/EXIST.
 *
 * <p>The structure is an {@link LpmTrie} like the kernel's, so iteration order is the
 * kernel's too (post-order: more specific prefixes first). Values are in {@code max_entries
 * + 1} slots; a replacement is written to the spare slot and swapped in (copy-on-write), as
 * the kernel swaps in a new node. Changes take the write lock; lookups read optimistically.
 */
public final class LpmTrieMap extends BpfMap {
    private final StampedLock lock = new StampedLock();
    private final LpmTrie trie;
    private final byte[] values;
    /** Free value slots, a stack. */
    private final int[] freeSlots;
    private int freeTop;

    LpmTrieMap(MapDefinition definition, MapSpec spec) {
        super(definition, spec);
        this.trie = new LpmTrie(keySize - 4, maxEntries);
        int slots = maxEntries + 1;
        this.values = new byte[Math.toIntExact((long) slots * stride)];
        this.freeSlots = new int[slots];
        for (int i = 0; i < slots; i++) {
            freeSlots[i] = slots - 1 - i;
        }
        this.freeTop = slots;
    }

    @Override
    public byte[] values() {
        return values;
    }

    @Override
    public int size() {
        long stamp = lock.readLock();
        try {
            return trie.entries();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The longest prefix length a key may carry: 8 bits per data byte. */
    public int maxPrefixLength() {
        return trie.maxBits();
    }

    private int match(byte[] key, int keyOffset) {
        long stamp = lock.tryOptimisticRead();
        int slot = trie.lookup(key, keyOffset);
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                slot = trie.lookup(key, keyOffset);
            } finally {
                lock.unlockRead(stamp);
            }
        }
        return slot;
    }

    @Override
    public int lookupSlot(byte[] key, int keyOffset) {
        int slot = match(key, keyOffset);
        return slot < 0 ? -1 : slot * stride;
    }

    @Override
    long store(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags) {
        if (badFlags(flags)) {
            return -Errno.EINVAL;
        }
        long len = LpmTrie.prefix(key, keyOffset);
        if (len > trie.maxBits()) {
            return -Errno.EINVAL;
        }
        long stamp = lock.writeLock();
        try {
            int node = trie.findReal(key, keyOffset, (int) len);
            if (node != LpmTrie.NIL) {
                if (flags == Errno.BPF_NOEXIST) {
                    return -Errno.EEXIST;
                }
                int fresh = freeSlots[--freeTop];
                Words.copyIn(value, valueOffset, values, fresh * stride, valueSize);
                freeSlots[freeTop++] = trie.replaceValue(node, key, keyOffset, fresh);
                return 0;
            }
            if (flags == Errno.BPF_EXIST) {
                return -Errno.ENOENT;
            }
            if (trie.entries() >= maxEntries) {
                return -Errno.ENOSPC;
            }
            int slot = freeSlots[--freeTop];
            Words.copyIn(value, valueOffset, values, slot * stride, valueSize);
            trie.insert(key, keyOffset, (int) len, slot);
            return 0;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    @Override
    long hostUpdate(byte[] key, byte[] value, long flags) {
        return store(key, 0, value, 0, flags);
    }

    @Override
    long erase(byte[] key, int keyOffset) {
        long len = LpmTrie.prefix(key, keyOffset);
        if (len > trie.maxBits()) {
            return -Errno.EINVAL;
        }
        long stamp = lock.writeLock();
        try {
            int slot = trie.delete(key, keyOffset, (int) len);
            if (slot == LpmTrie.NIL) {
                return -Errno.ENOENT;
            }
            freeSlots[freeTop++] = slot;
            return 0;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** The value of the longest matching prefix, as the kernel's syscall lookup does. */
    @Override
    byte[] copyOf(byte[] key) {
        byte[] out = new byte[valueSize];
        long stamp = lock.tryOptimisticRead();
        int slot = trie.lookup(key, 0);
        if (slot >= 0) {
            Words.copyOut(values, slot * stride, out, 0, valueSize);
        }
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                slot = trie.lookup(key, 0);
                if (slot >= 0) {
                    Words.copyOut(values, slot * stride, out, 0, valueSize);
                }
            } finally {
                lock.unlockRead(stamp);
            }
        }
        return slot < 0 ? null : out;
    }

    @Override
    public long nextKey(byte[] key, int keyOffset, byte[] next, int nextOffset) {
        long stamp = lock.readLock();
        try {
            return trie.next(key, keyOffset, next, nextOffset) ? 0 : -Errno.ENOENT;
        } finally {
            lock.unlockRead(stamp);
        }
    }
}
