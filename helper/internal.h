/* internal.h -- declarations shared by the helper's source files.  Nothing
   here is exported: the build uses -fvisibility=hidden and a version script
   that lets only the entry points of hookhelper.h out.  */

#ifndef HOOKHELPER_INTERNAL_H
#define HOOKHELPER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "hookhelper.h"

/* CPython objects are opaque here: the helper is not compiled against
   Python.h, because it must serve whichever CPython it is loaded into.  */
typedef struct py_object py_object;
typedef long py_ssize;

/* PY_VERSION_HEX of the minor versions whose differences the helper
   handles; compared with struct py_api's version.  */
#define PY_3_11 0x030b0000ul
#define PY_3_12 0x030c0000ul
#define PY_3_13 0x030d0000ul
#define PY_3_14 0x030e0000ul
#define PY_3_15 0x030f0000ul
#define PY_3_16 0x03100000ul

/* --- pyapi.c: the CPython C API, found at run time ------------------- */

struct py_api {
  unsigned long version; /* PY_VERSION_HEX */

  int (*Py_IsInitialized) (void);
  int (*Py_IsFinalizing) (void);
  void *(*PyGILState_GetThisThreadState) (void);
  /* The thread state that holds the GIL (3.11) or is attached to this
     thread (3.12+); PyThreadState_GetUnchecked or its older name.  */
  void *(*current_tstate) (void);
  int (*PyGC_Disable) (void);
  int (*PyGC_Enable) (void);
  int (*PyGC_IsEnabled) (void);
  void (*PyThreadState_EnterTracing) (void *tstate);
  void (*PyThreadState_LeaveTracing) (void *tstate);
  py_object *(*PyThreadState_GetFrame) (void *tstate);
  void (*PyEval_RestoreThread) (void *tstate);
  void *(*PyEval_SaveThread) (void);

  py_object *(*PyFrame_GetBack) (py_object *);
  py_object *(*PyFrame_GetCode) (py_object *);
  int (*PyFrame_GetLineNumber) (py_object *);
  py_object *(*PyFrame_GetLocals) (py_object *);
  py_object *(*PyFrame_GetGlobals) (py_object *);
  py_object *(*PyFrame_GetBuiltins) (py_object *);
  void (*PyFrame_LocalsToFast) (py_object *, int); /* absent on 3.13+ use */

  py_object *(*PyCode_GetVarnames) (py_object *);
  py_object *(*PyCode_GetCellvars) (py_object *);
  py_object *(*PyCode_GetFreevars) (py_object *);

  void (*Py_IncRef) (py_object *);
  void (*Py_DecRef) (py_object *);
  py_object *(*PyObject_GetAttrString) (py_object *, const char *);
  py_object *(*PyObject_Repr) (py_object *);
  py_object *(*PyObject_Str) (py_object *);
  int (*PyObject_SetItem) (py_object *, py_object *, py_object *);
  py_object *(*PyObject_GetItem) (py_object *, py_object *);
  py_object *(*PyObject_GetIter) (py_object *);
  py_object *(*PyIter_Next) (py_object *);
  int (*PyType_IsSubtype) (py_object *, py_object *);
  const char *(*PyType_Name) (py_object *); /* _PyType_Name */

  long (*PyLong_AsLong) (py_object *);
  size_t (*PyLong_NumBits) (py_object *); /* _PyLong_NumBits */
  py_object *(*PyNumber_ToBase) (py_object *, int);

  const char *(*PyUnicode_AsUTF8AndSize) (py_object *, py_ssize *);
  py_object *(*PyUnicode_FromStringAndSize) (const char *, py_ssize);
  py_object *(*PyUnicode_Substring) (py_object *, py_ssize, py_ssize);
  py_ssize (*PyUnicode_GetLength) (py_object *);
  int (*PyUnicode_IsIdentifier) (py_object *);
  py_object *(*PyUnicode_AsUTF8String) (py_object *);
  int (*PyUnicode_Compare) (py_object *, py_object *);
  int (*PyUnicode_CompareWithASCIIString) (py_object *, const char *);

