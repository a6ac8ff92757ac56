package io.ebpfjvm.core.map;

import io.ebpfjvm.core.loader.MapSpec;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code BPF_MAP_TYPE_PERF_EVENT_ARRAY}: one slot per CPU, each holding a perf event a program
 * sends records to with {@code bpf_perf_event_output}. Java opens the event of a slot
 * ({@link #open}, or {@link #openAll} as libbpf's {@code perf_buffer__new} does) and drains
 * the records with {@link #consume}. As with libbpf's perf buffers, the event of slot
 * {@code i} belongs to CPU {@code i}: a program on another CPU writing to it gets
 * {@code -EOPNOTSUPP}, {@code BPF_F_CURRENT_CPU} picks the slot of the running thread's CPU
 * ({@link Cpus}), an unopened slot gives {@code -ENOENT}. Each opened event buffers up to its
 * capacity in bytes (records of {@code 8 + size} bytes, as perf's sample headers); records
 * that do not fit are dropped and counted in {@link #lost()}, as perf counts lost samples.
 */
public final class PerfEventArrayMap extends BpfMap {
    /** Default buffer per event: 64 pages, what many libbpf users pass to perf_buffer__new. */
    public static final int DEFAULT_CAPACITY = 64 * 4096;

    /** Receives one record sent from the program running on {@code cpu}. */
    @FunctionalInterface
    public interface RecordHandler {
        void onRecord(int cpu, byte[] data);
    }

    private static final class Event {
        final int capacity;
        final ArrayDeque<byte[]> records = new ArrayDeque<>();
        int used;

        Event(int capacity) {
            this.capacity = capacity;
        }
    }

    private final AtomicReferenceArray<Event> events;
    private final AtomicLong lost = new AtomicLong();

    PerfEventArrayMap(MapDefinition definition, MapSpec spec) {
        super(definition, spec);
        this.events = new AtomicReferenceArray<>(maxEntries);
    }

    /** Opens the event of slot {@code index} with a buffer of {@code capacity} bytes (replacing an open one). */
    public void open(int index, int capacity) {
        if (index < 0 || index >= maxEntries) {
            throw new IllegalArgumentException(describe() + ": slot " + index + " out of range 0.." + (maxEntries - 1));
        }
        if (capacity <= 0) {
            throw new IllegalArgumentException(describe() + ": capacity " + capacity + ", expected > 0");
        }
        events.set(index, new Event(capacity));
    }

    /** Opens the event of every slot that has a CPU ({@code min(max_entries, Cpus.COUNT)}). */
    public void openAll() {
        for (int i = 0; i < Math.min(maxEntries, Cpus.COUNT); i++) {
            open(i, DEFAULT_CAPACITY);
        }
    }

    /** Closes a slot's event; its undelivered records are dropped. */
    public void close(int index) {
        events.set(index, null);
    }

    /**
     * {@code bpf_perf_event_output}'s delivery: {@code size} bytes at {@code data[offset]},
     * then {@code extra} bytes at {@code extraData[extraOffset]} (the packet bytes a program
     * asks for with {@code BPF_F_CTXLEN_MASK}), to slot {@code index} from CPU {@code cpu}.
     *
     * @return 0, {@code -E2BIG} (index out of range), {@code -ENOENT} (slot not open),
     *     {@code -EOPNOTSUPP} (slot of another CPU); a full buffer loses the record and returns 0, as perf does
     */
    public long output(long index, int cpu, byte[] data, int offset, int size, byte[] extraData, int extraOffset, int extra) {
        if (index < 0 || index >= maxEntries) {
            return -Errno.E2BIG;
        }
        Event e = events.get((int) index);
        if (e == null) {
            return -Errno.ENOENT;
        }
        if (index != cpu) {
            return -Errno.EOPNOTSUPP;
        }
        synchronized (e) {
            int cost = 8 + size + extra;
            if (e.used + cost > e.capacity) {
                lost.incrementAndGet();
                return 0;
            }
            byte[] record = new byte[size + extra];
            System.arraycopy(data, offset, record, 0, size);
            if (extra > 0) {
                System.arraycopy(extraData, extraOffset, record, size, extra);
            }
            e.records.add(record);
            e.used += cost;
        }
        return 0;
    }

    /** Hands every buffered record, slot by slot, to {@code handler}; returns how many. */
    public int consume(RecordHandler handler) {
        int n = 0;
        for (int i = 0; i < maxEntries; i++) {
            Event e = events.get(i);
            if (e == null) {
                continue;
            }
            while (true) {
                byte[] record;
                synchronized (e) {
                    record = e.records.poll();
                    if (record == null) {
                        break;
                    }
                    e.used -= 8 + record.length;
                }
                handler.onRecord(i, record);
                n++;
            }
        }
        return n;
    }

    /** Records dropped because an event's buffer was full. */
    public long lost() {
        return lost.get();
    }

    /** No value storage: programs cannot look slots up. */
    @Override
    public byte[] values() {
        return new byte[0];
    }

    @Override
    public int size() {
        int n = 0;
        for (int i = 0; i < maxEntries; i++) {
            n += events.get(i) != null ? 1 : 0;
        }
        return n;
    }

    @Override
    public int lookupSlot(byte[] key, int keyOffset) {
        return -1;
    }

    @Override
    long store(byte[] key, int keyOffset, byte[] value, int valueOffset, long flags) {
        return -Errno.EPERM;
    }

    /** User space stores perf event fds; here there are none to store: use {@link #open}. */
    @Override
    long hostUpdate(byte[] key, byte[] value, long flags) {
        return -Errno.EBADF;
    }

    @Override
    long erase(byte[] key, int keyOffset) {
        long i = Integer.toUnsignedLong(Words.u32(key, keyOffset));
        if (i >= maxEntries) {
            return -Errno.E2BIG;
        }
        return events.getAndSet((int) i, null) == null ? -Errno.ENOENT : 0;
    }

    @Override
    byte[] copyOf(byte[] key) {
        return null;
    }

    @Override
    public long nextKey(byte[] key, int keyOffset, byte[] next, int nextOffset) {
        long i = key == null ? -1 : Integer.toUnsignedLong(Words.u32(key, keyOffset));
        if (i < 0 || i >= maxEntries) {
            Words.putU32(next, nextOffset, 0);
            return 0;
        }
        if (i == maxEntries - 1) {
            return -Errno.ENOENT;
        }
        Words.putU32(next, nextOffset, (int) i + 1);
        return 0;
    }
}
