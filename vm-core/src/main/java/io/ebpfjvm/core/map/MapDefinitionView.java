package io.ebpfjvm.core.map;

/**
 * The fields of a {@link MapDefinition} before it exists: the record's compact constructor
 * hands them to {@link CreateRules} so the checks live in one place.
 */
record MapDefinitionView(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags) {
    long key() {
        return Integer.toUnsignedLong(keySize);
    }

    long value() {
        return Integer.toUnsignedLong(valueSize);
    }

    long entries() {
        return Integer.toUnsignedLong(maxEntries);
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    String where() {
        return "map '" + name + "' (" + type.kernelName() + ")";
    }
}
