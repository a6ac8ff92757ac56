package io.ebpfjvm.samples.firewall;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.pcap.PacketBatch;
import io.ebpfjvm.core.pcap.PcapHeader;
import io.ebpfjvm.samples.Engine;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The firewall sample's command line: {@code java -jar samples/target/firewall.jar [options]}.
 * Loads {@code firewall.o}, fills its maps from a rules file, classifies a generated traffic
 * set (or a pcap) on several threads in each engine, and prints verdicts, per-rule counters,
 * drop reports and throughput. Exit codes: 0 done, 1 the engines disagreed or a report was
 * lost, 2 bad usage or unreadable input.
 */
public final class FirewallMain {
    static final String USAGE = """
        usage: java -jar samples/target/firewall.jar [options]
          --rules FILE      rules file (default: the built-in default.rules; format in the README)
          --pcap FILE       classify this capture (Ethernet, classic pcap) instead of generated traffic
          --packets N       generated packets (default 1000000)
          --seed N          seed of the generated traffic (default 2026)
          --threads N       classifier threads, 1-%d (default %d)
          --engine E        interp, jit or all (default all: every engine in this build)
          --show-drops N    drop reports to print (default 5)
          --progress        progress on stderr even when it is not a terminal
          --no-progress     never show progress
          --help            this text
        """;

    private FirewallMain() {
    }

