/* hookhelper.h -- the whole ABI of libhookhelper.so, the in-target half of py-hook.

   libhookhelper.so is loaded into a CPython process (LD_PRELOAD) and does
   nothing until GDB calls one of the entry points below from a stopped
   thread.  It has no link-time dependency on libpython: on its first call it
   looks the CPython C API up in the process it finds itself in, so one build
   serves a statically linked interpreter and a shared libpython alike, and it
   stays inert in processes that are not Python.

   How a call travels.  GDB calls hook_handshake once per process and reads
   the struct hook_channel it returns.  For every later call GDB writes a
   struct hook_request, followed by its payload, into the request area the
   channel names, calls the entry point with the address of that request, and
   then reads the channel again: its result fields say where the reply text
   is and how long it is, and its message is the human explanation (cause and
   fix) of any status other than HOOK_OK.  GDB never makes the target
   allocate: all argument and result memory belongs to the helper.

   Register state.  Every entry point returns with the thread's complete
   extended state (x87, SSE, AVX, AVX-512, opmask and whatever else XCR0
   enables) exactly as it found it, down to the x87 last-instruction
   pointers, and with the callee-saved general registers of the x86-64 ABI;
   GDB restores the caller-saved ones and the flags itself.  GDB 13 on CPUs whose XSAVE area it does not
   know (AMX) can restore registers after a call only if it does not have to
   write the extended state back; see docs/architecture.md.

   Threading.  Entry points act on the calling thread only and must be called
   by a debugger while the process is stopped.  They are not reentrant: a
   call made while another has not finished (GDB stopped inside it, or it
   faulted) is refused with HOOK_ERR_BUSY until hook_recover runs.  They
   are not safe in a signal handler or inside malloc; GDB checks where the
   thread stopped before it calls.  Every entry point leaves errno as it
   found it.  Fields are native-endian, sizes fixed.  */

#ifndef HOOKHELPER_H
#define HOOKHELPER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a struct below or the reply format changes in a way the
   other side would misread.  GDB refuses a helper whose version differs.  */
#define HOOK_ABI_VERSION 8

/* First field of struct hook_channel: "HOOK" read as a little-endian u32.  */
#define HOOK_CHANNEL_MAGIC 0x4b4f4f48u

/* Status of an entry point.  The channel's message explains every status
   other than HOOK_OK in words, with what to do about it.  */
enum hook_status {
  HOOK_OK = 0,
  HOOK_ERR_BAD_REQUEST = 1,      /* malformed request: GDB-side bug or ABI mismatch */
  HOOK_ERR_ABI_MISMATCH = 2,     /* request's abi_version is not HOOK_ABI_VERSION */
  HOOK_ERR_NOT_PYTHON = 3,       /* the process has no CPython C API */
  HOOK_ERR_UNSUPPORTED_PYTHON = 4, /* a CPython this helper does not support */
  HOOK_ERR_NOT_INITIALIZED = 5,  /* before Py_Initialize or during finalization */
  HOOK_ERR_NO_THREAD_STATE = 6,  /* this thread has no Python thread state */
  HOOK_ERR_GIL_NOT_HELD = 7,     /* this thread does not hold the GIL */
  HOOK_ERR_NO_FRAME = 8,         /* this thread runs no Python frame */
  HOOK_ERR_FRAME_RANGE = 9,      /* frame index beyond the outermost frame */
  HOOK_ERR_NOT_A_VARIABLE = 10,  /* NAME is not a variable of the frame */
  HOOK_ERR_EXPR_SYNTAX = 11,     /* EXPR does not compile */
  HOOK_ERR_EXPR_RAISED = 12,     /* EXPR raised an exception */
  HOOK_ERR_WRITE_FAILED = 13,    /* storing the value into the frame failed */
  HOOK_ERR_NO_MEMORY = 14,       /* the reply buffer could not grow */
  HOOK_ERR_INTERNAL = 15,        /* a Python API call failed unexpectedly */
  HOOK_ERR_BUSY = 16             /* an earlier call has not finished: it is
                                    still on a stack, or it faulted and
                                    hook_recover has not run */
};

/* Returned by hook_handshake; lives in the helper for the life of the
   process.  Addresses are plain 64-bit integers so that the layout does not
   depend on who reads it.  */
