package io.ebpfjvm.interp.object;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.context.BpfSock;
import io.ebpfjvm.core.context.PtRegs;
import io.ebpfjvm.core.context.TracepointFormat;
import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.helper.KernelMemory;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.map.Cpus;
import io.ebpfjvm.core.map.PerfEventArrayMap;
import io.ebpfjvm.interp.Interpreter;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Tracing and cgroup/sock programs built by clang, unit-tested from Java on synthetic input:
 * pt_regs the test fills, a kernel memory image for probe reads, tracepoint records laid out
 * by a declared format, bpf_sock structures; results through perf event arrays and maps.
 */
class TracingProgramsTest {
    private static final long NAME_ADDRESS = 0xffff888012345000L;
    private static final long USER_ADDRESS = 0x00007ffd00001000L;

    private static ExecutableProgram compile(BpfObject object, String name, MapSet maps, KernelMemory memory) {
        return Interpreter.compile(object.program(name).orElseThrow(), null, maps,
            KernelHelpers.registry(s -> { }, memory), ExecutionOptions.defaults());
    }

    private static long u64(byte[] b, int at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    @Test
    void sectionNamesGiveTheKernelsProgramTypes() throws Exception {
        BpfObject tracing = ObjectRunTest.load("tracing.o");
        assertEquals(ProgramType.KPROBE, ProgramType.fromSection(tracing.program("trace_open").orElseThrow().section()));
        assertEquals(ProgramType.KPROBE, ProgramType.fromSection(tracing.program("trace_open_ret").orElseThrow().section()));
        assertEquals(ProgramType.TRACEPOINT, ProgramType.fromSection(tracing.program("trace_exec").orElseThrow().section()));
        assertEquals(ProgramType.TRACEPOINT, ProgramType.fromSection("tp/sched/sched_switch"));
        assertEquals(ProgramType.KPROBE, ProgramType.fromSection("uprobe/libc.so.6:malloc"));
        assertEquals(ProgramType.CGROUP_SOCK, ProgramType.fromSection("cgroup/sock"));
        assertEquals(ProgramType.CGROUP_SOCK, ProgramType.fromSection("cgroup/sock_release"));
        assertEquals(ProgramType.CGROUP_SOCK_POST_BIND6, ProgramType.fromSection("cgroup/post_bind6"));
        assertNull(ProgramType.fromSection("tp_btf/sched_switch"));
        assertNull(ProgramType.fromSection("raw_tp/sched_switch"));
    }

    @Test
    void kprobeReadsArgumentsAndAKernelStringAndSendsAPerfRecord() throws Exception {
        BpfObject object = ObjectRunTest.load("tracing.o");
        MapSet maps = MapSet.create(object);
        PerfEventArrayMap events = (PerfEventArrayMap) maps.byName("events").orElseThrow();
        assertEquals(Cpus.COUNT, events.maxEntries(), "libbpf sizes a perf event array to the CPU count");
        events.openAll();
        KernelMemory memory = new KernelMemory().place(NAME_ADDRESS, "/etc/passwd\0garbage".getBytes(StandardCharsets.US_ASCII));
        ExecutableProgram open = compile(object, "trace_open", maps, memory);
        assertEquals(ProgramType.KPROBE, open.type());

        byte[] regs = new PtRegs().argument(1, -100).argument(2, NAME_ADDRESS).set(PtRegs.Register.IP, 0xffffffff81234567L).bytes();
        assertEquals(1, open.run(regs));
        // A string longer than the buffer is cut at 15 bytes plus NUL; an unmapped one faults.
        memory.place(NAME_ADDRESS + 0x100, "/a/very/long/path/name".getBytes(StandardCharsets.US_ASCII));
        assertEquals(1, open.run(new PtRegs().argument(1, 7).argument(2, NAME_ADDRESS + 0x100).bytes()));
        assertEquals(0, open.run(new PtRegs().argument(1, 8).argument(2, 0xdead0000L).bytes()));

        List<byte[]> records = new ArrayList<>();
        List<Integer> cpus = new ArrayList<>();
        assertEquals(3, events.consume((cpu, data) -> {
            records.add(data);
            cpus.add(cpu);
        }));
        assertEquals(List.of(Cpus.current(), Cpus.current(), Cpus.current()), cpus);
        byte[] first = records.get(0);
        assertEquals(40, first.length);
        assertEquals(-100, u64(first, 0));
        assertEquals(NAME_ADDRESS, u64(first, 8));
        assertEquals(12, u64(first, 16), "bytes copied including the NUL");
        assertEquals("/etc/passwd", new String(first, 24, 11, StandardCharsets.US_ASCII));
        assertEquals(0, first[35]);
        byte[] second = records.get(1);
        assertEquals(16, u64(second, 16));
        assertEquals("/a/very/long/pa", new String(second, 24, 15, StandardCharsets.US_ASCII));
        assertEquals(0, second[39]);
        byte[] third = records.get(2);
        assertEquals(-14, u64(third, 16), "-EFAULT");
        assertArrayEquals(new byte[16], Arrays.copyOfRange(third, 24, 40), "a faulting read zeroes the destination");
        assertEquals(0, events.lost());
    }

    @Test
    void perfOutputToAClosedSlotOrAnotherCpusSlotFailsLikeTheKernel() throws Exception {
        BpfObject object = ObjectRunTest.load("tracing.o");
        MapSet maps = MapSet.create(object);
        PerfEventArrayMap events = (PerfEventArrayMap) maps.byName("events").orElseThrow();
        KernelMemory memory = new KernelMemory().place(NAME_ADDRESS, "x\0".getBytes(StandardCharsets.US_ASCII));
        ExecutableProgram open = compile(object, "trace_open", maps, memory);
        byte[] regs = new PtRegs().argument(2, NAME_ADDRESS).bytes();
        open.run(regs); // slot not open: the helper returns -ENOENT, the program goes on
        assertEquals(0, events.consume((cpu, data) -> fail("nothing was open")));
        events.open(Cpus.current(), 8 + 40); // room for exactly one record
        open.run(regs);
        open.run(regs);
        assertEquals(1, events.consume((cpu, data) -> assertEquals(40, data.length)));
        assertEquals(1, events.lost());
    }

    @Test
    void kretprobeCountsResultsAndReadsUserMemory() throws Exception {
        BpfObject object = ObjectRunTest.load("tracing.o");
        MapSet maps = MapSet.create(object);
        KernelMemory memory = new KernelMemory()
            .place(USER_ADDRESS, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x1122334455667788L).array());
        ExecutableProgram ret = compile(object, "trace_open_ret", maps, memory);
        assertEquals(0x55667788L, ret.run(new PtRegs().set(PtRegs.Register.AX, 5).set(PtRegs.Register.DX, USER_ADDRESS).bytes()));
        assertEquals(-14 & 0xffffffffL, ret.run(new PtRegs().set(PtRegs.Register.AX, -2).set(PtRegs.Register.DX, USER_ADDRESS + 4).bytes()),
            "a read running past the placed bytes faults: (int) -EFAULT, as the program returns it");
        BpfMap stats = maps.byName("stats").orElseThrow();
        assertEquals(1, u64(stats.lookup(u32(0)), 0));
        assertEquals(1, u64(stats.lookup(u32(1)), 0));
    }

