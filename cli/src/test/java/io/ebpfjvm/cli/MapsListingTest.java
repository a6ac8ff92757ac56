package io.ebpfjvm.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ebpf maps}: global variables by section and offset, and which programs cannot run here. */
class MapsListingTest extends ConsoleCapture {
    @Test
    void globalVariablesAreListedWithTheirPlace() throws Exception {
        assertEquals(0, Main.execute("maps", object("flow_stats.o").toString()));
        String listing = out.toString();
        // struct config is 8 bytes, struct totals 24; .bss holds last_header[34], then tcp_seen aligned to 4.
        assertTrue(listing.contains("  .rodata+0: cfg (8 bytes)\n"), listing);
        assertTrue(listing.contains("  .data+0: totals (24 bytes)\n"), listing);
        assertTrue(listing.contains("  .bss+0: last_header (34 bytes)\n  .bss+36: tcp_seen (4 bytes)\n"), listing);
    }

    @Test
    void programsThatCannotRunAreMarkedAndTheOthersRun() throws Exception {
        Path obj = object("core_mixed.o");
        assertEquals(0, Main.execute("maps", obj.toString()));
        assertTrue(out.toString().contains("3 program(s): plain_pass (xdp), reads_core (xdp, not runnable here: CO-RE "
            + "relocations), calls_kfunc (tc, not runnable here: kfunc calls); license: GPL"), out.toString());
        Path pkt = tmp.resolve("pkt.bin");
        Files.write(pkt, new byte[14]);
        out.reset();
        assertEquals(0, Main.execute("run", obj.toString(), "--program", "plain_pass", "--packet", pkt.toString()));
        assertTrue(out.toString().startsWith("Return value: 2, "), out.toString());
        err.reset();
        assertEquals(2, Main.execute("run", obj.toString(), "--program", "reads_core", "--packet", pkt.toString(), "--no-verify"));
        assertEquals("ebpf run: program reads_core (section xdp): section xdp insn 8: CO-RE relocation FIELD_BYTE_OFFSET of "
            + "struct hdr (access 0:1) is not supported; build without __builtin_preserve_access_index / BPF_CORE_READ",
            err.toString().trim());
    }
}