struct hook_channel {
  uint32_t magic;              /* HOOK_CHANNEL_MAGIC */
  uint32_t abi_version;        /* HOOK_ABI_VERSION of this helper */
  uint64_t request_addr;       /* where GDB writes a struct hook_request */
  uint64_t request_capacity;   /* bytes available there, header included */
  uint64_t reply_addr;         /* reply text of the last call */
  uint64_t reply_len;          /* its length in bytes (no terminating NUL) */
  uint64_t message_addr;       /* NUL-terminated message of the last call */
  uint64_t message_capacity;   /* bytes available there */
  int32_t last_status;         /* enum hook_status of the last call */
  uint32_t python_version;     /* PY_VERSION_HEX of the target, 0 if unknown */
  uint32_t helper_version;     /* HOOK_HELPER_VERSION of this library */
  uint32_t in_flight;          /* HOOK_FLIGHT_* of a call that has not
                                  finished, 0 when none */
  uint64_t layout_addr;        /* where GDB writes the struct hook_layout */
  uint64_t layout_names_addr;  /* HOOK_LAYOUT_NAMES: the facts it must hold */
  uint64_t layout_names_len;   /* bytes there, the final NUL included */
};

/* The facts about CPython's memory the helper reads objects with, which
   GDB gives it (gdb/pyhook/facts.py is their one source, resolved for the
   process by gdb/pyhook/layout.py: the debug information, the offsets the
   process publishes, or py-hook's table for the version).  Each entry is
   X (ID, "fact"): the fact's name in facts.py, with "@bit" for the first
   bit of a bitfield; for a field, the value is its byte offset.
   HOOK_LAYOUT_NAMES lists the names in this order, NUL-separated, and the
   channel points GDB to it, so GDB fills value[] by name, never by a
   position it could get wrong.  A fact the version lacks is
   HOOK_LAYOUT_ABSENT; the helper reads one only on versions that have it. */
#define HOOK_LAYOUT_FACTS(X) \
  X (OBJECT_TYPE, "object.type") \
  X (VAROBJECT_SIZE, "varobject.size") \
  X (OBJECT_MANAGED_DICT, "object.managed_dict") \
  X (OBJECT_MANAGED_VALUES, "object.managed_values") \
  X (TYPE_NAME, "type.name") \
  X (TYPE_BASICSIZE, "type.basicsize") \
  X (TYPE_ITEMSIZE, "type.itemsize") \
  X (TYPE_REPR, "type.repr") \
  X (TYPE_FLAGS, "type.flags") \
  X (TYPE_MEMBERS, "type.members") \
  X (TYPE_BASE, "type.base") \
  X (TYPE_DICT, "type.dict") \
  X (TYPE_DICTOFFSET, "type.dictoffset") \
  X (HEAPTYPE_QUALNAME, "heaptype.qualname") \
  X (HEAPTYPE_CACHED_KEYS, "heaptype.cached_keys") \
  X (TPFLAGS_MANAGED_DICT, "tpflags.managed_dict") \
  X (TPFLAGS_INLINE_VALUES, "tpflags.inline_values") \
  X (TPFLAGS_IMMUTABLETYPE, "tpflags.immutabletype") \
  X (TPFLAGS_HEAPTYPE, "tpflags.heaptype") \
  X (TPFLAGS_DICT_SUBCLASS, "tpflags.dict_subclass") \
  X (TPFLAGS_TYPE_SUBCLASS, "tpflags.type_subclass") \
  X (MEMBERDEF_SIZE, "memberdef.size") \
  X (MEMBERDEF_NAME, "memberdef.name") \
  X (MEMBERDEF_TYPE, "memberdef.type") \
  X (MEMBERDEF_OFFSET, "memberdef.offset") \
  X (MEMBERDEF_OBJECT_EX, "memberdef.object_ex") \
  X (DICT_USED, "dict.used") \
  X (DICT_KEYS, "dict.keys") \
  X (DICT_VALUES, "dict.values") \
  X (DICTKEYS_LOG2_SIZE, "dictkeys.log2_size") \
  X (DICTKEYS_LOG2_INDEX_BYTES, "dictkeys.log2_index_bytes") \
  X (DICTKEYS_KIND, "dictkeys.kind") \
  X (DICTKEYS_NENTRIES, "dictkeys.nentries") \
  X (DICTKEYS_INDICES, "dictkeys.indices") \
  X (DICTKEYS_GENERAL, "dictkeys.general") \
  X (DICTKEYS_ENTRY_SIZE, "dictkeys.entry_size") \
  X (DICTKEYS_UNICODE_ENTRY_SIZE, "dictkeys.unicode_entry_size") \
  X (DICTVALUES_CAPACITY, "dictvalues.capacity") \
  X (DICTVALUES_SIZE, "dictvalues.size") \
  X (DICTVALUES_VALID, "dictvalues.valid") \
  X (DICTVALUES_VALUES, "dictvalues.values") \
  X (ODICT_FIRST, "odict.first") \
  X (ODICTNODE_KEY, "odictnode.key") \
  X (ODICTNODE_HASH, "odictnode.hash") \
  X (ODICTNODE_NEXT, "odictnode.next") \
  X (DEFAULTDICT_FACTORY, "defaultdict.factory") \
  X (STR_STATE_ASCII, "str.state.ascii") \
  X (STR_STATE_ASCII_BIT, "str.state.ascii@bit") \
  X (SET_USED, "set.used") \
  X (SET_MASK, "set.mask") \
  X (SET_TABLE, "set.table") \
  X (SETENTRY_SIZE, "setentry.size") \
  X (SETENTRY_HASH, "setentry.hash") \
  X (BYTEARRAY_START, "bytearray.start") \
  X (RANGE_START, "range.start") \
  X (RANGE_STOP, "range.stop") \
  X (RANGE_STEP, "range.step") \
  X (MODULE_DICT, "module.dict") \
  X (FUNCTION_QUALNAME, "function.qualname") \
  X (METHOD_FUNC, "method.func") \
  X (CFUNCTION_ML, "cfunction.ml") \
  X (CFUNCTION_SELF, "cfunction.self") \
  X (METHODDEF_NAME, "methoddef.name") \
  X (FRAMEOBJECT_FRAME, "frameobject.frame") \
  X (FRAMEOBJECT_FRAME_DATA, "frameobject.frame_data") \
  X (FRAMEOBJECT_FAST_AS_LOCALS, "frameobject.fast_as_locals") \
  X (IFRAME_GLOBALS, "iframe.globals") \
  X (IFRAME_BUILTINS, "iframe.builtins") \
  X (IFRAME_LOCALS, "iframe.locals") \
  X (CO_OPTIMIZED, "co.optimized") \
  X (CO_VARARGS, "co.varargs") \
  X (CO_VARKEYWORDS, "co.varkeywords") \
  X (NDARRAY_ND, "ndarray.nd") \
  X (NDARRAY_DIMENSIONS, "ndarray.dimensions") \
  X (NDARRAY_DESCR, "ndarray.descr") \
  X (DESCR_TYPEOBJ, "descr.typeobj")

