package io.ebpfjvm.bench;

import io.ebpfjvm.core.exec.ExecutionOptions;
import io.ebpfjvm.core.exec.MapSet;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.helper.KernelHelpers;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.loader.ProgramSpec;
import io.ebpfjvm.jit.Jit;
import io.ebpfjvm.jit.JitOptions;
import io.ebpfjvm.verifier.VerifiedProgram;
import io.ebpfjvm.verifier.Verifier;
import io.ebpfjvm.verifier.VerifierOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Microseconds to verify a program and to JIT-compile it (with the verifier's facts). The
 * checksum loop is the most expensive to verify: the verifier walks its 768 iterations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PrepareBenchmark {
    @Param({"acl", "lpm", "csum", "hash"})
    public String program;

    private BpfObject object;
    private ProgramSpec spec;
    private MapSet maps;
    private VerifiedProgram verified;

    @Setup
    public void setUp() {
        Workload w = Workload.of(program);
        object = ObjectLoader.load(w.bytes(), w.resource());
        spec = object.programs().get(0);
        maps = MapSet.create(object);
        verified = verify();
    }

    @Benchmark
    public VerifiedProgram verify() {
        return Verifier.verify(spec, ProgramType.XDP, maps, VerifierOptions.defaults().withObject(object));
    }

    @Benchmark
    public Object jitCompile() {
        return Jit.compile(spec, ProgramType.XDP, maps, KernelHelpers.registry(line -> { }), ExecutionOptions.defaults(),
            JitOptions.defaults().withStrict(true).withVerified(verified));
    }
}
