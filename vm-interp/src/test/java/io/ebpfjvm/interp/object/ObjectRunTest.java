package io.ebpfjvm.interp.object;

import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.map.Cpus;
import io.ebpfjvm.interp.Interpreter;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** clang-built objects running in the interpreter with their maps. */
class ObjectRunTest {

    static BpfObject load(String name) throws Exception {
        try (InputStream in = ObjectRunTest.class.getResourceAsStream("/bpf/" + name)) {
            return ObjectLoader.load(in.readAllBytes(), name);
        }
    }

    /** Ethernet + IPv4 + UDP/TCP header with the given 5-tuple. */
    static byte[] ipv4(int proto, int src, int dst, int sport, int dport) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20).order(ByteOrder.BIG_ENDIAN);
        b.position(12);
        b.putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putInt(0).put((byte) 64).put((byte) proto).putShort((short) 0);
        b.putInt(src).putInt(dst);
        b.putShort((short) sport).putShort((short) dport);
        return b.array();
    }

    /** The ACL's key: struct flow { u32 src, dst; u16 sport, dport; u8 proto, pad[3]; } as it lies in memory. */
    static byte[] flowKey(int proto, int src, int dst, int sport, int dport) {
        ByteBuffer k = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        k.putInt(src).putInt(dst).putShort((short) sport).putShort((short) dport).put((byte) proto);
        return k.array();
    }

    @Test
    void xdpAclClassifiesWithRulesFromJava() throws Exception {
        BpfObject object = load("xdp_acl.o");
        MapSet maps = MapSet.create(object);
        List<String> trace = new ArrayList<>();
        ExecutableProgram acl = Interpreter.compile(object.select(null, "xdp"), null, maps,
            KernelHelpers.registry(trace::add), ExecutionOptions.defaults());
        BpfMap rules = maps.byName("rules").orElseThrow();
        int a = 0x0a000001;
        int b = 0x0a000002;
        rules.put(flowKey(17, a, b, 1000, 53), ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(1).array());

        assertEquals(1, acl.run(ipv4(17, a, b, 1000, 53)), "the rule drops this flow");
        assertEquals(2, acl.run(ipv4(17, a, b, 1000, 54)), "other flows pass");
        assertEquals(2, acl.run(ipv4(6, a, b, 1000, 53)), "the protocol is part of the key");
        assertEquals(1, acl.run(new byte[10]), "runt frame dropped");
        byte[] arp = new byte[60];
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertEquals(2, acl.run(arp));

        // Per-CPU counters: one drop and two passes counted on this thread's CPU
        // (the runt frame returns before counting, ARP is not IPv4).
        BpfMap counters = maps.byName("counters").orElseThrow();
        long drops = 0;
        long passes = 0;
        byte[] dropRow = counters.get(new byte[] {1, 0, 0, 0});
        byte[] passRow = counters.get(new byte[] {2, 0, 0, 0});
        for (int c = 0; c < Cpus.COUNT; c++) {
            drops += ByteBuffer.wrap(dropRow, c * 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            passes += ByteBuffer.wrap(passRow, c * 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }
        assertEquals(1, drops);
        assertEquals(2, passes);
    }

    @Test
    void readOnlyGlobalDataCannotBeWrittenAndXdpContextIsReadOnly() throws Exception {
        BpfObject object = load("subprogs.o");
        MapSet maps = MapSet.create(object);
        ExecutableProgram mark = Interpreter.compile(object.program("tc_mark").orElseThrow(), null, maps,
            KernelHelpers.registry(s -> { }), ExecutionOptions.defaults());
        byte[] packet = ipv4(6, 1, 2, 3, 4);
        assertEquals(0, mark.run(packet));
        ExecutableProgram hash = Interpreter.compile(object.program("socket_hash").orElseThrow(), null, maps,
            KernelHelpers.registry(s -> { }), ExecutionOptions.defaults());
        byte[] big = new byte[100];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        long r = hash.run(big);
        assertTrue(r == 0 || r == 100, "returns skb->len or 0: " + r);
        // seen (in .bss) counts every run that got past skb_load_bytes.
        byte[] seen = maps.byName(".bss").orElseThrow().get(new byte[4]);
        assertEquals(1, ByteBuffer.wrap(seen).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertEquals(0, hash.run(new byte[20]), "skb_load_bytes of 64 bytes fails on a 20-byte packet");
    }

    @Test
    void contextStoresFollowTheKernelRules() {
        var program = io.ebpfjvm.core.asm.Assembler.assemble("r0 = 0x0\n*(u32 *)(r1 + 0x0) = r0\nexit");
        ExecutableProgram xdp = Interpreter.compile(program, io.ebpfjvm.core.exec.ProgramType.XDP,
            io.ebpfjvm.core.helper.HelperRegistry.empty(), ExecutionOptions.defaults());
        EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class, () -> xdp.run(new byte[20]));
        assertEquals("insn 1: invalid context store: xdp_md is read-only", e.getMessage());
    }
}
