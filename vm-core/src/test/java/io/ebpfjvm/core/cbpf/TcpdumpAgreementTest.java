package io.ebpfjvm.core.cbpf;

import io.ebpfjvm.core.pcap.PacketBatch;
import io.ebpfjvm.core.pcap.PcapWriter;
import io.ebpfjvm.core.testing.Tools;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The reference evaluator against tcpdump itself: for each committed filter, the packets
 * {@code tcpdump -r traffic.pcap -w kept.pcap EXPR} keeps are exactly those the reference
 * matches. Skips where tcpdump is not installed.
 */
class TcpdumpAgreementTest {
    @TempDir
    static Path tmp;

    @TestFactory
    Stream<DynamicTest> referenceMatchesWhatTcpdumpKeeps() throws Exception {
        assumeTrue(Tools.find("tcpdump") != null, "tcpdump not installed");
        List<byte[]> packets = SyntheticTraffic.packets(3000, 7);
        Path traffic = tmp.resolve("traffic.pcap");
        try (PcapWriter w = PcapWriter.create(traffic, io.ebpfjvm.core.pcap.PcapHeader.ethernet())) {
            long t = 1_700_000_000_000_000_000L;
            for (byte[] p : packets) {
                w.write(t += 1000, p, 0, p.length, p.length); // len = caplen, as the raw convention sees it
            }
        }
        return FilterCorpus.tcpdump().stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> {
            Path kept = tmp.resolve("kept.pcap");
            Tools.run(List.of("tcpdump", "-r", traffic.toString(), "-w", kept.toString(), f.name()));
            PacketBatch batch = PacketBatch.load(kept);
            List<byte[]> ours = new ArrayList<>();
            for (byte[] p : packets) {
                if (ReferenceClassicVm.run(f.program(), p) != 0) {
                    ours.add(p);
                }
            }
            assertEquals(ours.size(), batch.count(), f.name() + ": matches");
            for (int i = 0; i < ours.size(); i++) {
                assertArrayEquals(ours.get(i), Arrays.copyOfRange(batch.data(), batch.offset(i), batch.offset(i) + batch.length(i)),
                    f.name() + ": match " + i);
            }
        }));
    }
}