enum hook_layout_fact {
#define HOOK_LAYOUT_ENUM_(ID, NAME) HOOK_FACT_##ID,
  HOOK_LAYOUT_FACTS (HOOK_LAYOUT_ENUM_)
#undef HOOK_LAYOUT_ENUM_
  HOOK_FACT_COUNT
};

/* The names of HOOK_LAYOUT_FACTS in order, each NUL-terminated.  */
#define HOOK_LAYOUT_NAME_(ID, NAME) NAME "\0"
#define HOOK_LAYOUT_NAMES HOOK_LAYOUT_FACTS (HOOK_LAYOUT_NAME_)

/* A fact the version lacks.  */
#define HOOK_LAYOUT_ABSENT INT64_MIN

/* Written by GDB after the handshake, before any other call, once per
   process image.  Every entry point but hook_handshake and hook_recover
   (and hook_snapshot with HOOK_REQ_RELEASE) refuses with
   HOOK_ERR_BAD_REQUEST until python_version's major and minor are the
   process's own and count is HOOK_FACT_COUNT.  */
struct hook_layout {
  uint32_t python_version;     /* PY_VERSION_HEX the facts describe; 0: none yet */
  uint32_t count;              /* HOOK_FACT_COUNT */
  int64_t value[HOOK_FACT_COUNT];
};

/* Version of the library itself, 0xMMmmpp (major, minor, patch).  */
#define HOOK_HELPER_VERSION 0x000800u

/* What an unfinished call had done (struct hook_channel's in_flight):
   hook_recover undoes exactly these.  */
#define HOOK_FLIGHT_ACTIVE 0x1u       /* inside an entry point */
#define HOOK_FLIGHT_GIL_TAKEN 0x2u    /* it took the GIL (HOOK_REQ_TAKE_GIL) */
#define HOOK_FLIGHT_ERROR_SAVED 0x4u  /* it holds the thread's pending exception */
#define HOOK_FLIGHT_GC_PAUSED 0x8u    /* it paused the garbage collector */
#define HOOK_FLIGHT_TRACING 0x10u     /* it suspended the thread's tracing and
                                         profiling functions */

