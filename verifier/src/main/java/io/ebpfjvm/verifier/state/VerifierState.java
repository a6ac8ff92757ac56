package io.ebpfjvm.verifier.state;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole abstract machine on one path ({@code struct bpf_verifier_state}): the call frames,
 * innermost last, and the references acquired and not yet released.
 */
public final class VerifierState {
    public final List<FuncState> frames = new ArrayList<>();
    /** Acquired reference ids with the instruction that acquired each. */
    public final List<int[]> refs = new ArrayList<>();

    public FuncState cur() {
        return frames.get(frames.size() - 1);
    }

    public int curFrame() {
        return frames.size() - 1;
    }

    public Reg[] regs() {
        return cur().regs;
    }

    public VerifierState copy() {
        VerifierState c = new VerifierState();
        for (FuncState f : frames) {
            c.frames.add(f.copy());
        }
        for (int[] r : refs) {
            c.refs.add(r.clone());
        }
        return c;
    }

    public boolean hasRef(int id) {
        for (int[] r : refs) {
            if (r[0] == id) {
                return true;
            }
        }
        return false;
    }

    public void releaseRef(int id) {
        refs.removeIf(r -> r[0] == id);
    }
}
