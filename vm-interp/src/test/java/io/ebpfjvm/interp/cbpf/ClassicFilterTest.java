package io.ebpfjvm.interp.cbpf;

import io.ebpfjvm.core.cbpf.ClassicProgram;
import io.ebpfjvm.core.cbpf.ClassicTranslator;
import io.ebpfjvm.core.error.CbpfFormatException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.testing.Tools;
import io.ebpfjvm.interp.Interpreter;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * tcpdump filters (their {@code tcpdump -dd} output, committed) translated to eBPF and run in
 * the interpreter: the verdict on every packet equals a plain classic BPF evaluator's, and
 * where tcpdump is installed, the number of matches equals what tcpdump itself prints for the
 * same expression over the same packets.
 */
class ClassicFilterTest {
    static final int FILTERS = 15;

    static String text(int n) throws Exception {
        try (InputStream in = ClassicFilterTest.class.getResourceAsStream(String.format("/cbpf/filter%02d.txt", n))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String expression(String text) {
        return text.lines().findFirst().orElseThrow().substring(2);
    }

    @TestFactory
    Stream<DynamicTest> translationAgreesWithClassicSemanticsAndTcpdump() {
        List<byte[]> packets = TestTraffic.packets(3000, 77);
        Path pcap = TestTraffic.writePcap(packets);
        return IntStream.rangeClosed(1, FILTERS).mapToObj(n -> {
            String text;
            try {
                text = text(n);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            String expr = expression(text);
            return DynamicTest.dynamicTest(expr, () -> {
                ClassicProgram filter = ClassicProgram.fromText(text);
                ExecutableProgram ebpf = Interpreter.compile(ClassicTranslator.translate(filter));
                int matches = 0;
                for (byte[] p : packets) {
                    long expected = ClassicEvaluator.run(filter, p, 0, p.length);
                    long got = ebpf.run(p.clone());
                    assertEquals(expected, got, () -> expr + " on " + java.util.HexFormat.of().formatHex(p));
                    if (got != 0) {
                        matches++;
                    }
                }
                assertTrue(matches > 0 && matches < packets.size(), expr + ": " + matches + " matches: traffic too uniform");
                if (Tools.find("tcpdump") != null) {
                    String out = Tools.run(List.of("tcpdump", "-nn", "-r", pcap.toString(), expr));
                    long tcpdumpCount = out.lines().filter(l -> !l.startsWith("reading from")).count();
                    assertEquals(tcpdumpCount, matches, expr + ": tcpdump vs ebpf-jvm");
                }
            });
        });
    }

    @Test
    void rejectsWhatTheKernelRejects() {
        assertThrows(CbpfFormatException.class, () -> ClassicProgram.fromText("{ 0x28, 0, 0, 0x0000000c },"),
            "must end in a return");
        CbpfFormatException div = assertThrows(CbpfFormatException.class,
            () -> ClassicProgram.fromText("{ 0x34, 0, 0, 0 },\n{ 0x16, 0, 0, 0 },"));
        assertEquals("classic BPF insn 0: division by constant zero", div.getMessage());
        CbpfFormatException mem = assertThrows(CbpfFormatException.class,
            () -> ClassicProgram.fromText("{ 0x60, 0, 0, 3 },\n{ 0x16, 0, 0, 0 },"));
        assertEquals("classic BPF insn 0: reads scratch memory M[3] before any write", mem.getMessage());
        CbpfFormatException jump = assertThrows(CbpfFormatException.class,
            () -> ClassicProgram.fromText("{ 0x15, 5, 0, 1 },\n{ 0x16, 0, 0, 0 },"));
        assertTrue(jump.getMessage().startsWith("classic BPF insn 0: conditional jump"), jump.getMessage());
        CbpfFormatException anc = assertThrows(CbpfFormatException.class,
            () -> ClassicTranslator.translate(ClassicProgram.fromText("{ 0x28, 0, 0, 0xfffff02c },\n{ 0x16, 0, 0, 0 },")));
        assertTrue(anc.getMessage().contains("ancillary"), anc.getMessage());
        CbpfFormatException text = assertThrows(CbpfFormatException.class, () -> ClassicProgram.fromText("ldh [12]"));
        assertTrue(text.getMessage().startsWith("classic BPF text line 1"), text.getMessage());
    }

    @Test
    void scratchMemoryAndDivisionByX() {
        // M[1] = len; X = 0; A = len / X -> returns 0; otherwise A % 7
        String t = """
            { 0x80, 0, 0, 0 },
            { 0x02, 0, 0, 1 },
            { 0x01, 0, 0, 0 },
            { 0x3c, 0, 0, 0 },
            { 0x16, 0, 0, 0 },
            """;
        ClassicProgram f = ClassicProgram.fromText(t);
        assertEquals(0, Interpreter.compile(ClassicTranslator.translate(f)).run(new byte[20]));
        String t2 = """
            { 0x80, 0, 0, 0 },
            { 0x02, 0, 0, 1 },
            { 0x01, 0, 0, 7 },
            { 0x60, 0, 0, 1 },
            { 0x9c, 0, 0, 0 },
            { 0x16, 0, 0, 0 },
            """;
        ClassicProgram g = ClassicProgram.fromText(t2);
        assertEquals(20 % 7, Interpreter.compile(ClassicTranslator.translate(g)).run(new byte[20]));
        assertEquals(20 % 7, ClassicEvaluator.run(g, new byte[20], 0, 20));
    }
}
