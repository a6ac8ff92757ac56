mov %r0, 7
mov32 %r1, -3
div %r0, 2
sdiv32 %r1, 2
lsh %r0, 60
arsh %r0, 3
be16 %r0
add %r0, %r1
exit