  py_object *(*PyBytes_FromStringAndSize) (const char *, py_ssize);
  char *(*PyBytes_AsString) (py_object *);
  py_ssize (*PyBytes_Size) (py_object *);

  py_ssize (*PyList_Size) (py_object *);
  py_object *(*PyList_GetItem) (py_object *, py_ssize);
  py_ssize (*PyTuple_Size) (py_object *);
  py_object *(*PyTuple_GetItem) (py_object *, py_ssize);
  py_ssize (*PyDict_Size) (py_object *);
  py_object *(*PyDict_Copy) (py_object *);
  void (*PyDict_Clear) (py_object *);
  int (*PyDict_Update) (py_object *, py_object *);
  py_object *(*PyDict_GetItemString) (py_object *, const char *);
  int (*PyDict_SetItemString) (py_object *, const char *, py_object *);
  int (*PyDict_DelItemString) (py_object *, const char *);
  py_object *(*PyDict_New) (void);
  /* The interpreter of the calling thread, and its dict for extensions'
     state: the helper keeps its objects there (scratch.c).  */
  void *(*PyInterpreterState_Get) (void);
  py_object *(*PyInterpreterState_GetDict) (void *);
  py_object *(*PyImport_ImportModule) (const char *);
  int (*PyList_Append) (py_object *, py_object *);
  int (*PySequence_DelItem) (py_object *, py_ssize);
  py_object *(*PyCFunction_NewEx) (void *, py_object *, py_object *);
  py_object *(*PyObject_CallMethod) (py_object *, const char *, const char *,
                                     ...);
  int (*PyDict_SetItem) (py_object *, py_object *, py_object *);
  int (*PyDict_DelItem) (py_object *, py_object *);
  py_object *(*PyDict_GetItemWithError) (py_object *, py_object *);
  int (*PyDict_Next) (py_object *, py_ssize *, py_object **, py_object **);
  py_ssize (*PySet_Size) (py_object *);
  int (*PySequence_Contains) (py_object *, py_object *);

  void (*PyErr_Fetch) (py_object **, py_object **, py_object **);
  void (*PyErr_Restore) (py_object *, py_object *, py_object *);
  void (*PyErr_NormalizeException) (py_object **, py_object **, py_object **);
  int (*PyErr_GivenExceptionMatches) (py_object *, py_object *);
  py_object *(*PyErr_Occurred) (void);
  void (*PyErr_Clear) (void);

  py_object *(*Py_CompileStringExFlags) (const char *, const char *, int,
                                         void *, int);
  py_object *(*PyEval_EvalCode) (py_object *, py_object *, py_object *);

  /* Types and singletons, compared by address.  */
  py_object *type_type, *long_type, *float_type, *complex_type, *bool_type,
      *unicode_type, *bytes_type, *list_type, *tuple_type, *dict_type,
      *set_type, *frozenset_type, *none;
  py_object *bytearray_type, *range_type, *module_type, *function_type,
      *method_type, *cfunction_type, *object_type;
  py_object **exc_syntax_error;
};

/* Resolves the API on first use.  Returns HOOK_OK, or a status with the
   channel message set.  Later calls return the first outcome at once.  */
int pyapi_load (const struct py_api **API);

/* The type of O, read from the object header.  */
py_object *pyapi_type (const py_object *O);

/* --- channel.c: request, reply and message memory -------------------- */

struct hook_channel *channel_get (void);
const struct hook_request *channel_request_area (void);
const char *channel_get_message (void);
void channel_message (const char *FORMAT, ...)
    __attribute__ ((format (printf, 1, 2)));
int channel_fail (int STATUS, const char *FORMAT, ...)
    __attribute__ ((format (printf, 2, 3)));
/* Empties the message and the reply for a new call.  */
void channel_reset (void);
int channel_checked_request (const struct hook_request *REQ);
int channel_finish (int STATUS);

/* Reply text.  The reply grows in mmap'ed memory; reply_failed is set once
   a write did not fit, and channel_finish turns that into HOOK_ERR_NO_MEMORY.  */
