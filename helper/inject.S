/* inject.S -- the stub py-hook-inject runs to dlopen the helper.

   A process started without LD_PRELOAD has no py-hook code in it, so gdb
   maps one page, writes this stub there and calls it, with gdb's ordinary
   inferior-call machinery:

       long stub (long (*fn) (long, long), long a0, long a1)
         -> fn (a0, a1), with the complete x86 extended state preserved.

   It is the same shim as entry.S (see there why: gdb 13 cannot write the
   XSAVE area back on AMX CPUs, so the extended state must come back
   unchanged), but position-independent and self-contained: the address
   to call arrives as an argument.  gdb/pyhook/inject.py holds the
   assembled bytes; tests/once/stub.bats checks they equal this file
   assembled (make build/inject.bin).  */

#include "xstate.inc"

        .text
        .globl  hook_inject_stub
        .type   hook_inject_stub, @function
hook_inject_stub:
        push    %rbp
        mov     %rsp, %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        mov     %rdi, %r12              /* fn, a0, a1 across CPUID */
        mov     %rsi, %r13
        mov     %rdx, %r14
        XSTATE_SAVE .Lplain
        mov     %r13, %rdi
        mov     %r14, %rsi
        call    *%r12
        mov     %rax, %r12
        XSTATE_RESTORE
        mov     %r12, %rax
        jmp     .Ldone
.Lplain:
        and     $-16, %rsp
        mov     %r13, %rdi
        mov     %r14, %rsi
        call    *%r12
.Ldone:
        lea     -32(%rbp), %rsp
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
        .size   hook_inject_stub, . - hook_inject_stub

        .section .note.GNU-stack,"",@progbits
