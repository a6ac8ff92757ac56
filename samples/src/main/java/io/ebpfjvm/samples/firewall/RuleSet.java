package io.ebpfjvm.samples.firewall;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A firewall policy: ACL rules, blocklisted prefixes, the action for everything else, and
 * what to do with non-first fragments (PASS: classify them by addresses and protocol, their
 * ports counting as 0; DROP: drop them unseen). {@link RuleParser} describes the text format.
 */
public record RuleSet(List<AclRule> rules, List<PrefixRule> prefixes, Action defaultAction, Action laterFragments) {

    /** Resource holding the rules the demo uses when given none. */
    public static final String DEFAULT_RESOURCE = "/io/ebpfjvm/samples/firewall/default.rules";

    public RuleSet {
        rules = List.copyOf(rules);
        prefixes = List.copyOf(prefixes);
    }

    public static RuleSet parse(String text, String source) {
        return RuleParser.parse(text, source);
    }

    /** Reads a rules file; an unreadable file is a {@link RuleFormatException} naming it. */
    public static RuleSet read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RuleFormatException(file + ": cannot read rules file (" + e.getClass().getSimpleName() + ": "
                + e.getMessage() + ")");
        }
        return parse(text, file.toString());
    }

    /** The built-in rules ({@value #DEFAULT_RESOURCE}). */
    public static RuleSet defaults() {
        try (InputStream in = RuleSet.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "default.rules");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every rule id the policy uses (ACL rules and prefixes), ascending, with 0 (the default action) first. */
    public int[] ruleIds() {
        return java.util.stream.IntStream.concat(java.util.stream.IntStream.of(0),
            java.util.stream.IntStream.concat(rules.stream().mapToInt(AclRule::id), prefixes.stream().mapToInt(PrefixRule::id)))
            .distinct().sorted().toArray();
    }

    /** A one-line description of rule {@code id} (0: the default action). */
    public String describe(int id) {
        if (id == 0) {
            return "default " + defaultAction.name().toLowerCase();
        }
        for (AclRule r : rules) {
            if (r.id() == id) {
                return r.toString().replaceFirst("^rule \\d+ ", "");
            }
        }
        for (PrefixRule p : prefixes) {
            if (p.id() == id) {
                return "drop src " + Addresses.format(p.address()) + "/" + p.prefixLength();
            }
        }
        return "?";
    }
}