void reply_reset (void);
/* Unmaps the reply memory; the next reply maps it again.  */
void reply_release (void);
void reply_raw (const char *S, size_t N);
void reply_field (const char *S, size_t N); /* TAB, then S escaped */
void reply_field_str (const char *S);
void reply_field_num (long long V);
void reply_end_record (void);
int reply_failed (void);

/* --- objects.c: object internals read by layout, running no code ------ */

/* The facts GDB wrote after the handshake (struct hook_layout, in
   channel.c): FACT (ID) is HOOK_FACT_ID's value.  */
extern struct hook_layout channel_layout;
#define FACT(ID) (channel_layout.value[HOOK_FACT_##ID])
/* Whether GDB has given the facts of API's version; 0 with the channel
   message set when not.  */
int layout_ready (const struct py_api *API);

/* The word at BYTES past O, as a pointer or a signed size.  */
py_object *obj_ptr (const void *O, long BYTES);
long obj_ssize (const void *O, long BYTES);
unsigned long type_flags (py_object *TYPE);
const char *type_tp_name (py_object *TYPE);
/* ht_qualname of a heap type.  */
py_object *heaptype_qualname (const struct py_api *API, py_object *TYPE);

/* The UTF-8 of S, an exact str, and its length in *N; NULL (nothing
   pending) when S is not an exact str or cannot be encoded (a lone
   surrogate).  Unlike PyUnicode_AsUTF8AndSize it never caches a UTF-8
   copy in S (which would change sys.getsizeof(S)): a non-ASCII S is
   encoded into a new bytes object returned in *OWNED, to release with
   Py_DecRef once the text is used.  */
const char *obj_utf8 (const struct py_api *API, py_object *S, py_ssize *N,
                      py_object **OWNED);
/* The value of the exact-str key NAME in DICT (a dict or a subclass),
   borrowed, or NULL.  Keys are compared only if they are exact str, by
   their characters: no __eq__ or __hash__ of the program runs, as
   PyDict_GetItemString could when a key's hash collides.  */
py_object *obj_dict_find (const struct py_api *API, py_object *DICT,
                          const char *NAME);

/* Calls FN (KEY, VALUE, ARG) for each attribute in the __dict__ of
   instance O of TYPE, in PyDict_Next order, without making a dict where
   there is none (a managed dict's values are read where they are), until
   FN returns nonzero.  Keys are borrowed.  */
typedef int (*obj_item_fn) (py_object *KEY, py_object *VALUE, void *ARG);
void obj_instance_items (const struct py_api *API, py_object *O,
                         py_object *TYPE, obj_item_fn FN, void *ARG);
/* An OrderedDict's items in its own order (its list of nodes).  */
void obj_odict_items (const struct py_api *API, py_object *O,
                      obj_item_fn FN, void *ARG);

/* --- render.c: values as bounded text -------------------------------- */

/* Writes two fields, <type> and <value>, for O.  Runs no user code.  */
void render_fields (const struct py_api *API, py_object *O, size_t LIMIT);
/* The same fields with the value's own repr() as <value>: runs the
   program's __repr__ (py-hook-eval, where the user asked for it).  */
void render_repr_fields (const struct py_api *API, py_object *O,
                         size_t LIMIT);

/* --- frames.c: walking the stack ------------------------------------- */

/* On 3.11 and 3.12, PyFrame_GetLocals fills the frame's f_locals dict with
   references to its locals, which would keep an object the program deletes
   alive until that dict is next refreshed.  locals_keep records the dict's
   state before the helper reads or writes through it; locals_put_back
   restores it exactly (no dict if there was none, else its old contents),
   so reading changes nothing.  On 3.13 (a proxy, no dict) both do nothing. */
struct locals_kept {
  py_object **slot;     /* the interpreter frame's f_locals, or NULL */
  py_object *copy;      /* its contents before (new reference), or NULL */
  int had_dict;
  char *fast_as_locals; /* the frame object's f_fast_as_locals flag */
  char fast_as_locals_was;
};
/* Only for frames of optimized (function) code.  */
void locals_keep (const struct py_api *API, py_object *FRAME,
                  struct locals_kept *KEPT);
