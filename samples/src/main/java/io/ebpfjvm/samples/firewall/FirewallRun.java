package io.ebpfjvm.samples.firewall;

import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.samples.Engine;

import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * One complete firewall pass: fresh maps filled from a {@link RuleSet}, every packet of a
 * {@link Traffic} classified on several threads in one engine while a {@link DropCollector}
 * drains the drop reports, then the counters read back.
 *
 * @param verdicts   return value counts
 * @param counters   per-rule packets and bytes (rule 0: the default action)
 * @param totals     parser totals and ring-buffer bookkeeping from global data
 * @param reports    drop reports received, by reason
 * @param firstDrops the first drop reports, in ring order
 * @param timing     wall time of the classification
 */
public record FirewallRun(Engine engine, VerdictCounts verdicts, Map<Integer, RuleCounter> counters, Totals totals,
                          long reportsReceived, Map<DropReason, Long> reports, List<DropEvent> firstDrops,
                          ParallelClassifier.Result timing) {

    /** Runs {@code count} packets of {@code traffic}; {@code progress} may be null. */
    public static FirewallRun run(FirewallObject object, RuleSet rules, Traffic traffic, int count, Engine engine, int threads,
                                  int keepDrops, LongConsumer progress) {
        Firewall firewall = new Firewall(object);
        firewall.install(rules);
        ExecutableProgram program = firewall.program(engine);
        ParallelClassifier.Result result;
        DropCollector drops = new DropCollector(firewall.dropEvents(), keepDrops);
        try {
            result = ParallelClassifier.run(program, traffic, count, threads, progress);
        } finally {
            drops.close();
        }
        return new FirewallRun(engine, result.verdicts(), firewall.ruleCounters(rules), firewall.totals(), drops.total(),
            drops.perReason(), drops.events(), result);
    }
}
