package io.ebpfjvm.core.map;

import java.util.Arrays;

/**
 * The keys of a hash map: a chained hash table over a fixed number of preallocated slots.
 * Slot {@code s} keeps its key at {@code keys[s * keySize]} (and its value, in the map, at a
 * matching place); {@code buckets[b]} heads a chain linked through {@code next}; free slots
 * form a stack linked through {@code next} as well. Nothing is allocated after construction.
 *
 * <p>Not synchronized: the owning map serialises changes. {@link #find} may run while a
 * writer changes the table: every index it follows is in range and every walk is bounded,
 * so it cannot fail or loop, but its answer then means nothing and the caller must validate
 * it (the map's optimistic read stamp does).
 */
final class SlotTable {
    static final int NIL = -1;

    private final int keySize;
    private final int slots;
    private final int mask;
    private final long seed;
    private final byte[] keys;
    private final int[] buckets;
    private final int[] next;
    private int free;
    private int size;

    SlotTable(int keySize, int slots, long seed) {
        this.keySize = keySize;
        this.slots = slots;
        this.seed = seed;
        int bucketCount = slots <= 1 ? 1 : Integer.highestOneBit(slots - 1) << 1;
        this.mask = bucketCount - 1;
        this.keys = new byte[Math.multiplyExact(slots, keySize)];
        this.buckets = new int[bucketCount];
        this.next = new int[slots];
        Arrays.fill(buckets, NIL);
        for (int s = 0; s < slots; s++) {
            next[s] = s + 1 < slots ? s + 1 : NIL;
        }
        this.free = 0;
    }

    /** Entries linked into the table (allocated slots not yet inserted do not count). */
    int size() {
        return size;
    }

    /**
     * Seeded hash of {@code keySize} bytes, eight at a time: one multiply per word on the chain
     * and a final avalanche so the low bits that pick the bucket depend on every key bit.
     */
    private int bucket(byte[] key, int offset) {
        long h = seed ^ keySize;
        int i = 0;
        for (; i + 8 <= keySize; i += 8) {
            h = Long.rotateLeft((h ^ (long) Words.LONG.get(key, offset + i)) * 0xbf58476d1ce4e5b9L, 29);
        }
        if (i < keySize) {
            long tail = 0;
            for (int j = keySize - 1; j >= i; j--) {
                tail = tail << 8 | (key[offset + j] & 0xff);
            }
            h = Long.rotateLeft((h ^ tail ^ 0x5bd1e995L) * 0xbf58476d1ce4e5b9L, 29);
        }
        h *= 0x94d049bb133111ebL;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private boolean holds(int slot, byte[] key, int offset) {
        int at = slot * keySize;
        if (keySize > 32) {
            return Arrays.equals(keys, at, at + keySize, key, offset, offset + keySize);
        }
        // Short keys (addresses, flows): a few word compares beat the range-checked mismatch call.
        int i = 0;
        for (; i + 8 <= keySize; i += 8) {
            if ((long) Words.LONG.get(keys, at + i) != (long) Words.LONG.get(key, offset + i)) {
                return false;
            }
        }
        for (; i < keySize; i++) {
            if (keys[at + i] != key[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /** The slot holding {@code key}, or {@link #NIL}. */
    int find(byte[] key, int offset) {
        int s = buckets[bucket(key, offset)];
        // A consistent chain is at most `slots` long; the bound only matters mid-change.
        for (int steps = 0; s != NIL && steps < slots; steps++) {
            if (holds(s, key, offset)) {
                return s;
            }
            s = next[s];
        }
        return NIL;
    }

    /** The longest bucket chain: how well the hash spreads the keys (tests). */
    int longestChain() {
        int longest = 0;
        for (int head : buckets) {
            int n = 0;
            for (int s = head; s != NIL && n <= slots; s = next[s]) {
                n++;
            }
            longest = Math.max(longest, n);
        }
        return longest;
    }

    /** Takes a free slot, or {@link #NIL} when every slot is in use. */
    int allocate() {
        int s = free;
        if (s != NIL) {
            free = next[s];
            next[s] = NIL;
        }
        return s;
    }

    /** Returns a slot that is no longer linked to the free stack. */
    void release(int slot) {
        next[slot] = free;
        free = slot;
    }

    /** Links an allocated slot in under {@code key}, which must be absent; the value is already in place. */
    void insert(int slot, byte[] key, int offset) {
        System.arraycopy(key, offset, keys, slot * keySize, keySize);
        int b = bucket(key, offset);
        next[slot] = buckets[b];
        buckets[b] = slot;
        size++;
    }

    /** Puts allocated slot {@code fresh} where {@code old} is, under the same key; {@code old} is unlinked, not freed. */
    void replace(int old, int fresh) {
        System.arraycopy(keys, old * keySize, keys, fresh * keySize, keySize);
        next[fresh] = next[old];
        relink(old, fresh);
    }

    /** Unlinks {@code slot} from its chain; the caller releases it. */
    void remove(int slot) {
        relink(slot, next[slot]);
        size--;
    }

    /** Makes whatever points at {@code slot} point at {@code to} instead. */
    private void relink(int slot, int to) {
        int b = bucket(keys, slot * keySize);
        if (buckets[b] == slot) {
            buckets[b] = to;
            return;
        }
        int s = buckets[b];
        while (next[s] != slot) {
            s = next[s];
        }
        next[s] = to;
    }

    /** Copies the key of {@code slot} to {@code out[offset]}. */
    void key(int slot, byte[] out, int offset) {
        System.arraycopy(keys, slot * keySize, out, offset, keySize);
    }

    /** The first entry in iteration order (bucket by bucket, each chain in order), or {@link #NIL}. */
    int first() {
        return firstFrom(0);
    }

    /** The entry after linked slot {@code slot} in iteration order, or {@link #NIL}. */
    int after(int slot) {
        return next[slot] != NIL ? next[slot] : firstFrom(bucket(keys, slot * keySize) + 1);
    }

    private int firstFrom(int b) {
        for (; b <= mask; b++) {
            if (buckets[b] != NIL) {
                return buckets[b];
            }
        }
        return NIL;
    }
}
