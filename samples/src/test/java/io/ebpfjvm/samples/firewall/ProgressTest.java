package io.ebpfjvm.samples.firewall;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressTest {

    @Test
    void redrawsAtMostFiveTimesASecondAndErasesItself() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress p = new Progress(out, "interp", 1_000_000);
        p.accept(1000);  // too soon after the start: nothing drawn
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
        Thread.sleep(250);
        p.accept(420_000);
        p.accept(430_000);  // too soon after the last line
        assertEquals("\rinterp:  42% of 1,000,000 packets", bytes.toString(StandardCharsets.UTF_8));
        p.finish();
        assertEquals("\rinterp:  42% of 1,000,000 packets\r" + " ".repeat(46) + "\r", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aShortRunDrawsNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), "interp", 10);
        p.accept(10);
        p.finish();
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }
}
