package io.ebpfjvm.core.map;

import io.ebpfjvm.core.loader.MapSpec;

/**
 * {@code BPF_MAP_TYPE_LRU_HASH}: a {@link HashMap} that, when full, makes room for a new key
 * by evicting the least recently used entry instead of failing with {@code -E2BIG}.
 *
 * <p>Recency: inserting or replacing an entry makes it the most recent; a program's lookup
 * marks it referenced (lock-free), which saves it once from eviction, moving it to the most
 * recent end (see {@link LruList}). Host-side lookups do not count as uses, as in the kernel.
 * Differences from the kernel's approximate, per-CPU-list LRU: eviction happens only when the
 * map is really full, never fails, and a failed update or the replacement of an existing key
 * never evicts anything. Eviction runs under the map's write lock, so it is consistent with
 * concurrent inserts, deletes and lookups.
 */
public final class LruHashMap extends HashMap {
    private final LruList recency;

    LruHashMap(MapDefinition definition, MapSpec spec) {
        super(definition, spec);
        this.recency = new LruList(maxEntries + 1);
    }

    @Override
    void used(int slot) {
        recency.touch(slot);
    }

    @Override
    void inserted(int slot) {
        recency.pushFront(slot);
    }

    @Override
    void replaced(int old, int fresh) {
        recency.remove(old);
        recency.pushFront(fresh);
        // The kernel marks a replaced element referenced.
        recency.touch(fresh);
    }

    @Override
    void removed(int slot) {
        recency.remove(slot);
    }

    @Override
    boolean evictOne() {
        int victim = recency.victim();
        table.remove(victim);
        recency.remove(victim);
        table.release(victim);
        return true;
    }
}
