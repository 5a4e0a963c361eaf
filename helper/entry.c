/* entry.c -- hook_handshake, hook_recover, and what every entry point does
   first and last.

   The exported symbols are the assembly shims in entry.S, which keep the
   complete register state intact around the impl_ functions.

   Everything an entry point changes in the thread or the interpreter before
   it does its work (the GIL it may take, the pending exception it sets
   aside, the paused collector, errno) is recorded in one static call
   record, not on the stack: if the call faults and GDB unwinds it, the
   record survives and hook_recover can undo each step.  The record doubles
   as the reentrancy guard.  */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

static struct
{
  uint32_t flight;      /* HOOK_FLIGHT_* */
  long thread;          /* kernel thread id of the call */
  long process;         /* process id of the call: a fork inside it differs */
  void *tstate;         /* the thread state the call runs with */
  struct saved_error saved;
  int gc_was_enabled;
  int saved_errno;
} call;

static int test_faults_allowed = -1;

static long
this_thread (void)
{
  return syscall (SYS_gettid);
}

/* A child forked by EXPR (os.fork() in py-hook-set) runs on in the helper
   with the parent's stack, whose return address is gdb's call dummy: it
   would die of SIGSEGV when the entry point returns.  It ends here
   instead, at once (no atexit handlers, no flushing of the parent's
   buffers), with HOOK_FORKED_CHILD_STATUS and one line on its stderr.  */
void
entry_leave_if_forked (void)
{
  if (call.flight == 0 || syscall (SYS_getpid) == call.process)
    return;
  static const char line[]
      = "py-hook: this process was forked by an expression evaluated from "
        "gdb; it exits at once (status 86)\n";
  ssize_t ignored = write (2, line, sizeof line - 1);
  (void) ignored;
  _exit (HOOK_FORKED_CHILD_STATUS);
}

struct hook_channel *
impl_handshake (uint32_t gdb_abi_version)
{
  int saved_errno = errno;
  struct hook_channel *ch = channel_get ();
  if (test_faults_allowed < 0)
    {
      /* getenv only reads environ: no allocation, safe at any stop.  */
      const char *v = getenv ("HOOKHELPER_TEST_FAULT");
      test_faults_allowed = v != NULL && strcmp (v, "1") == 0;
    }
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
  ch->in_flight = call.flight;
  errno = saved_errno;
  return ch;
}

/* May this thread run Python code now?  Only if it holds the GIL, which is
   told by the current thread state: on 3.11 it is process-wide (the GIL
   holder's), from 3.12 on it is this thread's and set only while it holds
   the GIL.  With HOOK_REQ_TAKE_GIL, a thread that has a thread state but
   released the GIL may take it, provided nobody holds it.  */
static int
preflight (const struct py_api *api, uint32_t flags, void **tstate,
           int *take_gil)
{
  *take_gil = 0;
  /* Finalizing first: Py_FinalizeEx clears 'initialized' right after it
     marks the runtime as finalizing.  */
  if (api->Py_IsFinalizing ())
    return channel_fail (HOOK_ERR_NOT_INITIALIZED,
                         "the Python interpreter is shutting down "
                         "(finalizing); Python frames can no longer be "
                         "inspected or changed safely");
  if (!api->Py_IsInitialized ())
    return channel_fail (HOOK_ERR_NOT_INITIALIZED,
                         "the Python interpreter is not initialized yet; "
                         "continue to a stop after Py_Initialize");
  void *mine = api->PyGILState_GetThisThreadState ();
  void *current = api->current_tstate ();
  int per_thread = api->version >= PY_3_12;
  if (mine == NULL && !(per_thread && current != NULL))
    return channel_fail (HOOK_ERR_NO_THREAD_STATE,
                         "this thread has no Python thread state; select a "
                         "thread that runs Python code (py-hook-status "
                         "lists them; thread N)");
  if (current != NULL && (per_thread || current == mine))
    {
      *tstate = current;
      return HOOK_OK;
    }
  /* This thread does not hold the GIL.  On 3.11 a non-NULL current thread
     state is another thread's: it holds the GIL.  */
  if ((flags & HOOK_REQ_TAKE_GIL) && current == NULL && mine != NULL)
    {
      *tstate = mine;
      *take_gil = 1;
      return HOOK_OK;
    }
  return channel_fail (
      HOOK_ERR_GIL_NOT_HELD,
      "this thread does not hold the GIL (it released it around a "
      "blocking call, or waits for it); stop it where it runs Python "
      "code, for example with a breakpoint on a C function that Python "
      "code calls");
}

