/* entry.c -- hook_handshake, and the C side of every entry point.

   The exported symbols are the assembly shims in entry.S, which keep the
   complete register state intact around these functions.  */

#include "internal.h"

struct hook_channel *
impl_handshake (uint32_t gdb_abi_version)
{
  struct hook_channel *ch = channel_get ();
  if (gdb_abi_version != HOOK_ABI_VERSION)
    ch->last_status
        = channel_fail (HOOK_ERR_ABI_MISMATCH,
                        "GDB speaks helper ABI %u, this libhookhelper.so "
                        "speaks %u: load the gdb extension and the library "
                        "from one build",
                        gdb_abi_version, HOOK_ABI_VERSION);
  else
    ch->last_status = HOOK_OK;
  ch->reply_len = 0;
  return ch;
}
