package io.ebpfjvm.core.btf;

import java.util.List;

/**
 * One BTF type. {@code sizeOrType} is the size for INT, STRUCT, UNION, ENUM, DATASEC and FLOAT
 * and the referenced type id for PTR, TYPEDEF, modifiers, FUNC, VAR and the return type of
 * FUNC_PROTO. Kind-specific parts: {@code members} (STRUCT/UNION members, ENUM values,
 * FUNC_PROTO parameters, DATASEC variables), {@code array} for ARRAY.
 */
public record BtfType(int id, int kind, String name, int sizeOrType, boolean kindFlag, List<Member> members,
                      Array array) {

    /**
     * A member, enumerator, parameter or section variable: {@code type} is the member type (or
     * enum value's low half, or DATASEC variable type), {@code offset} the bit offset (or the
     * DATASEC byte offset), {@code size} the DATASEC variable size.
     */
    public record Member(String name, int type, long offset, long size) {
    }

    /** An ARRAY's element type, index type and element count. */
    public record Array(int elementType, int indexType, long count) {
    }
}
