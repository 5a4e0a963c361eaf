/* entry.c -- hook_handshake, and what every entry point does first and last.

   The exported symbols are the assembly shims in entry.S, which keep the
   complete register state intact around the impl_ functions.  */

#include "internal.h"

#define PY_3_12 0x030c0000ul

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

/* May this thread run Python code now?  Only if it holds the GIL, which is
   told by the current thread state: on 3.11 it is process-wide (the GIL
   holder's), from 3.12 on it is this thread's and set only while it holds
   the GIL.  */
static int
preflight (const struct py_api *api, void **tstate)
{
  if (!api->Py_IsInitialized ())
    return channel_fail (HOOK_ERR_NOT_INITIALIZED,
                         "the Python interpreter is not initialized yet; "
                         "continue to a stop after Py_Initialize");
  if (api->Py_IsFinalizing ())
    return channel_fail (HOOK_ERR_NOT_INITIALIZED,
                         "the Python interpreter is shutting down; Python "
                         "frames can no longer be inspected safely");
  void *mine = api->PyGILState_GetThisThreadState ();
  void *current = api->current_tstate ();
  int per_thread = api->version >= PY_3_12;
  if (mine == NULL && !(per_thread && current != NULL))
    return channel_fail (HOOK_ERR_NO_THREAD_STATE,
                         "this thread has no Python thread state; select a "
                         "thread that runs Python code (info threads, "
                         "thread N)");
  if (current == NULL || (!per_thread && current != mine))
    return channel_fail (
        HOOK_ERR_GIL_NOT_HELD,
        "this thread does not hold the GIL (it released it around a "
        "blocking call, or waits for it); stop it where it runs Python "
        "code, for example with a breakpoint on a C function that Python "
        "code calls");
  *tstate = current;
  return HOOK_OK;
}

int
entry_begin (const struct hook_request *req, struct entry_state *st)
{
  int status = channel_checked_request (req);
  if (status == HOOK_OK)
    status = pyapi_load (&st->api);
  if (status == HOOK_OK)
    status = preflight (st->api, &st->tstate);
  if (status != HOOK_OK)
    return channel_finish (status);
  error_save (st->api, &st->saved);
  st->gc_was_enabled = st->api->PyGC_Disable ();
  return HOOK_OK;
}

int
entry_end (struct entry_state *st, int status)
{
  if (st->gc_was_enabled)
    st->api->PyGC_Enable ();
  error_restore (st->api, &st->saved);
  return channel_finish (status);
}
