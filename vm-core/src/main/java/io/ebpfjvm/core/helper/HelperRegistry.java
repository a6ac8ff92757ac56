package io.ebpfjvm.core.helper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Helpers by id, immutable. Lookup is an array index so a call costs no hashing.
 *
 * <pre>{@code
 * HelperRegistry helpers = HelperRegistry.builder()
 *     .register(7, "get_prandom_u32", (ctx, a, b, c, d, e) -> 4)
 *     .build();
 * }</pre>
 */
public final class HelperRegistry {
    /** Largest helper id accepted; the kernel's numbering stays well below it. */
    public static final int MAX_ID = 4095;

    private final Helper[] helpers;
    private final String[] names;
    private final HelperPrototype[] prototypes;

    private HelperRegistry(Helper[] helpers, String[] names, HelperPrototype[] prototypes) {
        this.helpers = helpers;
        this.names = names;
        this.prototypes = prototypes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A registry with no helpers. */
    public static HelperRegistry empty() {
        return new HelperRegistry(new Helper[0], new String[0], new HelperPrototype[0]);
    }

    /** The helper with this id, or null. */
    public Helper get(long id) {
        return id >= 0 && id < helpers.length ? helpers[(int) id] : null;
    }

    /** The registered name of this id, or null. */
    public String name(long id) {
        return id >= 0 && id < names.length ? names[(int) id] : null;
    }

    /** The declared prototype of this id, or null when it was registered without one. */
    public HelperPrototype prototype(long id) {
        return id >= 0 && id < prototypes.length ? prototypes[(int) id] : null;
    }

    /** Registered ids in ascending order. */
    public List<Integer> ids() {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < helpers.length; i++) {
            if (helpers[i] != null) {
                ids.add(i);
            }
        }
        return ids;
    }

    /** Builds a {@link HelperRegistry}; later registrations of an id replace earlier ones. */
    public static final class Builder {
        private Helper[] helpers = new Helper[16];
        private String[] names = new String[16];
        private HelperPrototype[] prototypes = new HelperPrototype[16];
        private int top = -1;

        private Builder() {
        }

        /** Registers a helper with the prototype the verifier checks its calls against. */
        public Builder register(int id, HelperPrototype prototype, Helper helper) {
            register(id, prototype.name(), helper);
            prototypes[id] = prototype;
            return this;
        }

        /** Registers a helper without a prototype: engines run it, the verifier rejects calls to it. */
        public Builder register(int id, String name, Helper helper) {
            if (id < 0 || id > MAX_ID) {
                throw new IllegalArgumentException("helper id " + id + " out of range 0.." + MAX_ID);
            }
            if (id >= helpers.length) {
                int size = Math.max(id + 1, helpers.length * 2);
                helpers = Arrays.copyOf(helpers, size);
                names = Arrays.copyOf(names, size);
                prototypes = Arrays.copyOf(prototypes, size);
            }
            helpers[id] = java.util.Objects.requireNonNull(helper, "helper");
            names[id] = java.util.Objects.requireNonNull(name, "name");
            prototypes[id] = null;
            top = Math.max(top, id);
            return this;
        }

        /** Adds every helper of {@code other}. */
        public Builder registerAll(HelperRegistry other) {
            for (int id : other.ids()) {
                HelperPrototype prototype = other.prototype(id);
                if (prototype != null) {
                    register(id, prototype, other.get(id));
                } else {
                    register(id, other.name(id), other.get(id));
                }
            }
            return this;
        }

        public HelperRegistry build() {
            return new HelperRegistry(Arrays.copyOf(helpers, top + 1), Arrays.copyOf(names, top + 1),
                    Arrays.copyOf(prototypes, top + 1));
        }
    }
}
