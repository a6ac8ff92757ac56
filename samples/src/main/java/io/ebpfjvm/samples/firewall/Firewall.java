package io.ebpfjvm.samples.firewall;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.map.Cpus;
import io.ebpfjvm.core.map.RingBufMap;
import io.ebpfjvm.samples.Engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The host side of the firewall: one loaded {@code firewall.o} with its live maps. Fill the
 * maps with {@link #install}, get the program for an engine with {@link #program}, run it on
 * any number of threads, then read the per-rule counters, totals and drop reports back.
 *
 * <p>Every instance has its own maps, so two instances never share counters.
 */
public final class Firewall {
    /** The XDP program's function name. */
    public static final String PROGRAM = "xdp_firewall";
    /** Bytes of an ACL key ({@code struct flow_key}). */
    public static final int FLOW_KEY_SIZE = 40;

    private final BpfObject object;
    private final GlobalData globals;
    private final MapSet maps;
    private final BpfMap acl;
    private final BpfMap blocklistV4;
    private final BpfMap blocklistV6;
    private final BpfMap ruleStats;
    private final RingBufMap dropEvents;

    public Firewall(FirewallObject loaded) {
        this.object = loaded.object();
        this.globals = loaded.globals();
        this.maps = MapSet.create(object);
        this.acl = map("acl");
        this.blocklistV4 = map("blocklist_v4");
        this.blocklistV6 = map("blocklist_v6");
        this.ruleStats = map("rule_stats");
        this.dropEvents = (RingBufMap) map("drop_events");
    }

    /** A firewall on the committed object. */
    public static Firewall load() {
        return new Firewall(FirewallObject.load());
    }

    private BpfMap map(String name) {
        return maps.byName(name).orElseThrow(() -> new IllegalStateException(object.name() + ": no map " + name));
    }

    public BpfObject object() {
        return object;
    }

    public MapSet maps() {
        return maps;
    }

    /** The ring buffer the program reports drops through. */
    public RingBufMap dropEvents() {
        return dropEvents;
    }

    /** The firewall program prepared in {@code engine}, over this instance's maps. */
    public ExecutableProgram program(Engine engine) {
        HelperRegistry helpers = KernelHelpers.registry(line -> { });
        return engine.compile(object.program(PROGRAM).orElseThrow(), ProgramType.XDP, maps, helpers);
    }

    /** Fills the ACL, both blocklists and the configuration in {@code .rodata}; call before compiling. */
    public void install(RuleSet rules) {
        for (AclRule r : rules.rules()) {
            acl.put(aclKey(r), aclValue(r));
        }
        for (PrefixRule p : rules.prefixes()) {
            (p.family() == 4 ? blocklistV4 : blocklistV6).put(lpmKey(p), le32(p.id()));
        }
        globals.writeInt(maps, "default_action", rules.defaultAction().xdpCode());
        globals.writeInt(maps, "drop_fragments", rules.laterFragments() == Action.DROP ? 1 : 0);
    }

    /** The {@code struct flow_key} the program looks {@code rule} up with (see its tier). */
    public static byte[] aclKey(AclRule rule) {
        byte[] key = new byte[FLOW_KEY_SIZE];
        int tier = rule.tier();
        if (tier < 0) {
            throw new IllegalArgumentException("rule " + rule.id() + " has no lookup tier");
        }
        ByteBuffer k = ByteBuffer.wrap(key).order(ByteOrder.BIG_ENDIAN);
        if (rule.src() != null) {
            k.put(0, rule.src());
        }
        if (rule.dst() != null) {
            k.put(16, rule.dst());
        }
        k.putShort(32, (short) Math.max(0, rule.sport()));
        k.putShort(34, (short) Math.max(0, rule.dport()));
        key[36] = (byte) rule.protocol();
        key[37] = (byte) (tier <= 1 ? rule.family() : 0);
        key[38] = (byte) tier;
        return key;
    }

    private static byte[] aclValue(AclRule rule) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(rule.id()).putInt(rule.action().xdpCode()).array();
    }

    private static byte[] lpmKey(PrefixRule p) {
        return ByteBuffer.allocate(4 + p.address().length).order(ByteOrder.LITTLE_ENDIAN).putInt(p.prefixLength())
            .put(p.address()).array();
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** Rule {@code id}'s counter, every CPU's copy added up. */
    public RuleCounter ruleCounter(int id) {
        byte[] all = ruleStats.get(le32(id));
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int stride = all.length / Cpus.COUNT;
        long packets = 0;
        long bytes = 0;
        for (int cpu = 0; cpu < Cpus.COUNT; cpu++) {
            packets += b.getLong(cpu * stride);
            bytes += b.getLong(cpu * stride + 8);
        }
        return new RuleCounter(packets, bytes);
    }

    /** Counters of every rule id of {@code rules} (0 first: the default action), zero ones included. */
    public Map<Integer, RuleCounter> ruleCounters(RuleSet rules) {
        Map<Integer, RuleCounter> out = new LinkedHashMap<>();
        for (int id : rules.ruleIds()) {
            out.put(id, ruleCounter(id));
        }
        return out;
    }

    /** The parser totals and ring-buffer bookkeeping, read from global data. */
    public Totals totals() {
        long[] t = new long[8];
        for (int i = 0; i < t.length; i++) {
            t[i] = globals.readLong(maps, "totals", i * 8);
        }
        return new Totals(t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7], globals.readLong(maps, "reports", 0),
            globals.readLong(maps, "reports", 8));
    }
}