/* Exit status of a child that EXPR forked (os.fork() in py-hook-set): the
   child cannot return into the debugger's call, which is the parent's, so
   the entry point ends it at once with this status and a line on its
   stderr.  */
#define HOOK_FORKED_CHILD_STATUS 86

/* Bounds of struct hook_request's value_limit; values outside are clamped.  */
#define HOOK_VALUE_LIMIT_MIN 16u
#define HOOK_VALUE_LIMIT_MAX 1000000u

/* Flags of struct hook_request.  */
#define HOOK_REQ_LOCALS 0x1u   /* hook_snapshot: include each frame's variables */
/* The calling thread has a Python thread state but released the GIL (it is
   stopped in a blocking call), and the caller has checked that no thread
   holds the GIL and that taking it cannot wait: every other thread is
   stopped and stays stopped, the GIL and its mutexes are free, and no
   switch is pending.  The entry point takes the GIL with
   PyEval_RestoreThread and gives it back with PyEval_SaveThread.  Ignored
   when the thread holds the GIL already.  */
#define HOOK_REQ_TAKE_GIL 0x2u
/* hook_apply_locals: evaluate EXPR in the frame and store nothing; NAME
   must be empty.  The reply's S record has an empty <name>, the kind
   "value", and as <value> the value's repr() -- the program's own __repr__
   runs: the user asked for it by evaluating -- cut to value_limit
   characters.  */
#define HOOK_REQ_EVAL 0x4u
/* hook_apply_locals: NAME is an assignment target that binds no variable
   (an attribute or an item: "cfg.timeout", "d['k']", "items[0]"; gdb
   checks).  Executes NAME = (EXPR) in the frame, then evaluates NAME; the
   reply's S record has NAME, the kind "value", and as <value> its repr()
   (the program's code runs: the user asked for it).  */
#define HOOK_REQ_EXEC 0x10u
/* hook_apply_locals: EXPR is Python statements, run in the frame's
   namespace (see hook_apply_locals); NAME lists the names they declare
   global, one per line (gdb finds them).  Afterwards each variable of the
   frame whose value the statements changed is written back into the
   frame, each declared global into the frame's globals, and every other
   new or changed name into the frame's scratch names.  The reply has an S
   record for each name written, with the kind arg, local, cell, free,
   global or scratch (a scratch name deleted: type "unbound"), and a W
   record for each name that could not be.  */
#define HOOK_REQ_STMT 0x20u
/* hook_apply_locals, with HOOK_REQ_EVAL or HOOK_REQ_STMT: a read-only
   session (py-hook-repl --readonly).  The frame's session overlay goes on
   top of the namespace, and statements write every name they bind or
   change into it, nothing into the frame, its globals or its scratch
   names; S records have the kind "session".  */
#define HOOK_REQ_SESSION 0x40u
/* hook_apply_locals: drop the frame's session overlay and return an empty
   reply.  NAME and EXPR must be empty.  */
#define HOOK_REQ_END_SESSION 0x100u
/* The request acts on the frame of the suspended generator, coroutine or
   async generator held in a variable of frame first_frame: VAR, an
   identifier, read without running code.  hook_snapshot: NAME is VAR, and
   the reply describes that one frame (index 0).  hook_apply_locals: NAME
   is VAR, a newline, then the variable to store into; EXPR is evaluated
   in that frame.  The program sees the new value when it resumes the
   generator.  */
#define HOOK_REQ_OF 0x200u
/* With HOOK_REQ_OF: VAR is instead the address, in hexadecimal, of the
   generator, coroutine or async generator object itself (GDB found it in
   memory during this stop: a level of an asyncio task's await chain).
   Its type is checked as VAR's value is.  */
#define HOOK_REQ_OBJECT 0x400u
/* hook_snapshot: release the memory of the last reply (a large reply
   leaves its pages resident until then) and return at once.  Runs no
   Python code; the thread need not hold the GIL.  */
#define HOOK_REQ_RELEASE 0x8u
/* Test-only: fault (SIGSEGV) inside the entry point after it has saved the
   thread's state, as a crash in CPython would.  Honoured only when the
   process was started with HOOKHELPER_TEST_FAULT=1 in its environment,
   refused with HOOK_ERR_BAD_REQUEST otherwise.  */
#define HOOK_REQ_TEST_FAULT 0x80000000u

/* Written by GDB into the channel's request area.  The payload follows the
   header directly: name_len bytes of NAME, a NUL, expr_len bytes of EXPR, a
   NUL.  Both are UTF-8.  */
