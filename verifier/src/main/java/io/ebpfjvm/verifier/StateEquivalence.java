package io.ebpfjvm.verifier;

import io.ebpfjvm.verifier.state.FuncState;
import io.ebpfjvm.verifier.state.Reg;
import io.ebpfjvm.verifier.state.RegType;
import io.ebpfjvm.verifier.state.VerifierState;

import java.util.HashMap;
import java.util.Map;

/**
 * The kernel's states_equal: whether a state already proven safe at an instruction covers the
 * current one, so the current path need not be explored again. Without the kernel's liveness
 * and precision marks every scalar is compared as if precise, which prunes less but never
 * unsoundly. In exact mode (infinite-loop detection) registers must match exactly.
 */
final class StateEquivalence {
    private final Map<Integer, Integer> oldToCur = new HashMap<>();
    private final Map<Integer, Integer> curToOld = new HashMap<>();
    private final boolean exact;
    private int tmpId = Integer.MIN_VALUE / 2;

    private StateEquivalence(boolean exact) {
        this.exact = exact;
    }

    static boolean equal(VerifierState old, VerifierState cur, boolean exact) {
        return new StateEquivalence(exact).states(old, cur);
    }

    /** A hash equal for states {@link #equal} calls equal in exact mode (ids left out: they are matched by renaming). */
    static int exactHash(VerifierState st) {
        int h = st.frames.size() * 31 + st.refs.size();
        for (FuncState f : st.frames) {
            h = h * 31 + f.callsite;
            for (Reg r : f.regs) {
                h = h * 31 + regHash(r);
            }
            h = h * 31 + java.util.Arrays.hashCode(f.slotType);
            for (int s = 0; s < FuncState.SLOTS; s++) {
                if (f.isSpilled(s)) {
                    h = h * 31 + regHash(f.spilled[s]);
                }
            }
        }
        return h;
    }

    private static int regHash(Reg r) {
        int h = r.type().ordinal();
        h = h * 31 + (r.nullable() ? 1 : 0);
        h = h * 31 + r.var().hashCode();
        h = h * 31 + r.off();
        h = h * 31 + r.range();
        h = h * 31 + r.mapIndex();
        h = h * 31 + r.memSize();
        h = h * 31 + r.frameNo();
        return h * 31 + r.subprog();
    }

    private boolean states(VerifierState old, VerifierState cur) {
        if (old.frames.size() != cur.frames.size() || old.refs.size() != cur.refs.size()) {
            return false;
        }
        for (int i = 0; i < old.refs.size(); i++) {
            if (!ids(old.refs.get(i)[0], cur.refs.get(i)[0])) {
                return false;
            }
        }
        for (int f = 0; f < old.frames.size(); f++) {
            FuncState o = old.frames.get(f);
            FuncState c = cur.frames.get(f);
            if (o.callsite != c.callsite) {
                return false;
            }
            for (int r = 0; r < o.regs.length; r++) {
                if (!regsafe(o.regs[r], c.regs[r])) {
                    return false;
                }
            }
            if (!stacksafe(o, c)) {
                return false;
            }
        }
        return true;
    }

    private boolean ids(int oldId, int curId) {
        if ((oldId == 0) != (curId == 0)) {
            return false;
        }
        if (oldId == 0) {
            return true;
        }
        Integer mapped = oldToCur.get(oldId);
        if (mapped != null) {
            return mapped == curId;
        }
        if (curToOld.containsKey(curId)) {
            return false;
        }
        oldToCur.put(oldId, curId);
        curToOld.put(curId, oldId);
        return true;
    }

    private boolean scalarIds(int oldId, int curId) {
        return ids(oldId != 0 ? oldId : ++tmpId, curId != 0 ? curId : ++tmpId);
    }

    private boolean regsExact(Reg o, Reg c) {
        return o.type() == c.type() && o.nullable() == c.nullable() && o.var().equals(c.var()) && o.off() == c.off()
            && o.range() == c.range() && o.mapIndex() == c.mapIndex() && o.memSize() == c.memSize()
            && o.frameNo() == c.frameNo() && o.subprog() == c.subprog()
            && ids(o.id(), c.id()) && ids(o.refObjId(), c.refObjId());
    }

    private boolean regsafe(Reg o, Reg c) {
        if (exact) {
            return regsExact(o, c);
        }
        if (o.type() == RegType.NOT_INIT) {
            return true;
        }
        if (c.type() == RegType.NOT_INIT || o.type() != c.type() || o.nullable() != c.nullable()) {
            return false;
        }
        switch (o.type()) {
            case SCALAR:
                // a linked copy matches only a copy linked the same way at the same distance
                if ((o.id() & Reg.ADD_CONST) != (c.id() & Reg.ADD_CONST)
                    || (o.id() & Reg.ADD_CONST) != 0 && o.off() != c.off()) {
                    return false;
                }
                return scalarIds(o.baseId(), c.baseId()) && c.var().within(o.var());
            case MAP_VALUE, MAP_KEY, MEM, RINGBUF_MEM, BUF:
                return o.off() == c.off() && o.mapIndex() == c.mapIndex() && o.memSize() == c.memSize()
                    && c.var().within(o.var()) && ids(o.id(), c.id()) && ids(o.refObjId(), c.refObjId());
            case PACKET, PACKET_META:
                if (o.range() > c.range() || (o.range() < 0 && o.range() != c.range()) || o.off() != c.off()) {
                    return false;
                }
                return ids(o.id(), c.id()) && c.var().within(o.var());
            case STACK:
                return regsExact(o, c) && o.frameNo() == c.frameNo();
            default:
                return regsExact(o, c);
        }
    }

    private boolean stacksafe(FuncState o, FuncState c) {
        for (int i = 0; i < o.allocatedStack; i++) {
            int spi = i / 8;
            int idx = i % 8;
            byte ot = o.slotType[spi * 8 + idx];
            if (!exact && ot == FuncState.STACK_INVALID) {
                continue;
            }
            if (!exact && ot == FuncState.STACK_MISC) {
                continue;
            }
            if (i >= c.allocatedStack) {
                return false;
            }
            byte ct = c.slotType[spi * 8 + idx];
            if (ot == FuncState.STACK_MISC && ct == FuncState.STACK_ZERO) {
                continue;
            }
            if (ot != ct) {
                return false;
            }
            if (idx == 7 && ot == FuncState.STACK_SPILL && !regsafe(o.spilled[spi], c.spilled[spi])) {
                return false;
            }
        }
        return true;
    }
}
