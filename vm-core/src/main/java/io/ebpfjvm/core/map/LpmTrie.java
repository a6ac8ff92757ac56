package io.ebpfjvm.core.map;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The structure of an LPM trie: a binary, path-compressed trie over prefixes (the kernel's
 * shape). Every node has a prefix length and data; a child's prefix extends its parent's,
 * and the bit right after the parent's prefix picks the child. A node is real (it holds a
 * value slot) or intermediate (no value, exactly two children). All nodes are preallocated:
 * {@code n} entries need at most {@code 2n - 1} nodes.
 *
 * <p>Keys are passed as the map's key bytes: a little-endian u32 prefix length at
 * {@code offset}, then the data (an address, most significant bit first).
 *
 * <p>Not synchronized: the owning map serialises changes. {@link #lookup} may run during a
 * change: every index it follows is in range and its walk is bounded, so the caller need only
 * validate the answer. Data bits past a node's prefix length are kept as given (they come
 * back from iteration, as in the kernel) but never compared.
 */
final class LpmTrie {
    static final int NIL = -1;
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final int dataSize;
    private final int maxBits;
    private final int[] prefixLen;
    /** The two children of node n at {@code 2n} (0 side) and {@code 2n + 1}: picking one is an index, not a branch. */
    private final int[] children;
    /** The first 8 data bytes of each node, big-endian and zero-padded: one compare covers a prefix of up to 64 bits. */
    private final long[] head;
    /** The value slot of a real node; NIL for an intermediate node. */
    private final int[] valueSlot;
    private final byte[] data;
    /** Scratch path for changes, used only under the owner's write lock. */
    private final int[] path;
    private int root = NIL;
    private int freeNodes;
    private int entries;

    LpmTrie(int dataSize, int maxEntries) {
        this.dataSize = dataSize;
        this.maxBits = dataSize * 8;
        int nodes = Math.max(1, 2 * maxEntries - 1);
        this.prefixLen = new int[nodes];
        this.children = new int[Math.multiplyExact(2, nodes)];
        this.head = new long[nodes];
        this.valueSlot = new int[nodes];
        this.data = new byte[Math.multiplyExact(nodes, dataSize)];
        this.path = new int[maxBits + 2];
        Arrays.fill(children, NIL);
        Arrays.fill(valueSlot, NIL);
        for (int n = 0; n < nodes; n++) {
            children[2 * n] = n + 1 < nodes ? n + 1 : NIL;
        }
    }

    int maxBits() {
        return maxBits;
    }

    int entries() {
        return entries;
    }

    static long prefix(byte[] key, int offset) {
        return Integer.toUnsignedLong(Words.u32(key, offset));
    }

    /** Bit {@code i} (0 = most significant bit of the first byte) of the data at {@code at}. */
    private static int bit(byte[] bytes, int at, int i) {
        return (bytes[at + (i >>> 3)] >>> (7 - (i & 7))) & 1;
    }

    /** The first 8 data bytes at {@code at}, big-endian, zero-padded past the data. */
    private long head(byte[] bytes, int at) {
        if (dataSize >= 8) {
            return (long) LONG_BE.get(bytes, at);
        }
        long h = 0;
        int j = 0;
        if (dataSize >= 4) {
            h = (long) (int) INT_BE.get(bytes, at) << 32;
            j = 4;
        }
        for (; j < dataSize; j++) {
            h |= (bytes[at + j] & 0xffL) << (56 - 8 * j);
        }
        return h;
    }

    /**
     * How many leading bits node {@code n}'s data shares with the key's, counting at most
     * {@code limit}: one compare of the heads (the key's does not depend on the node, so a
     * walk reads it once), then, for data longer than 8 bytes, big-endian words.
     */
    private int common(int n, byte[] key, int keyData, int limit) {
        long diff = head[n] ^ head(key, keyData);
        if (diff != 0 || limit <= 64) {
            return Math.min(limit, Long.numberOfLeadingZeros(diff));
        }
        int at = n * dataSize;
        int i = 8;
        int bits = 64;
        while (bits < limit) {
            int left = dataSize - i;
            int width = left >= 8 ? 8 : left >= 4 ? 4 : 1;
            diff = switch (width) {
                case 8 -> (long) LONG_BE.get(data, at + i) ^ (long) LONG_BE.get(key, keyData + i);
                case 4 -> (long) ((int) INT_BE.get(data, at + i) ^ (int) INT_BE.get(key, keyData + i)) << 32;
                default -> (long) (data[at + i] ^ key[keyData + i]) << 56;
            };
            if (diff != 0) {
                return Math.min(limit, bits + Long.numberOfLeadingZeros(diff));
            }
            i += width;
            bits += width << 3;
        }
        return limit;
    }

