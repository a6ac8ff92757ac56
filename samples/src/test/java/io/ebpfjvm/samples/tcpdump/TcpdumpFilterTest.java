package io.ebpfjvm.samples.tcpdump;

import io.ebpfjvm.core.pcap.PacketBatch;
import io.ebpfjvm.samples.Engine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** tcpdump expressions translated from classic BPF and run in our engine, against tcpdump's own selection. */
class TcpdumpFilterTest {
    @TempDir
    static Path dir;
    private static Path capture;
    private static PacketBatch batch;

    @BeforeAll
    static void capture() throws Exception {
        capture = dir.resolve("generated.pcap");
        TcpdumpFilterMain.writeGenerated(capture, 3000);
        batch = PacketBatch.load(capture);
    }

    @Test
    void ddTextRunsWithoutTcpdump() {
        // 'tcpdump -dd ip' for Ethernet: ldh [12]; jeq #0x800 jt 2 jf 3; ret #262144; ret #0
        String ip = """
            { 0x28, 0, 0, 0x0000000c },
            { 0x15, 0, 1, 0x00000800 },
            { 0x6, 0, 0, 0x00040000 },
            { 0x6, 0, 0, 0x00000000 },
            """;
        TcpdumpFilter filter = TcpdumpFilter.fromDdText(ip, Engine.INTERPRETER);
        long expected = 0;
        byte[] data = batch.data();
        for (int i = 0; i < batch.count(); i++) {
            int at = batch.offset(i);
            expected += batch.length(i) >= 14 && data[at + 12] == 0x08 && data[at + 13] == 0x00 ? 1 : 0;
        }
        assertTrue(expected > 1000, "untagged IPv4 frames: " + expected);
        assertEquals(expected, filter.count(batch));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "tcp port 443",
        "udp and dst port 53",
        "ip6",
        "icmp or icmp6",
        "vlan and ip",
        "ip[6:2] & 0x1fff != 0",
        "net 10.0.0.0/24 and not tcp",
        "tcp[tcpflags] & tcp-syn != 0",
        "greater 100",
        "ether proto 0x0806 or ether proto 0x88cc",
    })
    void matchCountEqualsTcpdumps(String expression) {
        assumeTrue(TcpdumpFilter.tcpdump() != null, "tcpdump not installed");
        TcpdumpFilter filter = TcpdumpFilter.fromDdText(TcpdumpFilter.compileWithTcpdump(expression, capture), Engine.INTERPRETER);
        long ours = filter.count(batch);
        long theirs = TcpdumpFilter.countWithTcpdump(expression, capture);
        assertEquals(theirs, ours, expression);
        assertTrue(ours > 0 && ours < batch.count(), expression + " selects " + ours + " of " + batch.count()
            + ": a filter that takes all or nothing would prove little");
    }

    @Test
    void commandLineComparesWithTcpdump(@TempDir Path tmp) throws Exception {
        assumeTrue(TcpdumpFilter.tcpdump() != null, "tcpdump not installed");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TcpdumpFilterMain.run(new String[] {"-r", capture.toString(), "udp", "port", "53"},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text + err);
        long theirs = TcpdumpFilter.countWithTcpdump("udp port 53", capture);
        assertTrue(text.contains(String.format("3,000 frames, %,d match", theirs)), text);
        assertTrue(text.contains(String.format("%,d frames: the same count", theirs)), text);
    }

    @Test
    void badInputIsOneLine(@TempDir Path tmp) throws Exception {
        Path dd = tmp.resolve("bad.dd");
        Files.writeString(dd, "{ 0x28, 0, 0 }\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TcpdumpFilterMain.run(new String[] {"-r", capture.toString(), "--dd", dd.toString()},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, status);
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("tcpdump-filter: "), message);
    }
}