void locals_put_back (const struct py_api *API, struct locals_kept *KEPT);
/* The interpreter frame's f_locals slot of FRAME (3.11, 3.12), or NULL
   when it cannot be located with confidence.  */
py_object **frames_locals_slot (const struct py_api *API, py_object *FRAME);

/* Code object facts needed to list and check variables.  */
struct code_vars {
  py_object *varnames, *cellvars, *freevars; /* tuples, owned */
  long nargs;                                /* leading varnames that are arguments */
  int optimized;                             /* CO_OPTIMIZED: fast locals */
};

/* Everything an entry point holds between entry_begin and entry_end.  */
struct saved_error {
  py_object *type, *value, *tb;
};
struct entry_state {
  const struct py_api *api;
  void *tstate; /* the calling thread's, which holds the GIL */
};

/* Checks the request, the reentrancy guard and the interpreter, takes the
   GIL if asked to (HOOK_REQ_TAKE_GIL), then saves errno and the thread's
   pending exception and pauses the garbage collector, so that nothing the
   helper allocates can run finalizers while it holds borrowed references.
   Returns HOOK_OK, or a status with the channel message set; on HOOK_OK the
   caller must end with entry_end.  */
int entry_begin (const struct hook_request *REQ, struct entry_state *ST);
/* In a child forked during the call (EXPR ran os.fork()), exits at once
   with HOOK_FORKED_CHILD_STATUS; returns otherwise.  */
void entry_leave_if_forked (void);
/* While EXPR runs, the collector is in the program's own state (EXPR is
   the program's code: gc.disable() in it must stand); the helper's pause
   resumes before EXPR and starts again after it, from the state EXPR left.  */
void entry_gc_for_expr (const struct py_api *API);
void entry_gc_after_expr (const struct py_api *API);
/* Undoes entry_begin and publishes STATUS in the channel.  */
int entry_end (struct entry_state *ST, int STATUS);

int frames_current (const struct entry_state *ST, py_object **FRAME);
/* HOOK_REQ_OF: the frame (new reference) of the generator, coroutine or
   async generator in variable VAR (N bytes of UTF-8) of thread frame
   INDEX, read without running code; with BY_ADDRESS, VAR is the object's
   address in hexadecimal (HOOK_REQ_OBJECT).  */
int frames_of (const struct entry_state *ST, uint32_t INDEX, const char *VAR,
               size_t N, int BY_ADDRESS, py_object **FRAME);
/* One F record for FRAME as frame INDEX, with its V records when
   WITH_LOCALS.  */
int frames_record (const struct py_api *API, py_object *FRAME,
                   uint32_t INDEX, int WITH_LOCALS, size_t LIMIT);
int frames_nth (const struct entry_state *ST, uint32_t N, py_object **FRAME);
int code_vars_load (const struct py_api *API, py_object *CODE,
                    struct code_vars *OUT);
void code_vars_release (const struct py_api *API, struct code_vars *CV);
/* Position of str NAME in tuple NAMES of str, or -1.  */
py_ssize names_index (const struct py_api *API, py_object *NAMES,
                      py_object *NAME);
int code_vars_kind (const struct py_api *API, const struct code_vars *CV,
                    py_object *NAME, const char **KIND);

/* Writes one V (or S) record for NAME, looked up in LOCALS.  */
void frames_variable_record (const struct py_api *API, char TAG,
                             py_object *LOCALS, py_object *NAME,
                             const char *KIND, size_t LIMIT);
/* The same with the value at hand (borrowed; NULL for unbound).  */
void frames_value_record (const struct py_api *API, char TAG, py_object *NAME,
                          const char *KIND, py_object *VALUE, size_t LIMIT);
