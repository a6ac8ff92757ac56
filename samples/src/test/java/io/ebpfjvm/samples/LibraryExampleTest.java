package io.ebpfjvm.samples;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LibraryExampleTest {

    @Test
    void blocksTheListedPortAndCountsBothVerdicts() throws Exception {
        LibraryExample.Result r = LibraryExample.run();
        assertEquals(1, r.dnsVerdict(), "port 53 is in blocked_ports: XDP_DROP");
        assertEquals(2, r.httpsVerdict(), "port 443 is not: XDP_PASS");
        assertEquals(1, r.passed());
        assertEquals(1, r.dropped());
    }
}
