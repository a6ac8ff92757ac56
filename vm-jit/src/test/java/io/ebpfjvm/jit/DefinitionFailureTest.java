package io.ebpfjvm.jit;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.objectweb.asm.Opcodes.*;

/** A class the JVM refuses is reported at compile time, with ASM's analysis of what is wrong. */
class DefinitionFailureTest {

    @Test
    void aVerifyErrorSurfacesAtCompileTimeWithTheCheckerReport() {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL, Translator.CLASS, null, "java/lang/Object", new String[] {"io/ebpfjvm/jit/JitEntry"});
        MethodVisitor mv = cw.visitMethod(ACC_STATIC | ACC_PRIVATE, "f0", "()J", null, null);
        mv.visitCode();
        mv.visitInsn(ICONST_0); // an int where the method returns a long
        mv.visitInsn(LRETURN);
        mv.visitMaxs(2, 0);
        mv.visitEnd();
        cw.visitEnd();
        Translator.Result broken = new Translator.Result(cw.toByteArray(), List.of(), Map.of("f0", 2));
        JitUnsupportedException e = assertThrows(JitUnsupportedException.class, () -> Jit.define(broken));
        assertTrue(e.getMessage().contains("VerifyError"), e.getMessage());
        assertTrue(e.getMessage().contains("f0()J"), e.getMessage());
    }
}
