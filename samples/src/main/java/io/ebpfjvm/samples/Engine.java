package io.ebpfjvm.samples;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.interp.Interpreter;
import io.ebpfjvm.jit.Jit;
import io.ebpfjvm.jit.JitOptions;
import io.ebpfjvm.verifier.VerifiedProgram;
import io.ebpfjvm.verifier.Verifier;
import io.ebpfjvm.verifier.VerifierOptions;

/**
 * The execution engines the samples can run a program in. Every engine turns a loaded
 * program, its object's live maps and the helpers into an {@link ExecutableProgram}; the
 * samples never look past that interface, so adding an engine is adding a constant here.
 */
public enum Engine {
    /** The reference interpreter (vm-interp): every access checked. */
    INTERPRETER("interp") {
        @Override
        public ExecutableProgram compile(ProgramSpec spec, ProgramType type, MapSet maps, HelperRegistry helpers) {
            return Interpreter.compile(spec, type, maps, helpers, ExecutionOptions.defaults());
        }

        @Override
        public ExecutableProgram compile(Program program, ProgramType type, HelperRegistry helpers) {
            return Interpreter.compile(program, type, helpers, ExecutionOptions.defaults());
        }
    },
    /**
     * eBPF translated to JVM bytecode (vm-jit). Programs of objects are verified first and the
     * verifier's facts let the JIT access proven memory directly.
     */
    JIT("jit") {
        @Override
        public ExecutableProgram compile(ProgramSpec spec, ProgramType type, MapSet maps, HelperRegistry helpers) {
            VerifiedProgram verified = Verifier.verify(spec, type, maps, VerifierOptions.defaults());
            return Jit.compile(spec, type, maps, helpers, ExecutionOptions.defaults(),
                JitOptions.defaults().withVerified(verified));
        }

        @Override
        public ExecutableProgram compile(Program program, ProgramType type, HelperRegistry helpers) {
            return Jit.compile(program, type, MapSet.empty(), helpers, ExecutionOptions.defaults(), JitOptions.defaults());
        }
    };

    private final String shortName;

    Engine(String shortName) {
        this.shortName = shortName;
    }

    /** The name used on command lines ({@code interp}, {@code jit}). */
    public String shortName() {
        return shortName;
    }

    /** False for an engine this build does not contain. */
    public boolean available() {
        return true;
    }

    /** Prepares a program of a loaded object ({@code spec}) to run with that object's {@code maps} and {@code helpers}. */
    public abstract ExecutableProgram compile(ProgramSpec spec, ProgramType type, MapSet maps, HelperRegistry helpers);

    /** Prepares a program without maps (assembled, or translated from classic BPF). */
    public abstract ExecutableProgram compile(Program program, ProgramType type, HelperRegistry helpers);

    /** The engine for a command-line name, or null. */
    public static Engine byShortName(String name) {
        for (Engine e : values()) {
            if (e.shortName.equalsIgnoreCase(name) || e.name().equalsIgnoreCase(name)) {
                return e;
            }
        }
        return null;
    }
}
