package io.ebpfjvm.verifier;

import io.ebpfjvm.core.error.EbpfException;
import io.ebpfjvm.core.error.VerificationException;
import io.ebpfjvm.core.exec.ProgramType;
import io.ebpfjvm.core.loader.BpfObject;
import io.ebpfjvm.core.loader.ObjectLoader;
import io.ebpfjvm.core.loader.ProgramSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Our verdicts against the Linux kernel's on its own verifier selftests
 * (../shared/verifier-corpus): each program is loaded from its object by symbol name, typed by
 * its section the way libbpf types it, verified, and compared with the kernel's verdict and
 * the last line of the kernel's log.
 */
class KernelCorpusTest {
    private static final Path CORPUS = Path.of(System.getProperty("verifier.corpus",
        "../../shared/verifier-corpus")).toAbsolutePath().normalize();

    /** One corpus line and what we said about it. */
    record Outcome(String object, String program, String section, boolean kernelAccepts, String kernelMessage,
                   boolean weAccept, String ourMessage) {
        boolean agrees() {
            return kernelAccepts == weAccept;
        }

        boolean messageMatches() {
            return !kernelAccepts && !weAccept && kernelMessage.equals(ourMessage);
        }
    }

    static List<Outcome> run(Path corpus) throws IOException {
        List<String> lines = Files.readAllLines(corpus.resolve("corpus.tsv"));
        Map<String, Object> objects = new HashMap<>();
        List<Outcome> outcomes = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t", -1);
            String object = f[0];
            String program = f[1];
            String section = f[2];
            boolean kernelAccepts = f[3].equals("ACCEPT");
            String kernelMessage = f.length > 4 ? f[4] : "";
            Object loaded = objects.computeIfAbsent(object, o -> {
                try {
                    return ObjectLoader.load(Files.readAllBytes(corpus.resolve("obj").resolve(o)), o);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (EbpfException e) {
                    return e; // an object we cannot load: each of its programs counts as rejected
                }
            });
            String stripped = section.startsWith("?") ? section.substring(1) : section;
            ProgramType type = ProgramType.fromSection(stripped);
            boolean accepted;
            String message;
            try {
                if (loaded instanceof EbpfException e) {
                    throw new VerificationException(-1, e.getMessage(), "");
                }
                BpfObject obj = (BpfObject) loaded;
                ProgramSpec spec = obj.program(program).orElseThrow(() -> new EbpfException("no program " + program));
                if (type == null) {
                    throw new VerificationException(-1, "program type of section '" + section
                        + "' not supported by the verifier", "");
                }
                Verifier.verify(spec, type, null, VerifierOptions.defaults().withObject(obj)
                    .withGlobalFunctions(GlobalFunctions.of(Files.readAllBytes(corpus.resolve("obj").resolve(object)))));
                accepted = true;
                message = "";
            } catch (VerificationException e) {
                accepted = false;
                String log = e.log().strip();
                message = log.isEmpty() ? e.getMessage() : log.substring(log.lastIndexOf('\n') + 1);
            }
            outcomes.add(new Outcome(object, program, section, kernelAccepts, kernelMessage, accepted, message));
        }
        return outcomes;
    }

    @Test
    void agreesWithTheKernel() throws IOException {
        assumeTrue(Files.isRegularFile(CORPUS.resolve("corpus.tsv")), "verifier corpus not found at " + CORPUS);
        long start = System.nanoTime();
        List<Outcome> outcomes = run(CORPUS);
        long millis = (System.nanoTime() - start) / 1_000_000;
        int total = outcomes.size();
        int agree = 0;
        int falseAccepts = 0;
        int rejects = 0;
        int messages = 0;
        for (Outcome o : outcomes) {
            if (o.agrees()) {
                agree++;
            }
            if (!o.kernelAccepts()) {
                rejects++;
                if (o.weAccept()) {
                    falseAccepts++;
                }
                if (o.messageMatches()) {
                    messages++;
                }
            }
            if (!o.agrees()) {
                System.out.println("DISAGREE " + o.object() + " " + o.program() + " [" + o.section() + "] kernel="
                    + (o.kernelAccepts() ? "ACCEPT" : "REJECT: " + o.kernelMessage()) + " ours="
                    + (o.weAccept() ? "ACCEPT" : "REJECT: " + o.ourMessage()));
            } else if (!o.kernelAccepts() && !o.messageMatches()) {
                System.out.println("MESSAGE  " + o.object() + " " + o.program() + " kernel: " + o.kernelMessage()
                    + " | ours: " + o.ourMessage());
            }
        }
        double agreement = 100.0 * agree / total;
        double messageShare = 100.0 * messages / Math.max(1, rejects);
        System.out.printf("verifier corpus: %d programs, verdict agreement %d/%d (%.1f%%), false accepts %d, "
            + "kernel message matched on %d/%d rejects (%.1f%%), %d ms%n", total, agree, total, agreement, falseAccepts,
            messages, rejects, messageShare, millis);
        assertEquals(0, falseAccepts, "programs the kernel rejects that we accept");
        assertTrue(agreement >= 97.0, String.format("verdict agreement %.1f%% below 97%%", agreement));
        assertTrue(messageShare >= 50.0, String.format("message agreement %.1f%% below 50%%", messageShare));
    }
}
