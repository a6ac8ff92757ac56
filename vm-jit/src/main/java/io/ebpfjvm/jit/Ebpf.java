package io.ebpfjvm.jit;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramTable;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.core.map.BpfMap;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.interp.Interpreter;
import io.ebpfjvm.verifier.GlobalFunctions;
import io.ebpfjvm.verifier.VerifiedProgram;
import io.ebpfjvm.verifier.Verifier;
import io.ebpfjvm.verifier.VerifierOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where a library user starts: load a clang-built object, pick an engine, run its programs.
 * Every program of the object is compiled up front and registered in one program table, so
 * program arrays can name them ({@link Loaded#programId}) and tail calls work.
 *
 * <p>Every program is verified first, the way the kernel does at load: a program the verifier
 * rejects throws {@link io.ebpfjvm.core.error.VerificationException} from {@code load} and is
 * never compiled, so it cannot run. The JIT then uses the verifier's facts (direct array accesses
 * where an access is proven). {@link Loader#verify(boolean) verify(false)} skips verification for
 * program types the verifier does not model; such programs run with every access checked.
 *
 * <pre>{@code
 * Ebpf.Loaded acl = Ebpf.loader().engine(Ebpf.Engine.JIT).load(Path.of("xdp_acl.o"));
 * acl.map("rules").put(key, value);
 * long verdict = acl.program("xdp_acl").run(packet);
 * }</pre>
 */
public final class Ebpf {
    private Ebpf() {
    }

    /** The execution engines. */
    public enum Engine { JIT, INTERPRETER }

    public static Loader loader() {
        return new Loader();
    }

    /** Options of a load; reusable. */
    public static final class Loader {
        private Engine engine = Engine.JIT;
        private HelperRegistry helpers;
        private Consumer<String> trace = line -> { };
        private long stepLimit = ExecutionOptions.DEFAULT_STEP_LIMIT;
        private boolean verify = true;

        private Loader() {
        }

        public Loader engine(Engine e) {
            engine = Objects.requireNonNull(e);
            return this;
        }

        /** Helpers by id; the kernel helpers ({@link KernelHelpers}) when not given. */
        public Loader helpers(HelperRegistry registry) {
            helpers = registry;
            return this;
        }

        /** Where {@code bpf_trace_printk} lines go (dropped when not given). */
        public Loader trace(Consumer<String> sink) {
            trace = Objects.requireNonNull(sink);
            return this;
        }

        /** Whether programs are verified before they are compiled (the default); false runs them unverified. */
        public Loader verify(boolean v) {
            verify = v;
            return this;
        }

        public Loader stepLimit(long limit) {
            stepLimit = limit;
            return this;
        }

        public Loaded load(Path object) {
            try {
                return load(Files.readAllBytes(object), object.getFileName().toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + object, e);
            }
        }

        public Loaded load(byte[] elf, String name) {
            BpfObject object = ObjectLoader.load(elf, name);
            MapSet maps = MapSet.create(object);
            ProgramTable table = new ProgramTable();
            ExecutionOptions options = new ExecutionOptions(stepLimit, table);
            HelperRegistry h = helpers != null ? helpers : KernelHelpers.registry(trace);
            Map<String, ExecutableProgram> programs = new LinkedHashMap<>();
            Map<String, Integer> ids = new LinkedHashMap<>();
            // All programs are verified before any is compiled: a rejection leaves nothing runnable.
            Map<String, VerifiedProgram> verified = new LinkedHashMap<>();
            if (verify) {
                VerifierOptions vo = VerifierOptions.defaults().withObject(object).withGlobalFunctions(GlobalFunctions.of(elf));
                if (helpers != null) {
                    vo = vo.withHelpers(helpers);
                }
                for (ProgramSpec spec : object.programs()) {
                    verified.put(spec.name(), verify(object, spec, vo));
                }
            }
            for (ProgramSpec spec : object.programs()) {
                VerifiedProgram v = verified.get(spec.name());
                JitOptions jit = v == null ? JitOptions.defaults() : JitOptions.defaults().withVerified(v);
                ExecutableProgram p = engine == Engine.JIT
                    ? Jit.compile(spec, null, maps, h, options, jit)
                    : Interpreter.compile(spec, null, maps, h, options);
                programs.put(spec.name(), p);
                ids.put(spec.name(), table.add(p));
            }
            return new Loaded(object, maps, programs, ids);
        }

        private static VerifiedProgram verify(BpfObject object, ProgramSpec spec, VerifierOptions options) {
            String section = spec.section().startsWith("?") ? spec.section().substring(1) : spec.section();
            ProgramType type = ProgramType.fromSection(section);
            if (!Verifier.supports(type)) {
                throw new EbpfException(object.name() + ": program '" + spec.name() + "' (section '" + spec.section()
                    + "') is of a type the verifier does not model; load with verify(false) to run it unverified");
            }
            spec.program(); // structure and size first, as the kernel refuses E2BIG before verifying
            return Verifier.verify(spec, type, null, options);
        }
    }

    /** A loaded object: its live maps and its compiled programs. Thread-safe. */
    public static final class Loaded {
        private final BpfObject object;
        private final MapSet maps;
        private final Map<String, ExecutableProgram> programs;
        private final Map<String, Integer> ids;

        private Loaded(BpfObject object, MapSet maps, Map<String, ExecutableProgram> programs, Map<String, Integer> ids) {
            this.object = object;
            this.maps = maps;
            this.programs = programs;
            this.ids = ids;
        }

        /** The program with this function name. */
        public ExecutableProgram program(String name) {
            ExecutableProgram p = programs.get(name);
            if (p == null) {
                throw new EbpfException(object.name() + ": no program '" + name + "'; programs: "
                    + String.join(", ", programs.keySet()));
            }
            return p;
        }

        /** The id a program array stores to make {@code bpf_tail_call} enter this program. */
        public int programId(String name) {
            program(name);
            return ids.get(name);
        }

        public BpfMap map(String name) {
            return maps.byName(name).orElseThrow(() -> new EbpfException(object.name() + ": no map '" + name + "'"));
        }

        public MapSet maps() {
            return maps;
        }

        public BpfObject object() {
            return object;
        }
    }
}
