package io.ebpfjvm.bench;

import io.ebpfjvm.core.cbpf.ClassicProgram;
import io.ebpfjvm.core.cbpf.ClassicTranslator;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.HelperRegistry;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.isa.Program;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.interp.Interpreter;
import io.ebpfjvm.jit.Jit;
import io.ebpfjvm.jit.JitOptions;
import io.ebpfjvm.verifier.VerifiedProgram;
import io.ebpfjvm.verifier.Verifier;
import io.ebpfjvm.verifier.VerifierOptions;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Who classifies: one of our engines running the workload's program, or the hand-written Java. */
public enum Engine {
    /** The reference interpreter (vm-interp). */
    INTERP,
    /** The JIT (vm-jit), with the verifier's facts for objects. */
    JIT,
    /** Hand-written Java doing the same classification: the baseline. */
    JAVA;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Engine of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    /** A ready classifier for the workload over this traffic, maps filled. */
    public Classifier prepare(Workload workload, Traffic traffic) {
        if (this == JAVA) {
            return workload.java(traffic);
        }
        ExecutableProgram program = workload.classic() ? classic(workload) : object(workload, traffic);
        return program::run;
    }

    private ExecutableProgram classic(Workload workload) {
        Program program = ClassicTranslator.translate(
            ClassicProgram.fromText(new String(workload.bytes(), StandardCharsets.US_ASCII)));
        if (this == JIT) {
            return Jit.compile(program, ProgramType.RAW_MEMORY, MapSet.empty(), HelperRegistry.empty(),
                ExecutionOptions.defaults(), JitOptions.defaults());
        }
        return Interpreter.compile(program, ProgramType.RAW_MEMORY, HelperRegistry.empty(), ExecutionOptions.defaults());
    }

    private ExecutableProgram object(Workload workload, Traffic traffic) {
        BpfObject object = ObjectLoader.load(workload.bytes(), workload.resource());
        ProgramSpec spec = object.programs().get(0);
        MapSet maps = MapSet.create(object);
        workload.fill(maps, traffic);
        HelperRegistry helpers = KernelHelpers.registry(line -> { });
        if (this == JIT) {
            VerifiedProgram verified = Verifier.verify(spec, ProgramType.XDP, maps, VerifierOptions.defaults().withObject(object));
            return Jit.compile(spec, ProgramType.XDP, maps, helpers, ExecutionOptions.defaults(),
                JitOptions.defaults().withStrict(true).withVerified(verified));
        }
        return Interpreter.compile(spec, ProgramType.XDP, maps, helpers, ExecutionOptions.defaults());
    }
}
