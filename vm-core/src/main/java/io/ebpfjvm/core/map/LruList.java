package io.ebpfjvm.core.map;

import java.util.Arrays;

/**
 * Recency order of an LRU map's slots: a doubly linked list, most recent at the head, plus a
 * "referenced" byte per slot that lookups set without any lock. Eviction gives referenced
 * entries at the tail a second chance (moved to the head, bit cleared), as the kernel's LRU
 * does with its reference bits, so a lookup protects an entry without lookups having to
 * take the map's lock. All methods but {@link #touch} run under the map's write lock.
 */
final class LruList {
    private static final int NIL = -1;
    private final int[] prev;
    private final int[] next;
    private final byte[] referenced;
    private int head = NIL;
    private int tail = NIL;
    private int size;

    LruList(int slots) {
        prev = new int[slots];
        next = new int[slots];
        referenced = new byte[slots];
        Arrays.fill(prev, NIL);
        Arrays.fill(next, NIL);
    }

    /** Marks a slot used; a plain racy byte store is enough, the worst case being a lost mark. */
    void touch(int slot) {
        if (referenced[slot] == 0) {
            referenced[slot] = 1;
        }
    }

    /** Adds a slot as the most recent, not yet referenced. */
    void pushFront(int slot) {
        referenced[slot] = 0;
        prev[slot] = NIL;
        next[slot] = head;
        if (head != NIL) {
            prev[head] = slot;
        } else {
            tail = slot;
        }
        head = slot;
        size++;
    }

    void remove(int slot) {
        int p = prev[slot];
        int n = next[slot];
        if (p != NIL) {
            next[p] = n;
        } else {
            head = n;
        }
        if (n != NIL) {
            prev[n] = p;
        } else {
            tail = p;
        }
        prev[slot] = NIL;
        next[slot] = NIL;
        size--;
    }

    /**
     * The least recently used slot not referenced since it last reached the tail; it stays in
     * the list (the caller removes it). Bounded even if lookups keep marking entries.
     */
    int victim() {
        for (int steps = 0; steps < 2 * size && referenced[tail] != 0; steps++) {
            int s = tail;
            remove(s);
            pushFront(s);
        }
        return tail;
    }
}