struct hook_request {
  uint32_t abi_version;        /* must be HOOK_ABI_VERSION */
  uint32_t flags;              /* HOOK_REQ_* */
  uint32_t first_frame;        /* 0 = innermost Python frame */
  uint32_t max_frames;         /* frames to report from first_frame; 0 = all */
  uint32_t value_limit;        /* characters per rendered value, at least 16 */
  uint32_t name_len;           /* hook_apply_locals: bytes of NAME */
  uint32_t expr_len;           /* hook_apply_locals: bytes of EXPR */
  uint32_t reserved;           /* zero */
};

/* Reply text.  One record per line, fields separated by TAB; in every field
   a backslash, TAB and newline are written as \\, \t and \n.

     P <version-hex>                         first line of every reply
     F <index> <file> <line> <function>      a frame, innermost first
     V <name> <kind> <type> <len> <value> <cut>   a variable of that frame
     S <name> <kind> <type> <len> <value> <cut>   hook_apply_locals: stored
     N <reason>                              that frame's variables are not
                                             listed, and why
     W <name> <reason>                       HOOK_REQ_STMT: NAME was changed
                                             but not written back, and why
     E <frames-total>                        last line of every reply

   <kind> is arg, local, cell or free (local for every name of a module or
   class body frame).  A variable without a value has "unbound" as <type>
   and empty <len> and <value>.  <len> is the length of a str, bytes or
   container, empty for other types.  <value> is at most value_limit bytes
   of UTF-8; <cut> is 1 when it was shortened to fit, else 0.  */

/* Checks that the helper can talk to GDB and fills in the channel.
   GDB_ABI_VERSION is the HOOK_ABI_VERSION GDB was written for; a mismatch
   is reported in the returned channel (last_status HOOK_ERR_ABI_MISMATCH)
   rather than by failing, so GDB can always read what version it met.
   Runs no Python code and allocates nothing; safe at any stop.  */
struct hook_channel *hook_handshake (uint32_t GDB_ABI_VERSION);

/* Describes the calling thread's Python stack.  REQ selects the frames
   (first_frame, max_frames) and whether variables are included
   (HOOK_REQ_LOCALS).  Values are rendered without running any user code:
   int, float, complex, bool, None, str and bytes by value, list, tuple, dict,
   set and frozenset by type, length and first items, anything else as
   <TypeName at 0x...>.  The garbage collector is paused for the call, so no
   finalizer runs either.  On 3.11 and 3.12 reading a function frame's
   locals leaves the frame's f_locals dict holding references to them until
   the frame refreshes or ends.  The thread must hold the GIL.  The thread's pending
   exception is left as it was.  Returns an enum hook_status.  */
int hook_snapshot (const struct hook_request *REQ);

/* Evaluates EXPR in the namespace of Python frame REQ->first_frame and
   stores the result in that frame's variable NAME,
   so the running code sees it: arguments, locals, cells and free variables
   all work.  NAME must be a variable of the frame's code object (any
   identifier in a module or class body frame).  The reply holds one S
   record with the value as stored.  With HOOK_REQ_EVAL, only evaluates
   (see there).  EXPR's namespace is one dict, used as its globals and
   locals: a copy of the frame's globals, overlaid with the frame's scratch
   names (HOOK_REQ_STMT) and then its variables; so an assignment inside
   EXPR reaches none of the program's namespaces, and lambdas and
   comprehensions in EXPR see the frame's variables.  The builtins exit
   and quit are replaced there by functions that raise SystemExit without
   closing sys.stdin, and __py_hook_builtins__ is the frame's builtins
   dict, for source gdb writes itself (a frame's own 'open' must not
   shadow the builtin there).  When EXPR raises, the channel message holds the exception
   and its traceback.  The thread must hold the GIL.  The
   thread's pending exception is left as it was.  Returns an enum
   hook_status.  */
int hook_apply_locals (const struct hook_request *REQ);

/* Undoes what an unfinished call left behind, after GDB unwound it (a
   fault inside the call, or a call that did not return in time): first
   takes back the GIL if the call released it and did not take it back
   (EXPR slept or waited on a lock), then gives back a GIL it took, resumes the garbage
   collector, puts the thread's pending exception back, and clears the
   in-flight mark so the entry points work again.  The channel message
   lists what was undone.  Must be called on the thread the call ran on,
   and never while that call is still on a stack.  Returns HOOK_OK, or
   HOOK_ERR_BUSY when the mark belongs to another thread.  */
int hook_recover (void);

#ifdef __cplusplus
}
#endif

#endif /* HOOKHELPER_H */
