package io.ebpfjvm.core.cbpf;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The differential check run with vm-core's own subset runner; engines run the same check
 * with theirs (see {@link ClassicDifferential}).
 */
class ClassicDifferentialTest {
    @Test
    void translationAgreesWithClassicSemantics() {
        long runs = ClassicDifferential.check(new SubsetEbpfRunner());
        assertTrue(runs > 200_000, runs + " runs");
    }
}
