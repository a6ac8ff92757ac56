package io.ebpfjvm.bench;

import io.ebpfjvm.bench.baseline.AclJava;
import io.ebpfjvm.bench.baseline.CsumJava;
import io.ebpfjvm.bench.baseline.EthertypeJava;
import io.ebpfjvm.bench.baseline.HashJava;
import io.ebpfjvm.bench.baseline.LpmJava;
import io.ebpfjvm.bench.baseline.WebDnsJava;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.map.BpfMap;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The benchmark programs: each is a clang-built object in {@code /bpf} (or a tcpdump filter in
 * {@code /cbpf}), the policy its maps are filled with, and the hand-written Java doing the same.
 */
public enum Workload {
    /** Ethertype filter: one 2-byte compare chain. */
    ETHERTYPE("ethertype.o"),
    /** 5-tuple ACL: hash map lookup and a per-CPU counter. */
    ACL("acl.o"),
    /** IPv4 source prefix blocklist: LPM trie lookup and an atomic hit counter. */
    LPM("lpm.o"),
    /** Ones' complement sum over the payload: a loop of up to 768 iterations. */
    CSUM("csum.o"),
    /** 64 rounds of 64-bit multiply/shift/rotate mixing: pure ALU. */
    HASH("hash.o"),
    /** tcpdump's classic BPF for {@code ip and tcp dst port 80 or udp port 53}, translated. */
    CBPF("web_dns.txt");

    private final String resource;

    Workload(String resource) {
        this.resource = resource;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Workload of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    public boolean classic() {
        return this == CBPF;
    }

    /** The object file (or filter text) name. */
    public String resource() {
        return resource;
    }

    /** The object's (or filter's) bytes from the benchmarks jar. */
    public byte[] bytes() {
        String path = (classic() ? "/cbpf/" : "/bpf/") + resource;
        try (InputStream in = Workload.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ACL rules made from the traffic's flows: every 4th drops (1), every 16th from 2 on is sent back (3). */
    public static Map<Flow, Integer> aclRules(Traffic traffic) {
        Map<Flow, Integer> rules = new LinkedHashMap<>();
        for (int i = 0; i < traffic.flows().size(); i++) {
            if (i % 4 == 0) {
                rules.put(traffic.flows().get(i), 1);
            } else if (i % 16 == 2) {
                rules.put(traffic.flows().get(i), 3);
            }
        }
        return rules;
    }

    /**
     * Blocklist prefixes: the /24 of every 5th flow's source, plus 1000 prefixes of length 16..28
     * inside 172.16.0.0/12 that the traffic never hits (so the trie has realistic depth).
     */
    public static Map<Integer, Integer> lpmPrefixes(Traffic traffic) {
        Map<Integer, Integer> prefixes = new LinkedHashMap<>();
        for (int i = 0; i < traffic.flows().size(); i += 5) {
            prefixes.put(traffic.flows().get(i).src() & 0xffffff00, 24);
        }
        SplittableRandom random = new SplittableRandom(7);
        while (prefixes.size() < traffic.flows().size() / 5 + 1000) {
            int length = 16 + random.nextInt(13);
            int addr = (0xac100000 | random.nextInt(1 << 20)) & (int) (0xffffffffL << (32 - length));
            prefixes.putIfAbsent(addr, length);
        }
        return prefixes;
    }

    /** Fills the object's maps with this workload's policy for the traffic. */
    public void fill(MapSet maps, Traffic traffic) {
        switch (this) {
            case ACL -> {
                BpfMap rules = maps.byName("rules").orElseThrow();
                aclRules(traffic).forEach((flow, verdict) -> rules.put(flow.ebpfKey(), le32(verdict)));
            }
            case LPM -> {
                BpfMap blocklist = maps.byName("blocklist").orElseThrow();
                lpmPrefixes(traffic).forEach((addr, length) -> blocklist.put(lpmKey(addr, length), new byte[8]));
            }
            default -> {
            }
        }
    }

    /** The hand-written Java classifier with the same policy. */
    public Classifier java(Traffic traffic) {
        return switch (this) {
            case ETHERTYPE -> new EthertypeJava();
            case ACL -> new AclJava(aclRules(traffic));
            case LPM -> new LpmJava(lpmPrefixes(traffic));
            case CSUM -> new CsumJava();
            case HASH -> new HashJava();
            case CBPF -> new WebDnsJava();
        };
    }

    /** The LPM trie key: u32 prefix length (host order), then the address as it lies on the wire. */
    public static byte[] lpmKey(int addr, int length) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(length)
            .order(ByteOrder.BIG_ENDIAN).putInt(addr).array();
    }

    static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }
}