    /** Copies a node's data in (and its head). */
    private void setData(int n, byte[] src, int srcData) {
        System.arraycopy(src, srcData, data, n * dataSize, dataSize);
        head[n] = head(data, n * dataSize);
    }

    private int child(int n, int b) {
        return children[2 * n + b];
    }

    boolean isReal(int n) {
        return valueSlot[n] != NIL;
    }

    /**
     * The value slot of the longest stored prefix matching the key's data within the key's
     * prefix length, or {@link #NIL}; {@link #NIL} for a prefix length above the maximum,
     * as the kernel answers.
     */
    int lookup(byte[] key, int offset) {
        long wanted = prefix(key, offset);
        if (wanted > maxBits) {
            return NIL;
        }
        int keyData = offset + 4;
        int found = NIL;
        int n = root;
        // Prefix lengths strictly grow along a path, so a consistent walk is at most maxBits + 1 nodes.
        for (int steps = 0; n != NIL && steps <= maxBits; steps++) {
            int len = prefixLen[n];
            int match = common(n, key, keyData, (int) Math.min(len, wanted));
            if (match == maxBits) {
                found = n;
                break;
            }
            if (match < len) {
                break;
            }
            if (valueSlot[n] != NIL) {
                found = n;
            }
            n = child(n, bit(key, keyData, len));
        }
        return found == NIL ? NIL : valueSlot[found];
    }

    /**
     * Walks toward the node of exactly (key, prefix length {@code len}), recording the nodes
     * visited in {@code trail}; returns the index in {@code trail} of the last one, -1 for an
     * empty trie. That node is the wanted one iff {@link #isExact} says so.
     */
    private int descend(byte[] key, int offset, int len, int[] trail) {
        int depth = -1;
        int n = root;
        while (n != NIL) {
            trail[++depth] = n;
            int nodeLen = prefixLen[n];
            if (nodeLen >= len || common(n, key, offset + 4, nodeLen) != nodeLen) {
                break;
            }
            n = child(n, bit(key, offset + 4, nodeLen));
        }
        return depth;
    }

    private boolean isExact(int n, byte[] key, int offset, int len) {
        return prefixLen[n] == len && common(n, key, offset + 4, len) == len;
    }

    /** The real node of exactly this prefix, or {@link #NIL}. */
    int findReal(byte[] key, int offset, int len) {
        int depth = descend(key, offset, len, path);
        int n = depth < 0 ? NIL : path[depth];
        return n != NIL && isExact(n, key, offset, len) && isReal(n) ? n : NIL;
    }

    /** Gives real node {@code n} a new value slot (and the key's data bits); returns the old slot. */
    int replaceValue(int n, byte[] key, int offset, int slot) {
        setData(n, key, offset + 4);
        int old = valueSlot[n];
        valueSlot[n] = slot;
        return old;
    }

    /** Adds a prefix that is not stored yet (it may exist as an intermediate node); the caller checked capacity. */
    void insert(byte[] key, int offset, int len, int slot) {
        int keyData = offset + 4;
        int parent = NIL;
        int side = 0;
        int n = root;
        int match = 0;
        while (n != NIL) {
            int nodeLen = prefixLen[n];
            match = common(n, key, keyData, Math.min(nodeLen, len));
            if (nodeLen != match || nodeLen == len || nodeLen == maxBits) {
                break;
            }
            parent = n;
            side = bit(key, keyData, nodeLen);
            n = child(n, side);
        }
        entries++;
        if (n == NIL) {
            attach(parent, side, newNode(key, keyData, len, slot));
            return;
        }
        if (prefixLen[n] == match) {
            // an intermediate node of exactly this prefix becomes real
            setData(n, key, keyData);
            valueSlot[n] = slot;
            return;
        }
        int fresh = newNode(key, keyData, len, slot);
        if (match == len) {
            // the new prefix is shorter: it goes above n
            setChild(fresh, bit(data, n * dataSize, len), n);
            attach(parent, side, fresh);
            return;
        }
        // they diverge after `match` bits: an intermediate node holds both
        int fork = newNode(data, n * dataSize, match, NIL);
        int freshSide = bit(key, keyData, match);
        setChild(fork, freshSide, fresh);
        setChild(fork, 1 - freshSide, n);
        attach(parent, side, fork);
    }

