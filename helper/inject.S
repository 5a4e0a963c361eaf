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
   assembled bytes; tests/once/inject.bats checks they equal this file
   assembled (make build/inject.bin).  */

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
        cld
        mov     $1, %eax
        xor     %ecx, %ecx
        cpuid
        bt      $27, %ecx               /* OSXSAVE */
        jnc     .Lplain
        mov     $0xd, %eax
        xor     %ecx, %ecx
        cpuid                           /* ebx: XSAVE size for XCR0 now */
        mov     %rsp, %rax
        sub     %rbx, %rax
        and     $-64, %rax              /* rax: the save area */
2:      cmp     %rax, %rsp              /* probe down a page at a time */
        jbe     3f
        sub     $4096, %rsp
        cmp     %rax, %rsp
        jae     4f
        mov     %rax, %rsp
4:      orq     $0, (%rsp)
        jmp     2b
3:      xor     %eax, %eax              /* zero the XSAVE header */
        mov     $8, %ecx
1:      mov     %rax, 504(%rsp,%rcx,8)
        dec     %ecx
        jnz     1b
        mov     $-1, %eax
        mov     $-1, %edx
        xsave64 (%rsp)
        mov     %r13, %rdi
        mov     %r14, %rsi
        call    *%r12
        mov     %rax, %r12
        mov     $-1, %eax
        mov     $-1, %edx
        xrstor64 (%rsp)
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
