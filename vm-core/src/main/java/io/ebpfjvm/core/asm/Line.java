package io.ebpfjvm.core.asm;

import io.ebpfjvm.core.error.AssemblerException;

/** One source line being assembled: its number and cleaned text. */
record Line(int number, String text) {
    AssemblerException error(String what) {
        return new AssemblerException(number, what);
    }
}