    /** Removes the real node of exactly this prefix; returns its value slot, or {@link #NIL} when there is none. */
    int delete(byte[] key, int offset, int len) {
        int depth = descend(key, offset, len, path);
        int n = depth < 0 ? NIL : path[depth];
        if (n == NIL || !isExact(n, key, offset, len) || !isReal(n)) {
            return NIL;
        }
        int slot = valueSlot[n];
        entries--;
        if (children[2 * n] != NIL && children[2 * n + 1] != NIL) {
            valueSlot[n] = NIL;
            return slot;
        }
        int parent = depth > 0 ? path[depth - 1] : NIL;
        if (parent != NIL && !isReal(parent) && children[2 * n] == NIL && children[2 * n + 1] == NIL) {
            // n's intermediate parent would be left with one child: the sibling takes its place
            int sibling = children[2 * parent] == n ? children[2 * parent + 1] : children[2 * parent];
            swapChild(depth > 1 ? path[depth - 2] : NIL, parent, sibling);
            free(parent);
        } else {
            swapChild(parent, n, children[2 * n] != NIL ? children[2 * n] : children[2 * n + 1]);
        }
        free(n);
        return slot;
    }

    /**
     * {@code BPF_MAP_GET_NEXT_KEY}: the node after the key's in post-order (more specific
     * prefixes before the ones containing them, 0-bit side first), or the first node when the
     * key is null or not stored; writes its key (prefix length and data) to {@code out}.
     *
     * @return false after the last node
     */
    boolean next(byte[] key, int offset, byte[] out, int outOffset) {
        int[] trail = new int[maxBits + 2];
        int depth = -1;
        if (key != null && prefix(key, offset) <= maxBits) {
            int len = (int) prefix(key, offset);
            depth = descend(key, offset, len, trail);
            if (depth >= 0 && !(isExact(trail[depth], key, offset, len) && isReal(trail[depth]))) {
                depth = -1;
            }
        }
        int found;
        if (depth < 0) {
            found = leftmost(root);
        } else {
            found = NIL;
            for (int n = trail[depth]; depth > 0 && found == NIL; n = trail[--depth]) {
                int parent = trail[depth - 1];
                if (children[2 * parent] == n && children[2 * parent + 1] != NIL) {
                    found = leftmost(children[2 * parent + 1]);
                } else if (isReal(parent)) {
                    found = parent;
                }
            }
        }
        if (found == NIL) {
            return false;
        }
        Words.putU32(out, outOffset, prefixLen[found]);
        System.arraycopy(data, found * dataSize, out, outOffset + 4, dataSize);
        return true;
    }

    /** The first real node in post-order under {@code n}: down the 0 side where there is one. */
    private int leftmost(int n) {
        int found = NIL;
        while (n != NIL) {
            if (isReal(n)) {
                found = n;
                n = children[2 * n] != NIL ? children[2 * n] : children[2 * n + 1];
            } else {
                n = children[2 * n];
            }
        }
        return found;
    }

    private int newNode(byte[] src, int srcData, int len, int slot) {
        int n = freeNodes;
        freeNodes = children[2 * n];
        setData(n, src, srcData);
        prefixLen[n] = len;
        children[2 * n] = NIL;
        children[2 * n + 1] = NIL;
        valueSlot[n] = slot;
        return n;
    }

    private void free(int n) {
        valueSlot[n] = NIL;
        children[2 * n + 1] = NIL;
        children[2 * n] = freeNodes;
        freeNodes = n;
    }

    private void setChild(int parent, int side, int n) {
        children[2 * parent + side] = n;
    }

    /** Hangs {@code n} under {@code parent} on {@code side}, or makes it the root. The publishing write. */
    private void attach(int parent, int side, int n) {
        if (parent == NIL) {
            root = n;
        } else {
            setChild(parent, side, n);
        }
    }

    /** Makes {@code parent}'s link to {@code old} (the root link when parent is NIL) point at {@code n}. */
    private void swapChild(int parent, int old, int n) {
        if (parent == NIL) {
            root = n;
        } else if (children[2 * parent] == old) {
            children[2 * parent] = n;
        } else {
            children[2 * parent + 1] = n;
        }
    }
}
