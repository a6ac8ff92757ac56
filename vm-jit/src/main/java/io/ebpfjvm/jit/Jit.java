package io.ebpfjvm.jit;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.interp.Interpreter;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.invoke.MethodHandles;
import java.util.Map;

import static io.ebpfjvm.core.isa.Opcodes.*;

/**
 * The JIT: compiles a program to JVM bytecode (one hidden class per program, so it unloads
 * with its last use) and returns the same {@link ExecutableProgram} the interpreter does.
 * A program it cannot translate runs in the interpreter after a one-line notice, unless the
 * options are strict.
 *
 * <pre>{@code
 * ExecutableProgram p = Jit.compile(program, ProgramType.RAW_MEMORY,
 *     HelperRegistry.empty(), ExecutionOptions.defaults());
 * long r0 = p.run(packet, 0, packet.length);
 * }</pre>
 */
public final class Jit {
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    /** Methods are kept this far under HotSpot's limit; a larger one triggers a finer split. */
    static final int METHOD_LIMIT = Translator.HUGE_METHOD_LIMIT - 100;

    private Jit() {
    }

    public static ExecutableProgram compile(Program program, ProgramType type, HelperRegistry helpers,
                                            ExecutionOptions options) {
        return compile(program, type, MapSet.empty(), helpers, options, JitOptions.defaults());
    }

    /** A raw-memory program with no helpers and default limits. */
    public static ExecutableProgram compile(Program program) {
        return compile(program, ProgramType.RAW_MEMORY, HelperRegistry.empty(), ExecutionOptions.defaults());
    }

    /**
     * A program of a loaded object, with that object's live maps. {@code type} null means the
     * type its ELF section names.
     */
    public static ExecutableProgram compile(ProgramSpec spec, ProgramType type, MapSet maps, HelperRegistry helpers,
                                            ExecutionOptions options) {
        return compile(spec, type, maps, helpers, options, JitOptions.defaults());
    }

    public static ExecutableProgram compile(ProgramSpec spec, ProgramType type, MapSet maps, HelperRegistry helpers,
                                            ExecutionOptions options, JitOptions jitOptions) {
        ProgramType t = type != null ? type : ProgramType.fromSection(spec.section());
        if (t == null) {
            throw new EbpfException("program " + spec.name() + ": section '" + spec.section()
                + "' names no program type we run; choose one (xdp, socket, tc, raw)");
        }
        return compile(spec.program(), t, maps, helpers, options, jitOptions);
    }

    /** The general form: any program, its maps, helpers, run limits and JIT options (facts, fallback). */
    public static ExecutableProgram compile(Program program, ProgramType type, MapSet maps, HelperRegistry helpers,
                                            ExecutionOptions options, JitOptions jitOptions) {
        checkMapReferences(program, maps);
        try {
            return compileOrThrow(program, type, maps, helpers, options, jitOptions);
        } catch (JitUnsupportedException e) {
            if (jitOptions.strict()) {
                throw e;
            }
            jitOptions.notices().accept("ebpf-jvm: JIT fallback, running in the interpreter: " + e.getMessage());
            return Interpreter.compile(new ProgramSpec("program", "jit-fallback", program.slots()), type, maps, helpers, options);
        }
    }

    /** The class the JIT generates for a program, without loading it (for dumps and tests). */
    public static GeneratedClass generate(Program program, ProgramType type, MapSet maps, HelperRegistry helpers,
                                          ExecutionOptions options, JitOptions jitOptions) {
        checkMapReferences(program, maps);
        Translator.Result r = translate(program, type, maps, helpers, options, jitOptions,
            new JitLink(program, options.stepLimit(), maps, options.programs(), helpers));
        return new GeneratedClass(r.bytes(), r.methodSizes());
    }

    /** Bytes of a generated class and the bytecode size of each of its eBPF methods. */
    public record GeneratedClass(byte[] bytes, Map<String, Integer> methodSizes) {
        public int largestMethod() {
            return methodSizes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        }
    }

    static JitProgram compileOrThrow(Program program, ProgramType type, MapSet maps, HelperRegistry helpers,
                                     ExecutionOptions options, JitOptions jitOptions) {
        InterpreterOnly.check(program, type);
        JitLink link = new JitLink(program, options.stepLimit(), maps, options.programs(), helpers);
        Translator.Result code;
        try {
            code = translate(program, type, maps, helpers, options, jitOptions, link);
        } catch (JitUnsupportedException e) {
            throw e;
        } catch (RuntimeException e) {
            // A translator bug must not stop the program from running: report it and fall back.
            throw new JitUnsupportedException("internal JIT error: " + e, e);
        }
        JitEntry entry = define(code);
        link.entry = entry;
        return new JitProgram(entry, type, maps, options.stepLimit(), code);
    }

    private static Translator.Result translate(Program program, ProgramType type, MapSet maps, HelperRegistry helpers,
                                               ExecutionOptions options, JitOptions jitOptions, JitLink link) {
        ControlFlow cfg = new ControlFlow(program);
        int budget = jitOptions.methodBudget();
        while (true) {
            try {
                Translator.Result r = new Translator(program, cfg, type, maps, helpers, jitOptions, link, budget,
                    options.stepLimit()).translate();
                if (r.largestMethod() <= METHOD_LIMIT) {
                    return r;
                }
            } catch (MethodTooLargeException e) {
                // cut finer below
            }
            if (budget <= 400) {
                throw new JitUnsupportedException("a generated method stays above " + METHOD_LIMIT + " bytes of bytecode");
            }
            budget = Math.max(400, budget * 6 / 10);
        }
    }

    static JitEntry define(Translator.Result code) {
        Class<?> hidden;
        try {
            // initialize = true: a VerifyError surfaces here, not in the first run.
            hidden = LOOKUP.defineHiddenClassWithClassData(code.bytes(), code.classData(), true).lookupClass();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (LinkageError e) {
            throw new JitUnsupportedException("generated class rejected by the JVM (" + e + ")\n" + explain(code.bytes()), e);
        }
        try {
            return (JitEntry) hidden.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated class cannot be instantiated", e);
        }
    }

    /** ASM's own verifier output for a class the JVM refused. */
    static String explain(byte[] bytes) {
        StringWriter out = new StringWriter();
        try {
            CheckClassAdapter.verify(new ClassReader(bytes), Jit.class.getClassLoader(), false, new PrintWriter(out));
        } catch (RuntimeException e) {
            out.write("CheckClassAdapter failed: " + e);
        }
        return out.toString();
    }

    /** Every map an lddw names must exist, so runs never meet a dangling reference (as in the interpreter). */
    private static void checkMapReferences(Program program, MapSet maps) {
        for (int pc = 0; pc < program.size(); pc++) {
            var insn = program.get(pc);
            if (insn.isLddw()) {
                if ((insn.src() == BPF_PSEUDO_MAP_FD || insn.src() == BPF_PSEUDO_MAP_VALUE)
                    && (insn.imm() < 0 || insn.imm() >= maps.size())) {
                    throw new EbpfException("insn " + pc + ": lddw names map " + insn.imm() + ", the object has "
                        + maps.size() + " (map references need a loaded object)");
                }
                pc++;
            }
        }
    }
}