/* Whether reading the locals of a frame running CODE is free of user code:
   on 3.11 and 3.12 PyFrame_GetLocals copies cells of a class body into
   its namespace, which may be a mapping of the program's own.  Returns 1,
   or 0 with the channel message set to the reason.  */
int frames_locals_safe (const struct py_api *API,
                        const struct code_vars *CV);
/* Where a module or class body (a frame of non-optimized code) keeps its
   variables.  *NS gets the namespace the code reads and writes (new
   reference).  *HIDDEN gets, while a comprehension inlined into the body
   runs (PEP 709, 3.12+), the view PyFrame_GetLocals hands out instead
   (new reference): on 3.12 a copy of the namespace plus the comprehension's
   variables, on 3.13 a proxy of only those variables (PEP 667); else NULL.
   Returns HOOK_OK, or a status with the channel message set.  */
int frames_namespace (const struct py_api *API, py_object *FRAME,
                      py_object **NS, py_object **HIDDEN);
/* --- scratch.c: the namespace EXPR and statements run in ------------- */

/* One dict serves EXPR as globals and locals: a copy of the frame's
   globals, overlaid with the frame's scratch names and then its
   variables.  */
struct exec_ns {
  py_object *globals; /* the frame's globals (new reference) */
  py_object *ns;      /* the dict EXPR runs in (new reference) */
  py_object *before;  /* the frame's variables as they were (a new dict) */
  py_object *body;    /* a body frame's namespace (new reference), or NULL */
  py_object *hidden;  /* frames_namespace's HIDDEN, or NULL */
  py_object *varset;  /* a function frame's variable names as dict keys */
  py_object *scratch; /* the frame's scratch names (borrowed), or NULL */
  py_object *session; /* the frame's session overlay (borrowed), or NULL */
  int optimized;      /* a function frame */
};
/* Builds X for FRAME running CODE.  On 3.11 and 3.12 it fills a function
   frame's f_locals (the caller keeps and puts it back: locals_keep).
   Returns HOOK_OK or a status with the message set; release X with
   ns_release either way.  */
int ns_build (const struct py_api *API, py_object *FRAME, py_object *CODE,
              struct exec_ns *X);
void ns_release (const struct py_api *API, struct exec_ns *X);
/* Compiles SOURCE (statements, or else an expression) and runs it in X's
   namespace, with the collector in the program's own state.  Returns the
   value (new reference), or NULL with *STATUS and the message set from
   WHAT and the exception.  */
py_object *ns_run (const struct py_api *API, struct exec_ns *X,
                   const char *SOURCE, int STATEMENTS, const char *WHAT,
                   int *STATUS);
/* HOOK_REQ_SESSION for the calls that follow, until ns_session (0): the
   frame's session overlay goes on top of the namespace, and statements
   write only to it.  */
void ns_session (int ON);
/* HOOK_REQ_END_SESSION: drops FRAME's session overlay.  */
void ns_end_session (const struct py_api *API, py_object *FRAME);
/* HOOK_REQ_STMT: runs SOURCE in FRAME's namespace, writes the frame's
   changed variables back, the names GLOBALS_TEXT declares global (one per
   line) into the globals and the rest into the frame's scratch names, and
   writes the whole reply.  */
int ns_statements (const struct py_api *API, py_object *FRAME,
                   py_object *CODE, const char *GLOBALS_TEXT,
                   const char *SOURCE, size_t LIMIT);

/* The P record that opens every reply.  */
void reply_prologue (const struct py_api *API);

/* Errors saved and restored around every entry point.  */
void error_save (const struct py_api *API, struct saved_error *SAVE);
void error_restore (const struct py_api *API, struct saved_error *SAVE);
/* Puts "TypeName: message" of the pending exception into the channel
   message, clears it, and returns STATUS.  */
int error_to_message (const struct py_api *API, int STATUS, const char *WHAT);

int impl_snapshot (const struct hook_request *REQ);
int impl_apply_locals (const struct hook_request *REQ);
struct hook_channel *impl_handshake (uint32_t GDB_ABI_VERSION);
int impl_recover (void);

#endif /* HOOKHELPER_INTERNAL_H */
