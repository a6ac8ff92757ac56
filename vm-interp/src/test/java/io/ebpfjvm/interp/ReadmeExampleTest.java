package io.ebpfjvm.interp;

import io.ebpfjvm.core.asm.Assembler;
import io.ebpfjvm.core.exec.ExecutableProgram;
import io.ebpfjvm.core.isa.Program;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The library example of README.md, verbatim, so it cannot rot. */
class ReadmeExampleTest {

    @Test
    void readmeLibraryExample() {
        // README:begin
        Program program = Assembler.assemble("""
            ldxb %r0, [%r1+0]    # first byte of the buffer
            add %r0, %r2         # plus the buffer length
            exit
            """);
        ExecutableProgram executable = Interpreter.compile(program);   // thread-safe, reusable
        long fromArray = executable.run(new byte[] {40, 0});            // 40 + 2 = 42
        long fromBuffer = executable.run(ByteBuffer.wrap(new byte[] {1, 2, 3}));   // 1 + 3 = 4
        // README:end
        assertEquals(42, fromArray);
        assertEquals(4, fromBuffer);
    }
}
