package io.ebpfjvm.core.map;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Little helpers shared by the map tests. */
final class MapTestSupport {
    private MapTestSupport() {
    }

    static MapDefinition def(MapType type, int key, int value, int max, int flags) {
        return new MapDefinition("m", type, key, value, max, flags);
    }

    static BpfMap map(MapType type, int key, int value, int max, int flags) {
        return BpfMap.create(def(type, key, value, max, flags));
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static int readU32(byte[] b, int at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(at);
    }

    static long readU64(byte[] b, int at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
    }

    /** An LPM key: u32 prefix length then the given data bytes. */
    static byte[] lpm(int prefixLen, int... data) {
        byte[] k = new byte[4 + data.length];
        ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN).putInt(prefixLen);
        for (int i = 0; i < data.length; i++) {
            k[4 + i] = (byte) data[i];
        }
        return k;
    }

    /** Runs {@code body} on a fresh thread bound to CPU {@code cpu}, and waits for it. */
    static void onCpu(int cpu, Runnable body) throws InterruptedException {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                Cpus.bindCurrentThread(cpu);
                body.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
    }
}
