package io.ebpfjvm.interp;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.ConformanceHelpers;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs allocate nothing once warm, and atomics stay exact across threads. */
class SteadyStateTest {
    private static final String WORK = """
        mov %r0, 0
        mov %r3, 0
        loop:
        ldxb %r4, [%r1+0]
        add %r0, %r4
        stxdw [%r10-8], %r0
        call local twice
        add %r3, 1
        jlt %r3, 20, loop
        mov %r6, %r0
        call 2
        mov %r0, %r6
        exit
        twice:
        ldxdw %r5, [%r10-8]
        lsh %r0, 1
        exit
        """;

    @Test
    void noAllocationPerRun() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ExecutableProgram p = Interpreter.compile(Assembler.assemble(WORK), ProgramType.RAW_MEMORY,
            ConformanceHelpers.registry(), ExecutionOptions.defaults());
        byte[] packet = {3, 0, 0, 0};
        long sink = 0;
        for (int i = 0; i < 50_000; i++) {
            sink += p.run(packet, 0, 4);
        }
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            sink += p.run(packet, 0, 4);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertNotEquals(0, sink);
        // The measurement itself may allocate a little; 100k runs must not.
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes over 100000 runs");
    }

    @Test
    void noAllocationPerRunOverByteBuffers() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ExecutableProgram p = Interpreter.compile(Assembler.assemble(WORK), ProgramType.RAW_MEMORY,
            ConformanceHelpers.registry(), ExecutionOptions.defaults());
        java.nio.ByteBuffer heap = java.nio.ByteBuffer.wrap(new byte[] {0, 3, 0, 0, 0}, 1, 4).slice();
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(64);
        direct.put(0, (byte) 3);
        long sink = 0;
        for (int i = 0; i < 50_000; i++) {
            sink += p.run(heap) + p.run(direct);
        }
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            sink += p.run(heap) + p.run(direct);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertNotEquals(0, sink);
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes over 200000 runs");
    }

    @Test
    void noAllocationPerXdpRunThatMovesThePacketAndReportsIt() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ExecutableProgram p = Interpreter.compile(Assembler.assemble("""
            r6 = r1
            r7 = *(u32 *)(r6 + 0)
            r8 = *(u32 *)(r6 + 4)
            r9 = *(u32 *)(r6 + 12)
            r2 = -14
            call 44
            r1 = r6
            r2 = -8
            call 54
            r1 = r6
            r2 = 10
            call 65
            r7 = *(u32 *)(r6 + 0)
            r8 = *(u32 *)(r6 + 8)
            r1 = 3
            r2 = 0
            call 23
            exit
            """), ProgramType.XDP, io.ebpfjvm.core.helper.KernelHelpers.registry(s -> { }), ExecutionOptions.defaults());
        byte[] packet = new byte[64];
        io.ebpfjvm.core.exec.RunResult out = new io.ebpfjvm.core.exec.RunResult();
        long sink = 0;
        for (int i = 0; i < 50_000; i++) {
            sink += p.run(packet, 0, packet.length, null, out);
        }
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            sink += p.run(packet, 0, packet.length, null, out) + out.packetLength();
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(150_000L * 4 + 100_000L * (64 + 14 + 10), sink);
        assertEquals(8, out.metaLength());
        assertEquals(io.ebpfjvm.core.exec.RunResult.Redirect.IFINDEX, out.redirect());
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes over 100000 runs");
    }

    @Test
    void noAllocationPerSkBuffRunWithContextLoadsAndStores() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ExecutableProgram p = Interpreter.compile(Assembler.assemble("""
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u16 *)(r1 + 16)
            r4 = *(u8 *)(r1 + 8)
            r5 = *(u32 *)(r1 + 76)
            *(u32 *)(r1 + 8) = r2
            *(u64 *)(r1 + 48) = r3
            r0 = *(u32 *)(r1 + 80)
            r0 -= r5
            exit
            """), ProgramType.SCHED_CLS, io.ebpfjvm.core.helper.HelperRegistry.empty(), ExecutionOptions.defaults());
        byte[] packet = new byte[60];
        long sink = 0;
        for (int i = 0; i < 50_000; i++) {
            sink += p.run(packet, 0, packet.length);
        }
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            sink += p.run(packet, 0, packet.length);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(150_000L * 60, sink);
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes over 100000 runs");
    }

    @Test
    void atomicAddIsExactAcrossThreads() throws Exception {
        ExecutableProgram p = Interpreter.compile(Assembler.assemble("""
            mov %r2, 1
            lock add [%r1+0], %r2
            mov %r3, 3
            lock add32 [%r1+8], %r3
            mov %r0, 0
            exit
            """));
        byte[] shared = new byte[16];
        int threads = 4;
        int runs = 100_000;
        List<Thread> workers = new ArrayList<>();
        AtomicLong failures = new AtomicLong();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    for (int i = 0; i < runs; i++) {
                        p.run(shared);
                    }
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(0, failures.get());
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(shared).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals((long) threads * runs, b.getLong(0));
        assertEquals(3 * threads * runs, b.getInt(8));
    }

    @Test
    void atomicsOnAMisalignedWindowStayExact() throws Exception {
        // The caller's window starts at an odd array index: atomics fall back to a lock.
        ExecutableProgram p = Interpreter.compile(Assembler.assemble("mov %r2, 1\nlock fetch add [%r1+0], %r2\nmov %r0, %r2\nexit"));
        byte[] shared = new byte[17];
        Thread[] ts = new Thread[3];
        for (int t = 0; t < ts.length; t++) {
            ts[t] = new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    p.run(shared, 1, 8);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(150_000L, java.nio.ByteBuffer.wrap(shared, 1, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
    }
}
