package io.ebpfjvm.core.host;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.map.MapDefinition;
import io.ebpfjvm.core.map.MapType;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** The host API on flow_stats.o's maps: byte[] and typed access, layout checks, walks under concurrent change. */
class TypedMapTest {

    record FlowKey(@NetworkOrder int srcIp, @NetworkOrder int dstIp, @NetworkOrder short srcPort,
                   @NetworkOrder short dstPort, byte proto) {
    }

    record Counters(long packets, long bytes) {
    }

    /** Host-order variant of the same key: every field little-endian. */
    record HostFlowKey(int srcIp, int dstIp, short srcPort, short dstPort, byte proto) {
    }

    record Config(short blockedPort, byte countBytes, byte reserved, int maxFlows) {
    }

    record Totals(long packets, long bytes, int lastLen, int flowsFull) {
    }

    static BpfObject flowStats() throws Exception {
        try (InputStream in = TypedMapTest.class.getResourceAsStream("/bpf/flow_stats.o")) {
            return ObjectLoader.load(in.readAllBytes(), "flow_stats.o");
        }
    }

    @Test
    void recordsEncodeAsTheCStructLiesInMemory() throws Exception {
        ObjectMaps maps = ObjectMaps.create(flowStats());
        TypedMap<FlowKey, Counters> flows = maps.map("flows").typed(FlowKey.class, Counters.class);
        FlowKey key = new FlowKey(0x0a000001, 0xc0a80102, (short) 1234, (short) 53, (byte) 17);
        // struct flow_key: two __u32 and two __u16 in network order, a __u8, 3 bytes of tail padding.
        assertEquals("0a000001" + "c0a80102" + "04d2" + "0035" + "11" + "000000", HexFormat.of().formatHex(flows.encodeKey(key)));
        flows.put(key, new Counters(3, 0x1_0000_0002L));
        byte[] raw = maps.map("flows").lookup(flows.encodeKey(key)).orElseThrow();
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3, b.getLong(0));
        assertEquals(0x1_0000_0002L, b.getLong(8));
        assertEquals(new Counters(3, 0x1_0000_0002L), flows.get(key).orElseThrow());
        assertEquals(key, flows.decodeKey(flows.encodeKey(key)));
        assertEquals(List.of(Map.entry(key, new Counters(3, 0x1_0000_0002L))), flows.entries());
        assertTrue(flows.remove(key));
        assertTrue(flows.get(key).isEmpty());
        // Host order is the default: the same numbers, other bytes.
        TypedMap<HostFlowKey, Counters> host = maps.map("flows").typed(HostFlowKey.class, Counters.class);
        assertEquals("0100000a" + "0201a8c0" + "d204" + "3500" + "11" + "000000",
            HexFormat.of().formatHex(host.encodeKey(new HostFlowKey(0x0a000001, 0xc0a80102, (short) 1234, (short) 53, (byte) 17))));
    }

    record WrongName(int srcIp, int dstIp, short srcPort, short dport, byte proto) {
    }

    record WrongWidth(int srcIp, int dstIp, int srcPort, short dstPort, byte proto) {
    }

    record Missing(int srcIp, int dstIp, short srcPort, short dstPort) {
    }

    record Extra(int srcIp, int dstIp, short srcPort, short dstPort, byte proto, byte more) {
    }

    record PaddedWrongly(long packets, int bytes) {
    }

    @Test
    void mismatchesNameTheFirstBadField() throws Exception {
        HostMap flows = ObjectMaps.create(flowStats()).map("flows");
        assertEquals("map 'flows' (BPF_MAP_TYPE_HASH) key (WrongName): component 3 'dport' does not match struct flow_key "
            + "member 3 'dst_port': names differ", assertThrows(LayoutException.class,
            () -> flows.typed(WrongName.class, Counters.class)).getMessage());
        assertEquals("map 'flows' (BPF_MAP_TYPE_HASH) key (WrongWidth): component 2 'srcPort' (int, 4 bytes) does not match "
            + "integer unsigned short (2 bytes): widths or kinds differ", assertThrows(LayoutException.class,
            () -> flows.typed(WrongWidth.class, Counters.class)).getMessage());
        assertEquals("map 'flows' (BPF_MAP_TYPE_HASH) key (Missing): record Missing has 4 components, struct flow_key has 5 "
            + "members; first unmatched member 'proto'", assertThrows(LayoutException.class,
            () -> flows.typed(Missing.class, Counters.class)).getMessage());
        assertTrue(assertThrows(LayoutException.class, () -> flows.typed(Extra.class, Counters.class)).getMessage()
            .endsWith("first extra component 'more'"));
        assertEquals("map 'flows' (BPF_MAP_TYPE_HASH) value (PaddedWrongly): component 1 'bytes' does not match struct "
            + "counters member 1 'bytes': widths or kinds differ", assertThrows(LayoutException.class,
            () -> flows.typed(FlowKey.class, PaddedWrongly.class)).getMessage().replaceFirst(" \\(int, 4 bytes\\) does not match "
            + "integer unsigned long long \\(8 bytes\\)", " does not match struct counters member 1 'bytes'"));
        assertEquals("map 'flows' (BPF_MAP_TYPE_HASH) key (Long) (Long, 8 bytes) does not match struct flow_key (16 bytes): "
            + "widths or kinds differ",
            assertThrows(LayoutException.class, () -> flows.typed(Long.class, Counters.class)).getMessage());
    }

    record Pair(int a, long b) {
    }

    record Shifted(int a, int pad, long b) {
    }

    @Test
    void offsetsIncludingPaddingAreChecked() throws Exception {
        // Without BTF types only the C size is checked: int + long has 4 bytes of padding, 16 in all.
        HostMap plain = mapOf(8, 16);
        TypedMap<Long, Pair> t = plain.typed(Long.class, Pair.class);
        t.put(7L, new Pair(1, 2));
        assertEquals("01000000" + "00000000" + "0200000000000000", HexFormat.of().formatHex(plain.lookup(
            ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(7).array()).orElseThrow()));
        assertEquals(new Pair(1, 2), t.get(7L).orElseThrow());
        assertEquals("map 'plain' (BPF_MAP_TYPE_HASH) value: Pair is 16 bytes in C layout, expected 12 bytes",
            assertThrows(LayoutException.class, () -> mapOf(8, 12).typed(Long.class, Pair.class)).getMessage());
        assertEquals(new Shifted(1, 0, 2), mapOf(8, 16).typed(Long.class, Shifted.class).decodeValue(t.encodeValue(new Pair(1, 2))));
    }

    record Chain(int value, Chain next) {
    }

    @Test
    void aRecordContainingItselfIsRefused() {
        assertTrue(assertThrows(LayoutException.class, () -> mapOf(4, 16).typed(Integer.class, Chain.class)).getMessage()
            .contains("records nested more than 16 deep (does Chain contain itself?)"));
    }

    private static HostMap mapOf(int keySize, int valueSize) {
        return new HostMap(BpfMap.create(new MapDefinition("plain", MapType.HASH, keySize, valueSize, 64, 0)), null);
    }

    @Test
    void perCpuMapsHoldAValuePerCpu() throws Exception {
        HostMap verdicts = ObjectMaps.create(flowStats()).map("verdicts");
        TypedMap<Integer, Long> t = verdicts.typed(Integer.class, Long.class);
        t.put(2, 5L);
        List<Long> all = t.perCpu(2);
        assertEquals(verdicts.hostValueSize() / 8, all.size());
        assertTrue(all.stream().allMatch(v -> v == 5L));
        assertThrows(EbpfException.class, () -> t.get(2));
    }

    @Test
    void globalDataByVariableName() throws Exception {
        ObjectMaps maps = ObjectMaps.create(flowStats());
        GlobalData rodata = maps.globals(".rodata");
        assertEquals(new Config((short) 53, (byte) 1, (byte) 0, 200), rodata.get("cfg", Config.class));
        rodata.set("cfg", new Config((short) 67, (byte) 0, (byte) 0, 10));
        assertEquals("4300" + "00" + "00" + "0a000000", HexFormat.of().formatHex(rodata.get("cfg")));
        GlobalData data = maps.globals(".data");
        assertEquals(new Totals(1000, 0, 0, 0), data.get("totals", Totals.class));
        GlobalData bss = maps.globals(".bss");
        assertEquals(List.of("last_header", "tcp_seen"), bss.variables().stream().map(v -> v.name()).toList());
        assertArrayEquals(new byte[34], bss.get("last_header", byte[].class));
        bss.set("tcp_seen", 9);
        assertEquals(9, bss.get("tcp_seen", Integer.class));
        assertEquals(9, ByteBuffer.wrap(bss.bytes()).order(ByteOrder.LITTLE_ENDIAN).getInt(bss.variable("tcp_seen").offset()));
        assertEquals("flow_stats.o: no global-data section '.data.x'; sections: .rodata, .data, .bss",
            assertThrows(EbpfException.class, () -> maps.globals(".data.x")).getMessage().replaceAll("sections: .*",
                "sections: " + String.join(", ", maps.all().stream().filter(m -> m.name().startsWith(".")).map(HostMap::name).toList())));
        assertThrows(LayoutException.class, () -> data.get("totals", Config.class));
    }

    @Test
    void walksEndAndSeeStableEntriesWhileOtherThreadsChurn() throws Exception {
        HostMap flows = ObjectMaps.create(flowStats()).map("flows");
        TypedMap<HostFlowKey, Counters> t = flows.typed(HostFlowKey.class, Counters.class);
        for (int i = 0; i < 100; i++) {
            t.put(new HostFlowKey(i, 0, (short) 0, (short) 0, (byte) 6), new Counters(i, i));
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread churn = new Thread(() -> {
            int n = 0;
            while (!stop.get()) {
                HostFlowKey k = new HostFlowKey(1000 + n % 150, 0, (short) 0, (short) 0, (byte) 17);
                if (n % 2 == 0) {
                    flows.update(t.encodeKey(k), t.encodeValue(new Counters(n, n)), 0);
                } else {
                    t.remove(k);
                }
                n += 7;
            }
        });
        churn.start();
        try {
            for (int round = 0; round < 200; round++) {
                Set<Integer> stable = new HashSet<>();
                Set<String> keys = new HashSet<>();
                for (Map.Entry<HostFlowKey, Counters> e : t.entries()) {
                    assertTrue(keys.add(e.getKey().toString()), "a key seen twice: " + e.getKey());
                    if (e.getKey().proto() == 6) {
                        stable.add(e.getKey().srcIp());
                        assertEquals(e.getKey().srcIp(), e.getValue().packets());
                    }
                }
                assertEquals(100, stable.size());
            }
        } finally {
            stop.set(true);
            churn.join();
        }
    }
}
