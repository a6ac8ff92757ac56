package io.ebpfjvm.cli;

import io.ebpfjvm.core.context.BpfSock;
import io.ebpfjvm.core.context.PtRegs;
import io.ebpfjvm.core.context.TracepointFormat;
import io.ebpfjvm.core.pcap.PacketBatch;
import io.ebpfjvm.core.pcap.PcapWriter;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

/** {@code run --ctx/--data-out/--ctx-out} for the context program types, and {@code pcap --out} after adjust_head. */
class ContextRunCommandsTest extends ConsoleCapture {
    private Path file(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void xdpAdjustmentsReachDataOut() throws Exception {
        byte[] packet = new byte[64];
        for (int i = 0; i < packet.length; i++) {
            packet[i] = (byte) i;
        }
        Path data = tmp.resolve("out.bin");
        // plan: head -14, meta -4, tail 0, order 0 (all little-endian s32)
        assertEquals(0, Main.execute("run", object("xdp_adjust.o").toString(), "--packet", file("p.bin", packet).toString(),
            "--map", "plan:00000000=f2fffffffcffffff0000000000000000", "--data-out", data.toString(), "--repeat", "20", "--no-verify"));
        assertTrue(out.toString().startsWith("Return value: 0, duration (average): "), out.toString());
        byte[] written = Files.readAllBytes(data);
        assertEquals(4 + 14 + 64, written.length);
        assertEquals("11eeffc0", HexFormat.of().formatHex(written, 0, 4), "the metadata mark comes first");
        assertEquals((byte) 0xff, written[4], "the first byte of the grown packet, flipped");
        assertArrayEquals(Arrays.copyOfRange(packet, 2, 64), Arrays.copyOfRange(written, 20, 82));
    }

    @Test
    void tracingAndSocketProgramsRunOnAContextFile() throws Exception {
        TracepointFormat exec = TracepointFormat.builder("sched_process_exec")
            .field("__data_loc char[] filename", 8, 4, false).field("pid_t pid", 12, 4, true).field("pid_t old_pid", 16, 4, true).build();
        Path record = file("record.bin", exec.record().set("pid", 50).set("old_pid", 42).bytes());
        assertEquals(0, Main.execute("run", object("tracing.o").toString(), "--program", "trace_exec", "--ctx", record.toString(),
            "--no-verify"));
        assertTrue(out.toString().startsWith("Return value: 8, "), out.toString());
        out.reset();
        Path regs = file("regs.bin", new PtRegs().set(PtRegs.Register.AX, 3).bytes());
        assertEquals(0, Main.execute("run", object("tracing.o").toString(), "--program", "trace_open_ret", "--ctx", regs.toString(),
            "--no-verify"));
        assertTrue(out.toString().startsWith("Return value: " + (-14 & 0xffffffffL) + ", "), "no memory image: -EFAULT " + out);
        out.reset();
        Path sock = file("sock.bin", new BpfSock().family(2).type(1).protocol(6).bytes());
        Path after = tmp.resolve("sock.out");
        assertEquals(0, Main.execute("run", object("cgroup_sock.o").toString(), "--section", "cgroup/sock_create", "--ctx",
            sock.toString(), "--ctx-out", after.toString(), "--no-verify"));
        assertTrue(out.toString().startsWith("Return value: 1, "), out.toString());
        assertEquals(0x2a02, BpfSock.read(Files.readAllBytes(after), BpfSock.MARK));
    }

    @Test
    void kprobesReadTheMemoryImageGivenOnTheCommandLine() throws Exception {
        Path name = file("name.bin", "/etc/hosts\0".getBytes(StandardCharsets.US_ASCII));
        Path regs = file("regs.bin", new PtRegs().argument(2, 0xffff888000001000L).bytes());
        assertEquals(0, Main.execute("run", object("tracing.o").toString(), "--program", "trace_open", "--ctx", regs.toString(),
            "--memory", "0xffff888000001000=" + name, "--no-verify"));
        assertTrue(out.toString().startsWith("Return value: 1, "), "the string was read: " + out);
        out.reset();
        assertEquals(0, Main.execute("run", object("tracing.o").toString(), "--program", "trace_open", "--ctx", regs.toString(),
            "--memory", "0xffff888000002000=" + name, "--no-verify"));
        assertTrue(out.toString().startsWith("Return value: 0, "), "nothing at that address: " + out);
        assertEquals(2, Main.execute("run", object("tracing.o").toString(), "--program", "trace_open", "--ctx", regs.toString(),
            "--memory", "0xzz=" + name, "--no-verify"));
        assertEquals("ebpf run: --memory 0xzz=" + name + ": '0xzz' is not a hex address", err.toString().trim());
    }

    @Test
    void contextMistakesAreOneLineErrors() throws Exception {
        Path obj = object("tracing.o");
        assertEquals(2, Main.execute("run", obj.toString(), "--program", "trace_open", "--packet", file("p", new byte[20]).toString(),
            "--no-verify"));
        assertEquals("ebpf run: a kprobe program runs on a context: give --ctx FILE (pt_regs), not --packet", err.toString().trim());
        err.reset();
        assertEquals(2, Main.execute("run", obj.toString(), "--program", "trace_open", "--ctx", file("c", new byte[20]).toString(),
            "--no-verify"));
        assertEquals("ebpf run: --ctx " + tmp.resolve("c") + ": 20 bytes, expected 168 (pt_regs)", err.toString().trim());
        err.reset();
        assertEquals(2, Main.execute("run", obj.toString(), "--program", "trace_open", "--type", "nonsense", "--no-verify"));
        assertTrue(err.toString().trim().startsWith("ebpf run: --type nonsense: expected xdp, socket, tc"), err.toString());
        err.reset();
        assertEquals(2, Main.execute("pcap", obj.toString(), file("x.pcap", new byte[0]).toString(), "--program", "trace_exec",
            "--no-verify"));
        assertEquals("ebpf pcap: a tracepoint program runs on a context, not on packets; use run --ctx FILE", err.toString().trim());
    }

    @Test
    void pcapOutWritesPacketsAsTheProgramLeftThem() throws Exception {
        DemoTraffic traffic = DemoTraffic.generate(3000, 5);
        Path capture = tmp.resolve("t.pcap");
        try (OutputStream os = Files.newOutputStream(capture); PcapWriter w = PcapWriter.ethernet(os)) {
            for (int i = 0; i < traffic.count(); i++) {
                w.write(i, traffic.bytes, traffic.offsets[i], traffic.lengths[i], traffic.lengths[i]);
            }
        }
        Path popped = tmp.resolve("popped.pcap");
        assertEquals(0, Main.execute("pcap", object("xdp_vlan_pop.o").toString(), capture.toString(), "--out", popped.toString(),
            "--no-verify"));
        PacketBatch in = PacketBatch.load(capture);
        PacketBatch result = PacketBatch.load(popped);
        assertEquals(in.count(), result.count(), out.toString());
        int tagged = 0;
        for (int i = 0; i < in.count(); i++) {
            byte[] before = Arrays.copyOfRange(in.data(), in.offset(i), in.offset(i) + in.length(i));
            byte[] after = Arrays.copyOfRange(result.data(), result.offset(i), result.offset(i) + result.length(i));
            if (before.length >= 18 && before[12] == (byte) 0x81 && before[13] == 0) {
                tagged++;
                byte[] expected = new byte[before.length - 4];
                System.arraycopy(before, 0, expected, 0, 12);
                System.arraycopy(before, 16, expected, 12, before.length - 16);
                assertArrayEquals(expected, after, "frame " + i);
            } else {
                assertArrayEquals(before, after, "frame " + i);
            }
        }
        assertTrue(tagged > 100, "tagged frames: " + tagged);
    }
}
