package io.ebpfjvm.cli;

import io.ebpfjvm.core.elf.ElfFile;
import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.ConformanceHelpers;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.jit.Jit;
import io.ebpfjvm.jit.JitDump;
import io.ebpfjvm.jit.JitOptions;
import io.ebpfjvm.verifier.Verifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ebpf dump-jit}: the JVM bytecode the JIT generates for a program, as text. */
@Command(name = "dump-jit", mixinStandardHelpOptions = true,
    description = {
        "Print the JVM bytecode the JIT generates for a program (ASM Textifier).",
        "LINENUMBER n marks where eBPF instruction n begins; methods f<N> are functions starting at instruction N,",
        "f<N>_r<K> region K of a function split to stay under HotSpot's 8000-byte method limit."})
final class DumpJitCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "OBJ", description = "ELF object, raw .bin or hex text, or - for standard input.")
    String input;

    @Option(names = {"-p", "--program"}, paramLabel = "NAME", description = "The program with this function name.")
    String program;

    @Option(names = {"-s", "--section"}, paramLabel = "S", description = "The program in this ELF section.")
    String section;

    @Option(names = "--class-dir", paramLabel = "DIR", description = "Also write the generated .class file here.")
    Path classDir;

    @Option(names = "--no-verify", description = {"Show the code generated without the verifier's facts (every access checked,",
        "step budget per block) instead of what run and pcap execute."})
    boolean noVerify;

    @Override
    public Integer call() throws IOException {
        String where = "-".equals(input) ? "<stdin>" : input;
        byte[] data = Inputs.readBytes(input, System.in);
        Jit.GeneratedClass generated;
        String name;
        if (ElfFile.isElf(data)) {
            BpfObject object = ObjectLoader.load(data, where);
            ProgramSpec spec = object.select(program, section);
            ProgramType sectionType = ProgramType.fromSection(spec.section());
            ProgramType type = sectionType == null ? ProgramType.RAW_MEMORY : sectionType;
            // By default the code run and pcap execute: generated with the verifier's facts.
            JitOptions options = JitOptions.defaults();
            if (!noVerify && Verifier.supports(type)) {
                options = options.withVerified(ObjectVerification.verify(spec, type, object, data));
            }
            generated = Jit.generate(spec.program(), type, MapSet.create(object),
                KernelHelpers.registry(line -> { }), ExecutionOptions.defaults(), options);
            name = spec.name();
        } else {
            if (program != null || section != null) {
                throw new EbpfException(where + ": --program and --section need an ELF object, this is raw code");
            }
            byte[] code = Inputs.looksLikeHexText(data)
                ? Inputs.parseHex(new String(data, StandardCharsets.US_ASCII), where) : data;
            Program p = Programs.decode(code, where);
            generated = Jit.generate(p, ProgramType.RAW_MEMORY, MapSet.empty(), ConformanceHelpers.registry(),
                ExecutionOptions.defaults(), JitOptions.defaults());
            name = "program";
        }
        System.out.print(JitDump.text(generated.bytes()));
        int methods = generated.methodSizes().size();
        System.out.printf("// %s: %d method%s, largest %d bytes of bytecode (HotSpot compiles up to 8000)%n",
            name, methods, methods == 1 ? "" : "s", generated.largestMethod());
        if (classDir != null) {
            Files.createDirectories(classDir);
            Path file = classDir.resolve(name + ".class");
            Files.write(file, generated.bytes());
            System.err.println("ebpf: wrote " + file);
        }
        return ExitCodes.OK;
    }
}
