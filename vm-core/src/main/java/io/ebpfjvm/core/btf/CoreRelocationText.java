package io.ebpfjvm.core.btf;

import java.util.ArrayList;
import java.util.List;

/**
 * A CO-RE relocation in words, spelled as {@code llvm-objdump -dr} spells it after the
 * instruction it patches: the kind, the root type id and name, then for field relocations the
 * accessed member path and the raw access string, for enum relocations the enumerator and its
 * value:
 *
 * <pre>
 * &lt;byte_off&gt; [10] struct hdr::len (0:1)
 * &lt;byte_off&gt; [8] struct bar::[7].v (7:1)
 * &lt;type_exists&gt; [7] struct foo
 * &lt;enumval_value&gt; [5] enum foo::V = 2
 * </pre>
 *
 * A record that does not make sense (unknown type, access out of range) prints the kind, id and
 * raw access string followed by the reason in angle brackets.
 */
public final class CoreRelocationText {
    private CoreRelocationText() {
    }

    private static final String[] KINDS = {"byte_off", "byte_sz", "field_exists", "signed", "lshift_u64",
        "rshift_u64", "local_type_id", "target_type_id", "type_exists", "type_size", "enumval_exists",
        "enumval_value", "type_matches"};

    private static String kind(int k) {
        return "<" + (k >= 0 && k < KINDS.length ? KINDS[k] : "reloc kind #" + k) + ">";
    }

    private static String failure(BtfExt.CoreRelo r, String why) {
        return kind(r.kind()) + " [" + r.typeId() + "] '" + r.access() + "' <" + why + ">";
    }

    /** The text for {@code r}, whose names come from {@code btf}. */
    public static String of(Btf btf, BtfExt.CoreRelo r) {
        List<Long> access = new ArrayList<>();
        for (String part : r.access().isEmpty() ? new String[0] : r.access().split(":", -1)) {
            if (part.isEmpty() || !part.chars().allMatch(Character::isDigit) || part.length() > 18) {
                return failure(r, "spec string is not a number");
            }
            access.add(Long.parseLong(part));
        }
        int id = r.typeId();
        if (id < 0 || id >= btf.types().size()) {
            return failure(r, "unknown type id: " + id);
        }
        StringBuilder out = new StringBuilder(kind(r.kind())).append(" [").append(id).append(']');
        BtfType t = btf.type(id);
        for (int chain = 0; isModifier(t); chain++) {
            if (chain >= 32) {
                return failure(r, "modifiers chain is too long");
            }
            out.append(switch (t.kind()) {
                case BtfKind.CONST -> " const";
                case BtfKind.VOLATILE -> " volatile";
                case BtfKind.RESTRICT -> " restrict";
                default -> " type_tag(\"" + t.name() + "\")";
            });
            id = t.sizeOrType();
            if (id < 0 || id >= btf.types().size()) {
                return failure(r, "unknown type id: " + id + " in modifiers chain");
            }
            t = btf.type(id);
        }
        if (id == 0) {
            out.append(" void");
        } else {
            out.append(switch (t.kind()) {
                case BtfKind.TYPEDEF -> " typedef";
                case BtfKind.STRUCT -> " struct";
                case BtfKind.UNION -> " union";
                case BtfKind.ENUM, BtfKind.ENUM64 -> " enum";
                case BtfKind.FWD -> t.kindFlag() ? " fwd union" : " fwd struct";
                default -> "";
            }).append(' ').append(nameOrAnon(t.name(), id));
        }
        int k = r.kind();
        if (k >= 6 && k <= 9 || k == 12) {
            // Type relocations: clang writes "0", libbpf insists on it.
            return access.size() == 1 && access.get(0) == 0 ? out.toString()
                : failure(r, "unexpected type-based relocation spec: should be '0'");
        }
        out.append("::");
        if (k == 10 || k == 11) {
            t = skipModifiersAndTypedefs(btf, t);
            if (access.size() != 1) {
                return failure(r, "unexpected enumval relocation spec size");
            }
            long index = access.get(0);
            if (t.kind() != BtfKind.ENUM && t.kind() != BtfKind.ENUM64) {
                return failure(r, "unexpected type kind for enum relocation: " + t.kind());
            }
            if (index >= t.members().size()) {
                return failure(r, "bad value index: " + index);
            }
            BtfType.Member e = t.members().get((int) index);
            // ENUM keeps the value in Member.type (32 bits), ENUM64 in Member.offset (64 bits).
            long raw = t.kind() == BtfKind.ENUM ? e.type() & 0xffffffffL : e.offset();
            boolean signed = t.kindFlag();
            long value = signed && t.kind() == BtfKind.ENUM ? (long) (int) raw : raw;
            out.append(nameOrAnon(e.name(), index)).append(" = ")
                .append(signed ? Long.toString(value) : Long.toUnsignedString(value));
            return out.toString();
        }
        if (k > 5) {
            return failure(r, "unknown relocation kind: " + k);
        }
        if (access.isEmpty()) {
            return failure(r, "field spec too short");
        }
        if (access.get(0) != 0) {
            out.append('[').append(access.get(0)).append(']');
        }
        for (int i = 1; i < access.size(); i++) {
            t = skipModifiersAndTypedefs(btf, t);
            long index = access.get(i);
            if (t.kind() == BtfKind.STRUCT || t.kind() == BtfKind.UNION) {
                if (index >= t.members().size()) {
                    return failure(r, "member index " + index + " for spec sub-string " + i + " is out of range");
                }
                BtfType.Member m = t.members().get((int) index);
                if (i != 1 || access.get(0) != 0) {
                    out.append('.');
                }
                out.append(nameOrAnon(m.name(), index));
                if (m.type() < 0 || m.type() >= btf.types().size()) {
                    return failure(r, "unknown member type id " + m.type() + " for spec sub-string " + i);
                }
                t = btf.type(m.type());
            } else if (t.kind() == BtfKind.ARRAY) {
                out.append('[').append(index).append(']');
                int element = t.array().elementType();
                if (element < 0 || element >= btf.types().size()) {
                    return failure(r, "unknown element type id " + element + " for spec sub-string " + i);
                }
                t = btf.type(element);
            } else {
                return failure(r, "unexpected type kind " + t.kind() + " for spec sub-string " + i);
            }
        }
        return out.append(" (").append(r.access()).append(')').toString();
    }

    private static boolean isModifier(BtfType t) {
        return t.kind() == BtfKind.CONST || t.kind() == BtfKind.VOLATILE || t.kind() == BtfKind.RESTRICT
            || t.kind() == BtfKind.TYPE_TAG;
    }

    private static BtfType skipModifiersAndTypedefs(Btf btf, BtfType t) {
        for (int i = 0; i < 64 && (isModifier(t) || t.kind() == BtfKind.TYPEDEF); i++) {
            int next = t.sizeOrType();
            if (next < 0 || next >= btf.types().size()) {
                break;
            }
            t = btf.type(next);
        }
        return t;
    }

    private static String nameOrAnon(String name, long index) {
        return name.isEmpty() ? "<anon " + index + ">" : name;
    }
}