    @Test
    void kprobeContextIsReadOnlyAndSized() {
        ExecutableProgram store = Interpreter.compile(Assembler.assemble("r2 = 1\n*(u64 *)(r1 + 80) = r2\nr0 = 0\nexit"),
            ProgramType.KPROBE, io.ebpfjvm.core.helper.HelperRegistry.empty(), ExecutionOptions.defaults());
        EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class, () -> store.run(new PtRegs().bytes()));
        assertTrue(e.getMessage().contains("pt_regs is read-only"), e.getMessage());
        ExecutableProgram misaligned = Interpreter.compile(Assembler.assemble("r0 = *(u64 *)(r1 + 4)\nexit"),
            ProgramType.KPROBE, io.ebpfjvm.core.helper.HelperRegistry.empty(), ExecutionOptions.defaults());
        assertThrows(EbpfRuntimeException.class, () -> misaligned.run(new PtRegs().bytes()));
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> store.run(new byte[100]));
        assertEquals("kprobe context: 100 bytes, expected 168 (pt_regs)", size.getMessage());
    }

    @Test
    void tracepointReadsTheFieldsOfADeclaredRecordButNotTheCommonOnes() throws Exception {
        TracepointFormat format = TracepointFormat.parse("""
            name: sched_process_exec
            ID: 312
            format:
            \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
            \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
            \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
            \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

            \tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;
            \tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;
            \tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;
            """);
        assertEquals(24, format.size());
        assertEquals(12, format.field("pid").offset());
        BpfObject object = ObjectRunTest.load("tracing.o");
        MapSet maps = MapSet.create(object);
        ExecutableProgram exec = compile(object, "trace_exec", maps, new KernelMemory());
        assertEquals(1, exec.run(format.record().set("common_pid", 77).set("pid", 4242).set("old_pid", 4242).bytes()));
        assertEquals(8, exec.run(format.record().set("pid", 50).set("old_pid", 42).bytes()));
        assertEquals(4292, u64(maps.byName("stats").orElseThrow().lookup(u32(2)), 0));

        ExecutableProgram common = Interpreter.compile(Assembler.assemble("r0 = *(u32 *)(r1 + 4)\nexit"),
            ProgramType.TRACEPOINT, io.ebpfjvm.core.helper.HelperRegistry.empty(), ExecutionOptions.defaults());
        EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class, () -> common.run(format.record().bytes()));
        assertTrue(e.getMessage().contains("common fields"), e.getMessage());
        ExecutableProgram beyond = Interpreter.compile(Assembler.assemble("r0 = *(u32 *)(r1 + 24)\nexit"),
            ProgramType.TRACEPOINT, io.ebpfjvm.core.helper.HelperRegistry.empty(), ExecutionOptions.defaults());
        assertThrows(EbpfRuntimeException.class, () -> beyond.run(format.record().bytes()), "past the declared record");
    }

    @Test
    void cgroupSockCreateWritesMarkAndPriorityAndRejectsRawSockets() throws Exception {
        BpfObject object = ObjectRunTest.load("cgroup_sock.o");
        MapSet maps = MapSet.create(object);
        ExecutableProgram create = compile(object, "sock_create", maps, new KernelMemory());
        assertEquals(ProgramType.CGROUP_SOCK, create.type());
        byte[] tcp = new BpfSock().family(2).type(1).protocol(6).bytes();
        assertEquals(1, create.run(tcp));
        assertEquals(0x2a02, BpfSock.read(tcp, BpfSock.MARK));
        assertEquals(6, BpfSock.read(tcp, BpfSock.PRIORITY));
        byte[] udp6 = new BpfSock().family(10).type(2).protocol(17).mark(5).bytes();
        assertEquals(1, create.run(udp6));
        assertEquals(5, BpfSock.read(udp6, BpfSock.MARK));
        assertEquals(0, create.run(new BpfSock().family(2).type(3).protocol(1).bytes()));
    }

    @Test
    void postBind4SeesTheBoundAddressAndPortReadOnly() throws Exception {
        BpfObject object = ObjectRunTest.load("cgroup_sock.o");
        MapSet maps = MapSet.create(object);
        ExecutableProgram bind = compile(object, "post_bind4", maps, new KernelMemory());
        assertEquals(ProgramType.CGROUP_SOCK_POST_BIND4, bind.type());
        assertEquals(1, bind.run(new BpfSock().family(2).srcIp4(0x7f000001).srcPort(8080).bytes()));
        assertEquals(0, bind.run(new BpfSock().family(2).srcIp4(0x7f000001).srcPort(80).bytes()));
        assertEquals(1, bind.run(new BpfSock().family(2).srcIp4(0x0a000001).srcPort(1024).bytes()));
        assertEquals(2, u64(maps.byName("loopback_binds").orElseThrow().lookup(u32(0)), 0));

        // The same loads are refused where the kernel refuses them.
        ExecutableProgram srcInCreate = Interpreter.compile(Assembler.assemble("r0 = *(u32 *)(r1 + 24)\nexit"),
            ProgramType.CGROUP_SOCK, io.ebpfjvm.core.helper.HelperRegistry.empty(), ExecutionOptions.defaults());
        assertThrows(EbpfRuntimeException.class, () -> srcInCreate.run(new BpfSock().bytes()));
        ExecutableProgram markInBind = Interpreter.compile(Assembler.assemble("r0 = *(u32 *)(r1 + 16)\nexit"),
            ProgramType.CGROUP_SOCK_POST_BIND4, io.ebpfjvm.core.helper.HelperRegistry.empty(), ExecutionOptions.defaults());
        assertThrows(EbpfRuntimeException.class, () -> markInBind.run(new BpfSock().bytes()));
        ExecutableProgram familyStore = Interpreter.compile(Assembler.assemble("r2 = 1\n*(u32 *)(r1 + 4) = r2\nr0 = 1\nexit"),
            ProgramType.CGROUP_SOCK, io.ebpfjvm.core.helper.HelperRegistry.empty(), ExecutionOptions.defaults());
        assertThrows(EbpfRuntimeException.class, () -> familyStore.run(new BpfSock().bytes()));
        ExecutableProgram dstPortHalf = Interpreter.compile(Assembler.assemble("r0 = *(u16 *)(r1 + 48)\nexit"),
            ProgramType.CGROUP_SOCK, io.ebpfjvm.core.helper.HelperRegistry.empty(), ExecutionOptions.defaults());
        assertEquals(Short.reverseBytes((short) 443) & 0xffff, dstPortHalf.run(new BpfSock().dstPort(443).bytes()));
        ExecutableProgram padding = Interpreter.compile(Assembler.assemble("r0 = *(u16 *)(r1 + 50)\nexit"),
            ProgramType.CGROUP_SOCK, io.ebpfjvm.core.helper.HelperRegistry.empty(), ExecutionOptions.defaults());
        assertThrows(EbpfRuntimeException.class, () -> padding.run(new BpfSock().bytes()));
    }

    @Test
    void uprobeSeesTheCurrentTaskTheCallerDescribes() throws Exception {
        BpfObject object = ObjectRunTest.load("tracing.o");
        MapSet maps = MapSet.create(object);
        PerfEventArrayMap events = (PerfEventArrayMap) maps.byName("events").orElseThrow();
        events.openAll();
        io.ebpfjvm.core.helper.CurrentTask task = new io.ebpfjvm.core.helper.CurrentTask()
            .process(4243, 4242).user(1000, 100).comm("postgres-worker");
        ExecutableProgram who = Interpreter.compile(object.program("trace_who").orElseThrow(), null, maps,
            KernelHelpers.registry(s -> { }, new KernelMemory(), task), ExecutionOptions.defaults());
        assertEquals(ProgramType.KPROBE, who.type(), "uprobes are kprobe-type programs");
        assertEquals(4242, who.run(new PtRegs().bytes()));
        List<byte[]> records = new ArrayList<>();
        events.consume((cpu, data) -> records.add(data));
        assertEquals(1, records.size());
        byte[] w = records.get(0);
        assertEquals(4242L << 32 | 4243, u64(w, 0));
        assertEquals(100L << 32 | 1000, u64(w, 8));
        assertEquals("postgre", new String(w, 16, 7, StandardCharsets.US_ASCII), "7 bytes and a NUL fit in comm[8]");
        assertEquals(0, w[23]);
    }

    @Test
    void tracepointReadsADataLocStringOutOfItsOwnRecord() throws Exception {
        TracepointFormat exec = TracepointFormat.builder("sched_process_exec")
            .field("__data_loc char[] filename", 8, 4, false).field("pid_t pid", 12, 4, true).field("pid_t old_pid", 16, 4, true).build();
        byte[] record = exec.record().set("pid", 7).setDynamic("filename", "/usr/bin/ls\0".getBytes(StandardCharsets.US_ASCII)).bytes();
        assertEquals(24 + 12, record.length);
        assertEquals(12 << 16 | 24, ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN).getInt(8));
        BpfObject object = ObjectRunTest.load("tracing.o");
        MapSet maps = MapSet.create(object);
        PerfEventArrayMap events = (PerfEventArrayMap) maps.byName("events").orElseThrow();
        events.openAll();
        ExecutableProgram name = compile(object, "trace_exec_name", maps, new KernelMemory());
        assertEquals(12, name.run(record), "bytes copied with the NUL: the record is kernel memory a probe read may read");
        List<String> names = new ArrayList<>();
        events.consume((cpu, data) -> names.add(new String(data, StandardCharsets.US_ASCII)));
        assertEquals(List.of("/usr/bin/ls\0\0\0\0\0"), names);
        // A location past the record faults like any unreadable address.
        byte[] bad = exec.record().set("filename", 4 << 16 | 200).bytes();
        assertEquals(-14 & 0xffffffffL, name.run(bad));
    }
}