int
entry_begin (const struct hook_request *req, struct entry_state *st)
{
  int saved_errno = errno;
  channel_get ();
  if (call.flight)
    {
      errno = saved_errno;
      return channel_finish (channel_fail (
          HOOK_ERR_BUSY,
          "an earlier py-hook call on thread %ld has not finished (gdb "
          "stopped inside it, or it faulted); finish or unwind it, then "
          "run py-hook-recover on that thread",
          call.thread));
    }
  int take_gil = 0;
  int status = channel_checked_request (req);
  if (status == HOOK_OK && (req->flags & HOOK_REQ_TEST_FAULT)
      && test_faults_allowed != 1)
    status = channel_fail (HOOK_ERR_BAD_REQUEST,
                           "fault injection is for tests only: start the "
                           "program with HOOKHELPER_TEST_FAULT=1");
  if (status == HOOK_OK)
    status = pyapi_load (&st->api);
  if (status == HOOK_OK && !layout_ready (st->api))
    status = HOOK_ERR_BAD_REQUEST;
  if (status == HOOK_OK)
    status = preflight (st->api, req->flags, &st->tstate, &take_gil);
  if (status != HOOK_OK)
    {
      errno = saved_errno;
      return channel_finish (status);
    }
  call.saved_errno = saved_errno;
  call.thread = this_thread ();
  call.process = syscall (SYS_getpid);
  call.tstate = st->tstate;
  call.flight = HOOK_FLIGHT_ACTIVE;
  if (take_gil)
    {
      /* The caller checked that this cannot wait.  */
      st->api->PyEval_RestoreThread (st->tstate);
      call.flight |= HOOK_FLIGHT_GIL_TAKEN;
    }
  error_save (st->api, &call.saved);
  call.flight |= HOOK_FLIGHT_ERROR_SAVED;
  call.gc_was_enabled = st->api->PyGC_Disable ();
  call.flight |= HOOK_FLIGHT_GC_PAUSED;
  /* The program's sys.settrace / sys.setprofile functions must not see
     the helper's own code (EXPR, <py-hook>): tracing is suspended for the
     call, as CPython does while a trace function itself runs.  */
  st->api->PyThreadState_EnterTracing (st->tstate);
  call.flight |= HOOK_FLIGHT_TRACING;
  if (req->flags & HOOK_REQ_TEST_FAULT)
    *(volatile int *) 0 = 1; /* what a crash inside CPython looks like */
  return HOOK_OK;
}

/* Undoes the steps the call record lists, last first.  WHAT, if not NULL,
   receives a description of them.  */
static void
undo (const struct py_api *api, char *what, size_t size)
{
  size_t len = 0;
#define NOTE(text)                                                           \
  do                                                                         \
    if (what != NULL && len < size)                                          \
      len += (size_t) snprintf (what + len, size - len, "%s%s",              \
                                len ? ", " : "", (text));                    \
  while (0)
  if (call.flight & HOOK_FLIGHT_TRACING)
    {
      api->PyThreadState_LeaveTracing (call.tstate);
      NOTE ("resumed the thread's tracing");
    }
  if (call.flight & HOOK_FLIGHT_GC_PAUSED)
    {
      if (call.gc_was_enabled)
        {
          api->PyGC_Enable ();
          NOTE ("resumed the garbage collector");
        }
    }
  if (call.flight & HOOK_FLIGHT_ERROR_SAVED)
    {
      error_restore (api, &call.saved);
      NOTE ("put the thread's pending exception back");
    }
  if (call.flight & HOOK_FLIGHT_GIL_TAKEN)
    {
      api->PyEval_SaveThread ();
      NOTE ("gave the GIL back");
    }
#undef NOTE
  errno = call.saved_errno;
  call.flight = 0;
  call.tstate = NULL;
}

void
entry_gc_for_expr (const struct py_api *api)
{
  if ((call.flight & HOOK_FLIGHT_GC_PAUSED) && call.gc_was_enabled)
    api->PyGC_Enable ();
  call.flight &= ~HOOK_FLIGHT_GC_PAUSED;
}

void
entry_gc_after_expr (const struct py_api *api)
{
  call.gc_was_enabled = api->PyGC_Disable ();
  call.flight |= HOOK_FLIGHT_GC_PAUSED;
}

int
entry_end (struct entry_state *st, int status)
{
  entry_leave_if_forked ();
  undo (st->api, NULL, 0);
  status = channel_finish (status);
  channel_get ()->in_flight = 0;
  return status;
}

int
impl_recover (void)
{
  int saved_errno = errno;
  channel_get ();
  channel_reset ();
  if (call.flight == 0)
    {
      channel_message ("no unfinished call: nothing to undo");
      errno = saved_errno;
      return channel_finish (HOOK_OK);
    }
  if (call.thread != this_thread ())
    {
      int status = channel_fail (
          HOOK_ERR_BUSY,
          "the unfinished call ran on thread %ld (LWP); recover it there",
          call.thread);
      errno = saved_errno;
      return channel_finish (status);
    }
  const struct py_api *api = NULL;
  pyapi_load (&api); /* succeeded before, or the call would not be here */
  static char what[1024];
  what[0] = '\0';
  /* The unwound call may have released the GIL (EXPR slept, or waited on
     a lock) and not taken it back: take it before any other C API call,
     which would crash without it.  The caller checked that it is free;
     every other thread is stopped.  */
  if (api != NULL && call.tstate != NULL && api->current_tstate () == NULL)
    {
      api->PyEval_RestoreThread (call.tstate);
      snprintf (what, sizeof what, "took back the GIL EXPR had released");
    }
  if (api != NULL)
    {
      size_t len = strlen (what);
      if (len)
        what[len++] = ',', what[len++] = ' ', what[len] = '\0';
      undo (api, what + len, sizeof what - len);
      if (len && what[len] == '\0')
        what[len - 2] = '\0';
    }
  else
    call.flight = 0;
  channel_message ("undone: %s", what[0] ? what : "nothing was changed yet");
  int status = channel_finish (HOOK_OK);
  channel_get ()->in_flight = 0;
  /* errno: undo put back the one the unfinished call found.  */
  return status;
}
