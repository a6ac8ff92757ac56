package io.ebpfjvm.samples.firewall;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RuleParserTest {

    @Test
    void parsesEveryDirectiveWithCommentsAndBlankLines() {
        RuleSet set = RuleSet.parse("""
            # a comment

            default drop   # trailing comment
            fragments drop
            prefix 7 10.9.0.0/16
            prefix 8 2001:db8::/32
            rule 1 pass tcp 10.0.0.1 1234 10.0.0.2 80
            rule 2 pass udp any any 10.0.0.53 53
            rule 3 drop tcp any any any 23
            rule 4 drop 132 any any any any
            rule 5 drop icmp6 any any any 135
            """, "x.rules");
        assertEquals(Action.DROP, set.defaultAction());
        assertEquals(Action.DROP, set.laterFragments());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 7, 8), java.util.Arrays.stream(set.ruleIds()).boxed().toList());
        assertEquals(List.of(0, 1, 2, 3, 2), set.rules().stream().map(AclRule::tier).toList());
        assertEquals(List.of(4, 4, 0, 0, 0), set.rules().stream().map(AclRule::family).toList());
        assertEquals(new PrefixRule(8, Addresses.parse("2001:db8::"), 32), set.prefixes().get(1));
        assertEquals(132, set.rules().get(3).protocol());
        assertEquals("drop src 10.9.0.0/16", set.describe(7));
        assertEquals("default drop", set.describe(0));
    }

    @Test
    void defaultRulesParse() {
        RuleSet set = RuleSet.defaults();
        assertEquals(Action.PASS, set.defaultAction());
        assertEquals(14, set.rules().size());
        assertEquals(5, set.prefixes().size());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " => ", value = {
        "bogus 1 2 => x.rules:2: unknown directive 'bogus', expected rule, prefix, default or fragments",
        "default maybe => x.rules:2: action 'maybe', expected pass or drop",
        "default => x.rules:2: 1 field, expected 2: default pass|drop",
        "rule 0 drop tcp any any any 23 => x.rules:2: rule id '0', expected 1-255",
        "rule 256 drop tcp any any any 23 => x.rules:2: rule id '256', expected 1-255",
        "rule 9 drop tcp any any any 23 => x.rules:2: rule id 9 used twice",
        "rule 1 drop xtp any any any 23 => x.rules:2: protocol 'xtp', expected tcp, udp, icmp, icmp6, gre or 0-255",
        "rule 1 drop tcp 10.0.0.256 1 10.0.0.1 23 => x.rules:2: source '10.0.0.256', expected an IPv4 or IPv6 address or any",
        "rule 1 drop tcp any any example.com 23 => x.rules:2: destination 'example.com', expected an IPv4 or IPv6 address or any",
        "rule 1 drop tcp any any any 65536 => x.rules:2: destination port '65536', expected 0-65535 or any",
        "rule 1 drop tcp 10.0.0.1 1 ::1 23 => x.rules:2: source 10.0.0.1 and destination ::1 are of different IP versions",
        "rule 1 drop tcp 10.0.0.1 any 10.0.0.2 23 => x.rules:2: wildcards 'any' in this combination cannot be looked up; allowed: none; SRC SPORT; SRC SPORT DST; SRC SPORT DST DPORT",
        "rule 1 drop tcp any any any 22 => x.rules:2: rule 1 matches exactly what rule 9 matches",
        "rule 1 drop tcp any any any => x.rules:2: 7 fields, expected 8: rule ID pass|drop PROTO SRC SPORT DST DPORT",
        "prefix 1 10.0.0.1/24 => x.rules:2: prefix 10.0.0.1/24 has bits set past /24",
        "prefix 1 10.0.0.0/33 => x.rules:2: prefix length 33, expected 0-32",
        "prefix 1 10.0.0.0 => x.rules:2: prefix '10.0.0.0', expected ADDRESS/LENGTH such as 203.0.113.0/24 or 2001:db8::/32",
    })
    void badLinesNameFileLineAndWhatWasExpected(String line, String message) {
        String text = "rule 9 drop tcp any any any 22\n" + line + "\n";
        RuleFormatException e = assertThrows(RuleFormatException.class, () -> RuleSet.parse(text, "x.rules"));
        assertEquals(message, e.getMessage());
    }

    @Test
    void unreadableFileIsOneLine(@org.junit.jupiter.api.io.TempDir Path dir) {
        RuleFormatException e = assertThrows(RuleFormatException.class, () -> RuleSet.read(dir.resolve("missing.rules")));
        assertEquals(dir.resolve("missing.rules") + ": cannot read rules file (NoSuchFileException: "
            + dir.resolve("missing.rules") + ")", e.getMessage());
    }

    @Test
    void readsAFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("a.rules");
        Files.writeString(file, "default drop\nrule 3 pass tcp any any any 443\n");
        RuleSet set = RuleSet.read(file);
        assertEquals(Action.DROP, set.defaultAction());
        assertEquals(443, set.rules().get(0).dport());
    }

    @Test
    void aclKeysFollowStructFlowKey() {
        RuleSet set = RuleSet.parse("""
            rule 1 pass tcp 10.0.0.1 1234 10.0.0.2 80
            rule 2 pass udp any any 2001:db8::53 53
            rule 3 drop icmp any any any 8
            rule 4 drop gre any any any any
            """, "k.rules");
        // src[16] dst[16] sport(be) dport(be) proto family tier pad
        assertEquals("0a000001000000000000000000000000" + "0a000002000000000000000000000000" + "04d2" + "0050" + "06" + "04" + "00" + "00",
            HexFormat.of().formatHex(Firewall.aclKey(set.rules().get(0))));
        assertEquals("00000000000000000000000000000000" + "20010db8000000000000000000000053" + "0000" + "0035" + "11" + "06" + "01" + "00",
            HexFormat.of().formatHex(Firewall.aclKey(set.rules().get(1))));
        assertEquals("00".repeat(32) + "0000" + "0008" + "01" + "00" + "02" + "00",
            HexFormat.of().formatHex(Firewall.aclKey(set.rules().get(2))));
        assertArrayEquals(HexFormat.of().parseHex("00".repeat(36) + "2f" + "00" + "03" + "00"), Firewall.aclKey(set.rules().get(3)));
    }

    @Test
    void addressesFormatTheUsualWay() {
        assertEquals("2001:db8::53", Addresses.format(Addresses.parse("2001:0db8:0:0:0:0:0:53")));
        assertEquals("::", Addresses.format(new byte[16]));
        assertEquals("2001:db8:0:1::1", Addresses.format(Addresses.parse("2001:db8:0:1:0:0:0:1")));
        assertEquals("192.0.2.1", Addresses.format(Addresses.parse("192.0.2.1")));
    }
}
