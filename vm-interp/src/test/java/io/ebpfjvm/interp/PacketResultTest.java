package io.ebpfjvm.interp;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.error.EbpfRuntimeException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.exec.RunResult;
import io.ebpfjvm.core.helper.KernelHelpers;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** What a run reports about its packet and redirect through {@link RunResult}. */
class PacketResultTest {
    private static ExecutableProgram xdp(String source, ProgramType type) {
        return Interpreter.compile(Assembler.assemble(source), type, KernelHelpers.registry(s -> { }), ExecutionOptions.defaults());
    }

    private static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void anUnmovedPacketIsReportedInTheCallersArrayWithItsStores() {
        ExecutableProgram p = xdp("r2 = *(u32 *)(r1 + 0)\nr3 = 0x77\n*(u8 *)(r2 + 1) = r3\nr0 = 2\nexit", ProgramType.XDP);
        byte[] frame = counting(80);
        RunResult out = new RunResult();
        assertEquals(2, p.run(frame, 10, 60, null, out));
        assertSame(frame, out.packetArray());
        assertEquals(10, out.packetOffset());
        assertEquals(60, out.packetLength());
        assertEquals(0x77, frame[11]);
        assertEquals(RunResult.Redirect.NONE, out.redirect());
    }

    @Test
    void headAndTailAdjustmentsMoveThePacketOutOfTheCallersArray() {
        // Prepend 4 bytes (zeros from the headroom), drop the last 6, write through the new data pointer.
        ExecutableProgram p = xdp("""
            r6 = r1
            r2 = -4
            call 44
            r1 = r6
            r2 = -6
            call 65
            r2 = *(u32 *)(r6 + 0)
            r3 = *(u32 *)(r6 + 4)
            r4 = r2
            r4 += 1
            if r4 > r3 goto out
            r5 = 0xee
            *(u8 *)(r2 + 0) = r5
            out:
            r0 = 3
            exit
            """, ProgramType.XDP);
        byte[] packet = counting(40);
        RunResult out = new RunResult();
        assertEquals(3, p.run(packet, 0, packet.length, null, out));
        assertNotSame(packet, out.packetArray());
        assertArrayEquals(counting(40), packet, "the caller's bytes are left as they were");
        byte[] expected = new byte[38];
        expected[0] = (byte) 0xee;
        System.arraycopy(counting(34), 0, expected, 4, 34);
        assertArrayEquals(expected, out.packet());
        assertEquals(0, out.metaLength());
    }

    @Test
    void directBuffersAndOldRunMethodsStillWorkWhenTheProgramAdjusts() {
        ExecutableProgram p = xdp("r6 = r1\nr2 = 20\ncall 44\nr0 = *(u32 *)(r6 + 4)\nr1 = *(u32 *)(r6 + 0)\nr0 -= r1\nexit", ProgramType.XDP);
        ByteBuffer direct = ByteBuffer.allocateDirect(60);
        assertEquals(40, p.run(direct));
        assertEquals(40, p.run(new byte[60]));
        assertEquals(0, direct.position());
    }

    @Test
    void redirectTargetsAreReportedAndAFailedMapLookupClearsThem() {
        ExecutableProgram tc = xdp("r1 = 9\nr2 = 1\ncall 23\nexit", ProgramType.SCHED_CLS);
        RunResult out = new RunResult();
        assertEquals(7, tc.run(new byte[60], 0, 60, null, out), "TC_ACT_REDIRECT");
        assertEquals(RunResult.Redirect.IFINDEX, out.redirect());
        assertEquals(9, out.redirectTarget());
        assertEquals(1, out.redirectFlags(), "BPF_F_INGRESS");
        ExecutableProgram xdpFlags = xdp("r1 = 9\nr2 = 1\ncall 23\nexit", ProgramType.XDP);
        assertEquals(0, xdpFlags.run(new byte[60], 0, 60, null, out), "XDP redirect takes no flags");
        assertEquals(RunResult.Redirect.NONE, out.redirect());
    }

    @Test
    void adjustHelpersBelongToXdp() {
        ExecutableProgram tc = xdp("r2 = 4\ncall 44\nexit", ProgramType.SCHED_CLS);
        EbpfRuntimeException e = assertThrows(EbpfRuntimeException.class, () -> tc.run(new byte[60]));
        assertTrue(e.getMessage().contains("xdp_adjust_head is an XDP helper"), e.getMessage());
    }

    @Test
    void metadataIsReportedBeforeThePacket() {
        ExecutableProgram p = xdp("""
            r6 = r1
            r2 = -8
            call 54
            r2 = *(u32 *)(r6 + 8)
            r3 = *(u32 *)(r6 + 0)
            r4 = r2
            r4 += 8
            if r4 > r3 goto out
            r5 = 0x1234
            *(u64 *)(r2 + 0) = r5
            out:
            r0 = 2
            exit
            """, ProgramType.XDP);
        RunResult out = new RunResult();
        p.run(counting(20), 0, 20, null, out);
        assertEquals(8, out.metaLength());
        byte[] all = out.metaAndPacket();
        assertEquals(28, all.length);
        assertEquals(0x34, all[0]);
        assertEquals(0x12, all[1]);
        assertArrayEquals(counting(20), Arrays.copyOfRange(all, 8, 28));
    }
}
