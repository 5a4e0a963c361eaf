/* entry.S -- the exported entry points: register-preserving shims.

   GDB restores the registers it saved before an inferior call by writing
   each one that differs from its register cache.  GDB 13 cannot write the
   x86 extended state on CPUs whose XSAVE area is larger than it knows
   (AMX): the kernel rejects the short buffer ("Couldn't write extended
   state status: Bad address").  It only has to write when the extended
   state changed during the call, so each shim saves the complete extended
   state with XSAVE64 on entry and puts it back with XRSTOR64 before it
   returns.  The 64-bit forms keep the x87 last-instruction and operand
   pointers whole; the 32-bit forms would truncate them.

   The save area is sized at run time from CPUID leaf 0xD (whatever XCR0
   enables, AMX tiles included) and carved from the stack, 64-byte aligned
   as XSAVE requires.  Its header must be zero before XSAVE: XSAVE writes
   only XSTATE_BV, and XRSTOR faults on a non-zero reserved header.

   The area is carved one page at a time, touching each, so a thread near
   the end of its stack meets its guard page instead of jumping past it.
   Without XSAVE (CPUID.1:ECX.OSXSAVE clear, as in some VMs) there is no
   extended state gdb could fail to write, and the call goes straight on.

   Between entry and XSAVE, and between XRSTOR and return, only general
   purpose instructions run.  */

#include "xstate.inc"

        .text

/* HOOK_SHIM NAME, IMPL: NAME(arg) calls IMPL(arg) with rdi preserved.  */
        .macro HOOK_SHIM name, impl
        .globl \name
        .type \name, @function
\name:
        .cfi_startproc
        push    %rbp
        .cfi_def_cfa_offset 16
        .cfi_offset %rbp, -16
        mov     %rsp, %rbp
        .cfi_def_cfa_register %rbp
        push    %rbx
        push    %r12
        .cfi_offset %rbx, -24
        .cfi_offset %r12, -32
        mov     %rdi, %r12              /* the argument, across CPUID */
        XSTATE_SAVE .Lplain\@
        mov     %r12, %rdi
        call    \impl
        mov     %rax, %r12              /* the result, across XRSTOR */
        XSTATE_RESTORE
        mov     %r12, %rax
        jmp     .Ldone\@
.Lplain\@:
        mov     %r12, %rdi
        call    \impl
.Ldone\@:
        lea     -16(%rbp), %rsp
        pop     %r12
        pop     %rbx
        pop     %rbp
        .cfi_def_cfa %rsp, 8
        ret
        .cfi_endproc
        .size \name, . - \name
        .endm

        HOOK_SHIM hook_handshake, impl_handshake
        HOOK_SHIM hook_snapshot, impl_snapshot
        HOOK_SHIM hook_apply_locals, impl_apply_locals
        HOOK_SHIM hook_recover, impl_recover

        .section .note.GNU-stack,"",@progbits