    /** Options as parsed from the command line. */
    record Options(Path rules, Path pcap, int packets, long seed, int threads, List<Engine> engines, int showDrops,
                   Boolean progress) {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the sample; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("firewall: " + e.getMessage());
            err.println("try --help");
            return 2;
        }
        if (options == null) {
            out.print(usage());
            return 0;
        }
        try {
            return new Report(out).print(options, err);
        } catch (RuleFormatException | EbpfException e) {
            return fail(err, e.getMessage(), e, 2);
        } catch (java.io.UncheckedIOException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return fail(err, "cannot read " + cause.getMessage() + " (" + cause.getClass().getSimpleName() + ")", e, 2);
        } catch (RuntimeException e) {
            return fail(err, "internal error: " + e + " (EBPF_DEBUG=1 prints the stack trace)", e, 1);
        }
    }

    private static int fail(PrintStream err, String message, Throwable e, int status) {
        err.println("firewall: " + message);
        if (System.getenv("EBPF_DEBUG") != null) {
            e.printStackTrace(err);
        }
        return status;
    }

    static String usage() {
        return String.format(USAGE, ParallelClassifier.maxThreads(), ParallelClassifier.maxThreads());
    }

    static Options parse(String[] args) {
        Path rules = null;
        Path pcap = null;
        int packets = 1_000_000;
        long seed = 2026;
        int threads = ParallelClassifier.maxThreads();
        List<Engine> engines = null;
        int showDrops = 5;
        Boolean progress = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--rules" -> rules = Path.of(value(args, ++i, a));
                case "--pcap" -> pcap = Path.of(value(args, ++i, a));
                case "--packets" -> packets = (int) number(args, ++i, a, 1, 20_000_000);
                case "--seed" -> seed = number(args, ++i, a, Long.MIN_VALUE, Long.MAX_VALUE);
                case "--threads" -> threads = (int) number(args, ++i, a, 1, ParallelClassifier.maxThreads());
                case "--show-drops" -> showDrops = (int) number(args, ++i, a, 0, 1000);
                case "--progress" -> progress = true;
                case "--no-progress" -> progress = false;
                case "--engine" -> {
                    String name = value(args, ++i, a);
                    if (name.equalsIgnoreCase("all")) {
                        engines = List.of(Engine.values());
                    } else {
                        Engine e = Engine.byShortName(name);
                        if (e == null) {
                            throw new IllegalArgumentException("--engine " + name + ": expected interp, jit or all");
                        }
                        engines = List.of(e);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        return new Options(rules, pcap, packets, seed, threads, engines == null ? List.of(Engine.values()) : engines,
            showDrops, progress);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static long number(String[] args, int i, String option, long min, long max) {
        String v = value(args, i, option).replace("_", "").replace(",", "");
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + args[i] + "': expected a whole number");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(option + " " + n + ": expected " + min + "-" + max);
        }
        return n;
    }

    /** Loads the inputs, runs every engine and prints the results. */
    static final class Report {
        private final PrintStream out;

        Report(PrintStream out) {
            this.out = out;
        }

        int print(Options o, PrintStream err) {
            RuleSet rules = o.rules() == null ? RuleSet.defaults() : RuleSet.read(o.rules());
            String rulesName = o.rules() == null ? "built-in default.rules" : o.rules().toString();
            FirewallObject object = FirewallObject.load();
            Traffic traffic;
            String trafficName;
            if (o.pcap() != null) {
                PacketBatch batch = PacketBatch.load(o.pcap());
                if (batch.header().linkType() != PcapHeader.LINKTYPE_ETHERNET) {
                    throw new EbpfException(o.pcap() + ": link type " + batch.header().linkType()
                        + ", expected Ethernet (1): the firewall parses Ethernet frames");
                }
                traffic = Traffic.of(batch);
                trafficName = o.pcap().toString();
            } else {
                long start = System.nanoTime();
                traffic = TrafficGenerator.generate(o.seed(), o.packets());
                trafficName = String.format(Locale.ROOT, "generated (seed %d, in %.1f s)", o.seed(),
                    (System.nanoTime() - start) / 1e9);
            }
            int n = traffic.count();
            int instructions = object.object().program(Firewall.PROGRAM).orElseThrow().slots().size();
            out.printf(Locale.ROOT, "ebpf-jvm firewall: firewall.o, program %s (%,d instruction slots)%n", Firewall.PROGRAM,
                instructions);
            out.printf(Locale.ROOT, "rules:   %s: %d ACL rules, %d blocklisted prefixes, default %s, later fragments %s%n",
                rulesName, rules.rules().size(), rules.prefixes().size(), rules.defaultAction().name().toLowerCase(),
                rules.laterFragments().name().toLowerCase());
            out.printf(Locale.ROOT, "traffic: %s: %,d packets, %,d bytes; %d threads%n", trafficName, n, traffic.bytes(),
                o.threads());
            boolean showProgress = o.progress() != null ? o.progress() : System.console() != null;

            List<FirewallRun> runs = new ArrayList<>();
            List<Engine> missing = new ArrayList<>();
            for (Engine engine : o.engines()) {
                if (!engine.available()) {
                    missing.add(engine);
                    continue;
                }
                // Warm-up pass on fresh maps, so the measured pass runs compiled Java code.
                FirewallRun.run(object, rules, traffic, Math.min(n, 100_000), engine, o.threads(), 0, null);
                Progress progress = showProgress ? new Progress(err, engine.shortName(), n) : null;
                FirewallRun run = FirewallRun.run(object, rules, traffic, n, engine, o.threads(), o.showDrops(), progress);
                if (progress != null) {
                    progress.finish();
                }
                runs.add(run);
            }
            if (runs.isEmpty()) {
                out.println("no engine of " + o.engines() + " is available in this build");
                return 2;
            }
            FirewallRun first = runs.get(0);
            printVerdicts(first, n);
            printTotals(first.totals());
            printCounters(first, rules);
            printDrops(first);
            int status = printThroughput(runs, missing, n, o.threads());
            long drops = first.verdicts().count(Action.DROP.xdpCode());
            if (first.reportsReceived() != drops || first.totals().reportsLost() != 0) {
                out.printf(Locale.ROOT, "WARNING: %,d drops but %,d reports received (%,d lost)%n", drops,
                    first.reportsReceived(), first.totals().reportsLost());
                status = 1;
            }
            return status;
        }

        private void printVerdicts(FirewallRun run, int n) {
            out.println();
            out.println("verdicts");
            for (Map.Entry<Long, Long> e : run.verdicts().asMap().entrySet()) {
                out.printf(Locale.ROOT, "  %-12s %,11d  %5.1f%%%n", VerdictCounts.xdpName(e.getKey()), e.getValue(),
                    e.getValue() * 100.0 / Math.max(1, n));
            }
        }

        private void printTotals(Totals t) {
            out.println();
            out.println("parser totals (.bss)");
            out.printf(Locale.ROOT, "  IPv4 %,d  IPv6 %,d  VLAN-tagged %,d  fragments %,d  malformed %,d  non-IP %,d%n",
                t.ipv4(), t.ipv6(), t.vlan(), t.fragments(), t.malformed(), t.nonIp());
        }

        private void printCounters(FirewallRun run, RuleSet rules) {
            out.println();
            out.println("per-rule counters (rule_stats: per-CPU array, CPUs summed)");
            out.printf(Locale.ROOT, "  %4s %11s %13s%n", "rule", "packets", "bytes");
            for (Map.Entry<Integer, RuleCounter> e : run.counters().entrySet()) {
                out.printf(Locale.ROOT, "  %4d %,11d %,13d  %s%n", e.getKey(), e.getValue().packets(), e.getValue().bytes(),
                    rules.describe(e.getKey()));
            }
        }

        private void printDrops(FirewallRun run) {
            out.println();
            StringBuilder by = new StringBuilder();
            run.reports().forEach((reason, count) -> by.append(String.format(Locale.ROOT, "  %s %,d", reason, count)));
            out.printf(Locale.ROOT, "drop reports (ring buffer drop_events): %,d received, %,d lost;%s%n",
                run.reportsReceived(), run.totals().reportsLost(), by);
            for (DropEvent e : run.firstDrops()) {
                out.println("  " + e);
            }
        }

        private int printThroughput(List<FirewallRun> runs, List<Engine> missing, int n, int threads) {
            out.println();
            out.printf(Locale.ROOT, "throughput (%,d packets, %d threads)%n", n, threads);
            out.printf(Locale.ROOT, "  %-8s %8s %18s %14s%n", "engine", "Mpps", "ns/packet/thread", "second half");
            int status = 0;
            FirewallRun first = runs.get(0);
            for (FirewallRun r : runs) {
                String agreement = "";
                if (r != first) {
                    boolean same = r.verdicts().equals(first.verdicts()) && r.counters().equals(first.counters())
                        && r.totals().equals(first.totals());
                    agreement = same ? "  (verdicts and counters equal " + first.engine().shortName() + "'s)"
                        : "  DIFFERENT verdicts or counters from " + first.engine().shortName();
                    status = same ? status : 1;
                }
                out.printf(Locale.ROOT, "  %-8s %8.2f %18.0f %9.2f Mpps%s%n", r.engine().shortName(), r.timing().mpps(),
                    r.timing().nanos() * (double) threads / Math.max(1, n), r.timing().steadyMpps(), agreement);
            }
            for (Engine e : missing) {
                out.printf(Locale.ROOT, "  %-8s %8s%n", e.shortName(), "not in this build");
            }
            return status;
        }
    }
}
