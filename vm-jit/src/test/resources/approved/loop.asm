mov %r0, 0
mov %r3, 0
loop:
ldxb %r4, [%r1+0]
add %r0, %r4
stxdw [%r10-8], %r0
ldxdw %r5, [%r10-8]
add %r3, 1
jlt %r3, 20, loop
jsgt %r0, 100, big
exit
big:
mov %r0, 100
exit
