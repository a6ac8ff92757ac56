package io.ebpfjvm.cli;

import io.ebpfjvm.core.context.ContextLayout;
import io.ebpfjvm.core.context.PacketMetadata;
import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.exec.RunResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ebpf run}: one packet (or context) through one program, reported the way bpftool prog run reports it. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run a program of a clang-built object (or a --cbpf filter) on one packet or context.",
        "Prints 'Return value: R, duration (average): Tns' like bpftool prog run.",
        "kprobe, tracepoint and cgroup/sock programs take --ctx (struct pt_regs, the raw record, struct bpf_sock)."})
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "OBJ", description = "The ELF object (.o).")
    String object;

    @Option(names = "--packet", paramLabel = "FILE", description = "The packet bytes (raw file, or - for stdin).")
    String packet;

    @Option(names = "--ctx", paramLabel = "FILE",
        description = {"The context, raw bytes as bpftool's ctx_in: the whole structure for kprobe (168-byte pt_regs),",
            "tracepoint (the record) and cgroup/sock (80-byte bpf_sock) programs; for xdp/socket/tc the plain",
            "xdp_md/__sk_buff fields (ifindex, mark, ...; data pointers are ignored)."})
    String ctx;

    @Option(names = "--data-out", paramLabel = "FILE",
        description = "Write the packet after the run (metadata first, as bpftool's data_out), after adjust_head/tail/meta.")
    Path dataOut;

    @Option(names = "--ctx-out", paramLabel = "FILE", description = "Write the context after the run (kprobe, tracepoint, cgroup/sock).")
    Path ctxOut;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1", description = "Run exactly N times, as bpftool does (maps keep what each run changes); prints the last return value and the mean time (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Mixin
    ProgramOptions options;

    @Override
    public Integer call() {
        if (repeat < 1 || repeat > 1_000_000_000) {
            throw new EbpfException("--repeat " + repeat + ": expected 1..1000000000");
        }
        ProgramOptions.Prepared p = options.prepare(object);
        boolean contextOnly = p.type().contextOnly();
        if (contextOnly) {
            if (ctx == null || packet != null) {
                throw new EbpfException("a " + ProgramOptions.typeName(p.type()) + " program runs on a context: give --ctx FILE ("
                    + p.type().context().structName() + "), not --packet");
            }
            if (dataOut != null) {
                throw new EbpfException("--data-out: a " + ProgramOptions.typeName(p.type()) + " program has no packet; use --ctx-out");
            }
        } else {
            if (packet == null) {
                throw new EbpfException("give --packet FILE (the packet the program runs on)");
            }
            if (ctxOut != null) {
                throw new EbpfException("--ctx-out is for kprobe, tracepoint and cgroup/sock programs");
            }
        }
        byte[] original = Inputs.readBytes(contextOnly ? ctx : packet, System.in);
        PacketMetadata metadata = contextOnly || ctx == null ? null : metadata(p.type().context(), Inputs.readBytes(ctx, System.in));
        if (contextOnly) {
            int need = p.type().context() == ContextLayout.TRACEPOINT_RECORD ? 8 : p.type().context().size();
            if (original.length < need || original.length > p.type().context().size()) {
                throw new EbpfException("--ctx " + ctx + ": " + original.length + " bytes, expected "
                    + (need == p.type().context().size() ? String.valueOf(need) : need + ".." + p.type().context().size())
                    + " (" + p.type().context().structName() + ")");
            }
        }
        byte[] work = original.clone();
        // Exactly --repeat runs, as bpftool prog run does: a program that changes its maps (a
        // token budget, a counter it tests) must see the same number of runs as in the kernel,
        // so there is no separate warm-up. Every run starts from the original packet bytes; the
        // packet and context written out are those the first run left.
        RunResult result = new RunResult();
        long r0 = 0;
        byte[] dataAfter = null;
        byte[] ctxAfter = null;
        long start = System.nanoTime();
        for (int i = 0; i < repeat; i++) {
            System.arraycopy(original, 0, work, 0, work.length);
            r0 = p.executable().run(work, 0, work.length, metadata, result);
            if (i == 0) {
                dataAfter = contextOnly ? null : result.metaAndPacket();
                ctxAfter = contextOnly ? work.clone() : null;
            }
        }
        long average = (System.nanoTime() - start) / repeat;
        System.out.println("Return value: " + r0 + ", duration (average): " + average + "ns");
        write(dataOut, dataAfter);
        write(ctxOut, ctxAfter);
        return ExitCodes.OK;
    }

    private static void write(Path file, byte[] bytes) {
        if (file == null) {
            return;
        }
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plain u32 fields of a packet context from ctx_in bytes; the packet pointer fields are skipped. */
    private PacketMetadata metadata(ContextLayout layout, byte[] bytes) {
        if (layout == null) {
            throw new EbpfException("--ctx: a raw-memory program has no context; give only --packet");
        }
        if (bytes.length > layout.size() || bytes.length % 4 != 0) {
            throw new EbpfException("--ctx " + ctx + ": " + bytes.length + " bytes, expected a multiple of 4 up to "
                + layout.size() + " (" + layout.structName() + ")");
        }
        PacketMetadata m = PacketMetadata.defaults();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < bytes.length; off += 4) {
            if (layout.pointerLoad(off, 4, 0, 0) == Long.MIN_VALUE) {
                m.field(off, b.getInt(off));
            }
        }
        return m;
    }
}
