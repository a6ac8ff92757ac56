package io.ebpfjvm.interp.object;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.helper.ArgKind;
import io.ebpfjvm.core.helper.HelperContext;
import io.ebpfjvm.core.helper.HelperPrototype;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.helper.ReturnKind;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.map.Errno;
import io.ebpfjvm.core.memory.AddressSpace;
import io.ebpfjvm.interp.Interpreter;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A helper written in Java, registered with its prototype next to the kernel's, called by
 * a clang-built program ({@code user_helper.o}), writing into the program's stack buffer.
 */
class UserHelperTest {
    static final int CLASSIFY = 4000;
    static final HelperPrototype CLASSIFY_PROTO = HelperPrototype.of("classify", ReturnKind.INTEGER,
        ArgKind.SCALAR, ArgKind.PTR_TO_UNINIT_MEM, ArgKind.CONST_SIZE);
    private static final Map<Integer, String> SERVICES = Map.of(53, "dns", 123, "ntp", 161, "snmp");

    /** classify(port, name, size): the service's name into name[0..size), its length; -ENOENT for unknown ports. */
    private static long classify(HelperContext c, long port, long name, long size, long r4, long r5) {
        String service = SERVICES.get((int) port);
        if (service == null) {
            return -Errno.ENOENT;
        }
        AddressSpace mem = c.memory();
        byte[] text = service.getBytes(StandardCharsets.US_ASCII);
        int at = mem.index(name, (int) size, true, c.instructionIndex());
        System.arraycopy(text, 0, mem.array(name), at, Math.min(text.length, (int) size));
        return text.length;
    }

    private static byte[] nameKey(String s) {
        return Arrays.copyOf(s.getBytes(StandardCharsets.US_ASCII), 8);
    }

    @Test
    void aJavaHelperWithAPrototypeRunsInsideAClangProgram() throws Exception {
        HelperRegistry helpers = HelperRegistry.builder()
            .registerAll(KernelHelpers.registry(s -> { }))
            .register(CLASSIFY, CLASSIFY_PROTO, UserHelperTest::classify)
            .build();
        assertEquals(CLASSIFY_PROTO, helpers.prototype(CLASSIFY));
        assertEquals("classify", helpers.name(CLASSIFY));
        assertNotNull(helpers.prototype(KernelHelpers.MAP_LOOKUP_ELEM), "kernel helpers keep their prototypes");

        BpfObject object = ObjectRunTest.load("user_helper.o");
        MapSet maps = MapSet.create(object);
        ExecutableProgram prog = Interpreter.compile(object.program("xdp_services").orElseThrow(), null, maps, helpers,
            ExecutionOptions.defaults());
        int[] ports = {53, 53, 123, 161, 53, 9999, 123};
        long[] verdicts = new long[ports.length];
        for (int i = 0; i < ports.length; i++) {
            verdicts[i] = prog.run(ObjectRunTest.ipv4(17, 0x0a000001, 0x0a000002, 40000, ports[i]));
        }
        assertArrayEquals(new long[] {2, 2, 2, 2, 2, 1, 2}, verdicts);
        BpfMap byService = maps.byName("by_service").orElseThrow();
        for (var e : List.of(Map.entry("dns", 3L), Map.entry("ntp", 2L), Map.entry("snmp", 1L))) {
            assertEquals(e.getValue(), ByteBuffer.wrap(byService.lookup(nameKey(e.getKey()))).order(ByteOrder.LITTLE_ENDIAN).getLong(),
                e.getKey());
        }
        assertEquals(3, byService.size());
    }

    @Test
    void withoutTheUserHelperTheRunFailsNamingIt() throws Exception {
        BpfObject object = ObjectRunTest.load("user_helper.o");
        ExecutableProgram prog = Interpreter.compile(object.program("xdp_services").orElseThrow(), null, MapSet.create(object),
            KernelHelpers.registry(s -> { }), ExecutionOptions.defaults());
        var e = assertThrows(io.ebpfjvm.core.error.EbpfRuntimeException.class,
            () -> prog.run(ObjectRunTest.ipv4(17, 1, 2, 3, 53)));
        assertTrue(e.getMessage().contains("unknown helper 4000"), e.getMessage());
    }
}
