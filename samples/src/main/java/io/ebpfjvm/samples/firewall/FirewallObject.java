package io.ebpfjvm.samples.firewall;

import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The firewall's eBPF object, loaded once and shared by every {@link Firewall} instance. */
public record FirewallObject(BpfObject object, GlobalData globals) {
    /** The committed object, built from {@code samples/src/main/bpf/firewall.c} by its build.sh. */
    public static final String RESOURCE = "/io/ebpfjvm/samples/firewall/firewall.o";

    /** Loads an object from its ELF bytes. */
    public static FirewallObject of(byte[] elf, String name) {
        return new FirewallObject(ObjectLoader.load(elf, name), GlobalData.of(elf));
    }

    /** The committed object. */
    public static FirewallObject load() {
        try (InputStream in = FirewallObject.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return of(in.readAllBytes(), "firewall.o");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
