package io.ebpfjvm.core.map;

import java.util.Arrays;

/**
 * An open-addressing table from fixed-size byte keys to slot numbers 0..capacity-1, all in
 * flat arrays (no object per entry, nothing allocated per operation). Linear probing with
 * tombstones. Not synchronized: the owning map serialises writers and validates readers.
 */
final class KeyTable {
    private static final byte EMPTY = 0;
    private static final byte USED = 1;
    private static final byte DELETED = 2;

    private final int keySize;
    private final int maxEntries;
    private final int mask;
    private final byte[] keys;
    private final byte[] state;
    private final int[] slotOf;
    private final int[] bucketBySlot;
    /** Free value slots, a stack. */
    private final int[] free;
    private int freeTop;
    private int size;
    private int tombstones;

    KeyTable(int keySize, int maxEntries) {
        this.keySize = keySize;
        this.maxEntries = maxEntries;
        int buckets = Integer.highestOneBit(Math.max(4, maxEntries * 2 - 1)) << 1;
        this.mask = buckets - 1;
        this.keys = new byte[Math.multiplyExact(buckets, keySize)];
        this.state = new byte[buckets];
        this.slotOf = new int[buckets];
        this.bucketBySlot = new int[maxEntries];
        this.free = new int[maxEntries];
        for (int i = 0; i < maxEntries; i++) {
            free[i] = maxEntries - 1 - i;
        }
        this.freeTop = maxEntries;
    }

    int size() {
        return size;
    }

    boolean full() {
        return size >= maxEntries;
    }

    static int hash(byte[] key, int off, int len) {
        int h = 0x9747b28c;
        for (int i = 0; i < len; i++) {
            h ^= key[off + i];
            h *= 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    /** The bucket holding {@code key}, or -1. */
    int find(byte[] key, int off) {
        int b = hash(key, off, keySize) & mask;
        for (int probes = 0; probes <= mask; probes++, b = (b + 1) & mask) {
            byte s = state[b];
            if (s == EMPTY) {
                return -1;
            }
            if (s == USED && Arrays.equals(keys, b * keySize, b * keySize + keySize, key, off, off + keySize)) {
                return b;
            }
        }
        return -1;
    }

    int slot(int bucket) {
        return slotOf[bucket];
    }

    /** Inserts a key known to be absent; returns its new slot, or -1 when full. */
    int insert(byte[] key, int off) {
        if (full() || freeTop == 0) {
            return -1;
        }
        if (tombstones > mask / 4) {
            rehash();
        }
        int b = hash(key, off, keySize) & mask;
        while (state[b] == USED) {
            b = (b + 1) & mask;
        }
        if (state[b] == DELETED) {
            tombstones--;
        }
        System.arraycopy(key, off, keys, b * keySize, keySize);
        int slot = free[--freeTop];
        slotOf[b] = slot;
        bucketBySlot[slot] = b;
        state[b] = USED;
        size++;
        return slot;
    }

    /** Removes the entry in {@code bucket}; its slot goes back to the free list. */
    void remove(int bucket) {
        state[bucket] = DELETED;
        free[freeTop++] = slotOf[bucket];
        tombstones++;
        size--;
    }

    /** Bucket of the entry stored in {@code slot}, or -1 when the slot is free. */
    int bucketOfSlot(int slot) {
        int b = bucketBySlot[slot];
        return state[b] == USED && slotOf[b] == slot ? b : -1;
    }

    /** Copies the key of {@code bucket} into {@code out}. */
    void key(int bucket, byte[] out, int off) {
        System.arraycopy(keys, bucket * keySize, out, off, keySize);
    }

    /** The first used bucket after {@code bucket} (-1 to start), or -1 at the end. */
    int nextUsed(int bucket) {
        for (int b = bucket + 1; b <= mask; b++) {
            if (state[b] == USED) {
                return b;
            }
        }
        return -1;
    }

    private void rehash() {
        byte[] oldKeys = keys.clone();
        byte[] oldState = state.clone();
        int[] oldSlot = slotOf.clone();
        Arrays.fill(state, EMPTY);
        tombstones = 0;
        for (int b = 0; b <= mask; b++) {
            if (oldState[b] == USED) {
                int nb = hash(oldKeys, b * keySize, keySize) & mask;
                while (state[nb] == USED) {
                    nb = (nb + 1) & mask;
                }
                System.arraycopy(oldKeys, b * keySize, keys, nb * keySize, keySize);
                slotOf[nb] = oldSlot[b];
                bucketBySlot[oldSlot[b]] = nb;
                state[nb] = USED;
            }
        }
    }
}
