mov %r1, 9
call local square
mov %r6, %r0
mov %r1, %r10
add %r1, -8
stxdw [%r1+0], %r6
mov %r1, 4
call 3
add %r0, %r6
exit
square:
mov %r0, %r1
mul %r0, %r1
exit
