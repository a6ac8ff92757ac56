package io.ebpfjvm.verifier.state;

import io.ebpfjvm.verifier.scalar.Scalar;

/**
 * One register's abstract value ({@code struct bpf_reg_state}), immutable. For a scalar,
 * {@code var} is its value; for a pointer, {@code var} is the variable part of its offset and
 * {@code off} the fixed part.
 *
 * @param type      what the register holds
 * @param nullable  the pointer may be null ({@code PTR_MAYBE_NULL}) until a null check
 * @param var       the scalar value, or the pointer's variable offset
 * @param off       the pointer's fixed offset
 * @param id        shared by copies of one value: null checks and packet ranges apply to all of them
 * @param refObjId  the acquired reference this pointer holds (ring-buffer record, socket), 0 if none
 * @param range     for packet pointers: bytes proven readable from the pointer's fixed offset;
 *                  -1 means "at packet end", -2 "beyond packet end"
 * @param mapIndex  for map pointers and values: the map's index in the program's map set
 * @param memSize   for {@code mem}/{@code ringbuf_mem}: the size of the region
 * @param frameNo   for stack pointers: the call frame whose stack it points into
 * @param subprog   for function pointers: the subprogram's index
 */
public record Reg(RegType type, boolean nullable, Scalar var, int off, int id, int refObjId, int range,
                  int mapIndex, int memSize, int frameNo, int subprog) {

    /** Scalar id flag: this register is a 64-bit copy of its base id's value plus {@code off}. */
    public static final int ADD_CONST64 = 1 << 31;
    /** Scalar id flag: the low 32 bits are a copy of the base id's plus {@code off}, zero-extended. */
    public static final int ADD_CONST32 = 1 << 30;
    /** Both flags: the part of an id that is not the base id. */
    public static final int ADD_CONST = ADD_CONST64 | ADD_CONST32;

    public static final int AT_PKT_END = -1;
    public static final int BEYOND_PKT_END = -2;

    private static final Reg NOT_INIT = new Reg(RegType.NOT_INIT, false, Scalar.unknown(), 0, 0, 0, 0, -1, 0, 0, -1);
    private static final Reg UNKNOWN = scalar(Scalar.unknown());

    public static Reg notInit() {
        return NOT_INIT;
    }

    public static Reg unknown() {
        return UNKNOWN;
    }

    public static Reg scalar(Scalar value) {
        return new Reg(RegType.SCALAR, false, value, 0, 0, 0, 0, -1, 0, 0, -1);
    }

    public static Reg constant(long value) {
        return scalar(Scalar.constant(value));
    }

    /** A pointer of {@code type} at offset 0 with no variable part. */
    public static Reg pointer(RegType type) {
        return new Reg(type, false, Scalar.constant(0), 0, 0, 0, 0, -1, 0, 0, -1);
    }

    public static Reg stack(int frameNo) {
        return pointer(RegType.STACK).withFrameNo(frameNo);
    }

    /** The id without the {@link #ADD_CONST} flags: what linked scalars share. */
    public int baseId() {
        return id & ~ADD_CONST;
    }

    public boolean isScalar() {
        return type == RegType.SCALAR;
    }

    public boolean isPointer() {
        return type.isPointer();
    }

    public boolean isInit() {
        return type != RegType.NOT_INIT;
    }

    /** A scalar known to be zero (the kernel's {@code register_is_null}). */
    public boolean isNull() {
        return type == RegType.SCALAR && var.isConstant() && var.constantValue() == 0;
    }

    public boolean isConstScalar() {
        return type == RegType.SCALAR && var.isConstant();
    }

    public Reg withVar(Scalar v) {
        return new Reg(type, nullable, v, off, id, refObjId, range, mapIndex, memSize, frameNo, subprog);
    }

    public Reg withOff(int o) {
        return new Reg(type, nullable, var, o, id, refObjId, range, mapIndex, memSize, frameNo, subprog);
    }

    public Reg withId(int i) {
        return new Reg(type, nullable, var, off, i, refObjId, range, mapIndex, memSize, frameNo, subprog);
    }

    public Reg withRefObjId(int r) {
        return new Reg(type, nullable, var, off, id, r, range, mapIndex, memSize, frameNo, subprog);
    }

    public Reg withRange(int r) {
        return new Reg(type, nullable, var, off, id, refObjId, r, mapIndex, memSize, frameNo, subprog);
    }

    public Reg withNullable(boolean n) {
        return new Reg(type, n, var, off, id, refObjId, range, mapIndex, memSize, frameNo, subprog);
    }

    public Reg withMap(int index) {
        return new Reg(type, nullable, var, off, id, refObjId, range, index, memSize, frameNo, subprog);
    }

    public Reg withMemSize(int size) {
        return new Reg(type, nullable, var, off, id, refObjId, range, mapIndex, size, frameNo, subprog);
    }

    public Reg withFrameNo(int f) {
        return new Reg(type, nullable, var, off, id, refObjId, range, mapIndex, memSize, f, subprog);
    }

    public Reg withSubprog(int s) {
        return new Reg(type, nullable, var, off, id, refObjId, range, mapIndex, memSize, frameNo, s);
    }

    public Reg withType(RegType t) {
        return new Reg(t, nullable, var, off, id, refObjId, range, mapIndex, memSize, frameNo, subprog);
    }

    /** The kernel's {@code reg_type_str}: {@code map_value_or_null}, {@code fp}, {@code scalar}, ... */
    public String typeName() {
        return typeName(type, nullable);
    }

    public static String typeName(RegType type, boolean nullable) {
        return type.kernelName() + (nullable ? "_or_null" : "");
    }

    /** The register as the kernel's log prints it after {@code R1=}. */
    @Override
    public String toString() {
        switch (type) {
            case NOT_INIT:
                return "?";
            case SCALAR: {
                String s = var.toString();
                if (id != 0 && !var.isConstant()) {
                    // a linked copy prints as id=N+K / id=N-K
                    String ids = (id & ADD_CONST) == 0 ? String.valueOf(id) : baseId() + (off >= 0 ? "+" : "") + off;
                    s = s.startsWith("scalar(") ? "scalar(id=" + ids + (s.equals("scalar()") ? ")" : "," + s.substring(7))
                        : s;
                }
                return s;
            }
            default:
                break;
        }
        StringBuilder b = new StringBuilder(typeName());
        b.append('(');
        String sep = "";
        if (id != 0) {
            b.append(sep).append("id=").append(id);
            sep = ",";
        }
        if (refObjId != 0) {
            b.append(sep).append("ref_obj_id=").append(refObjId);
            sep = ",";
        }
        if (off != 0 || type == RegType.STACK) {
            b.append(sep).append("off=").append(off);
            sep = ",";
        }
        if (type.isPacket()) {
            b.append(sep).append("r=").append(range);
            sep = ",";
        }
        if (type == RegType.MAP_VALUE || type == RegType.CONST_MAP || type == RegType.MAP_KEY) {
            b.append(sep).append("map=").append(mapIndex);
            sep = ",";
        }
        if (type == RegType.MEM || type == RegType.RINGBUF_MEM) {
            b.append(sep).append("sz=").append(memSize);
            sep = ",";
        }
        if (!var.isConstant() || var.constantValue() != 0) {
            String v = var.toString();
            if (v.startsWith("scalar(")) {
                v = v.substring(7, v.length() - 1);
            } else {
                v = "imm=" + v;
            }
            if (!v.isEmpty()) {
                b.append(sep).append(v);
            }
        }
        b.append(')');
        if (type == RegType.STACK && id == 0 && var.isConstant() && var.constantValue() == 0) {
            return "fp" + off;
        }
        return b.toString();
    }
}
