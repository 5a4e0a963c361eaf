/* scratch.c -- the namespace EXPR and statements run in, each frame's
   scratch names, and HOOK_REQ_STMT (py-hook-exec).

   EXPR and statements run with one dict as both globals and locals: a copy
   of the frame's globals, overlaid with the frame's scratch names, then
   with the frame's variables.  One dict, as in a module, so that lambdas,
   comprehensions and functions written in EXPR see the frame's variables
   (with separate locals they would look them up as globals and fail).
   Nothing run there can change the program's globals by accident: an
   assignment lands in the copy.

   After statements run, py-hook decides where each name of that dict
   goes (ns_write_back):
   - a variable of the frame (a function's argument, local, cell or free
     variable; a name a module or class body had before) whose value
     changed is written into the frame, as py-hook-set writes it;
   - a name the statements declare global (gdb lists them) is written into
     the program's globals;
   - any other new or changed name goes to the frame's scratch namespace,
     which later EXPRs and statements on that frame see and the program
     never does.

   Scratch namespaces are kept per frame object, which they hold a
   reference to: a frame object's address is reused by the next call of
   the same function, so a weaker key would hand one call's scratch names
   to the next.  Once the frame has returned, its scratch namespace, and
   with it the frame object and the variables the frame object took over,
   must go soon, or the function's last variables would outlive it (a file
   never flushed, a finalizer never run).  So while any scratch namespace
   exists, a builtin function of the helper sits in gc.callbacks and in
   the atexit registry: the collector runs it after each collection, and
   it drops the namespaces of frames that have returned, then takes itself
   out of gc.callbacks when none is left; at exit it drops them all, while
   Python can still run the finalizers.  Every call that runs EXPR prunes
   too.  docs/architecture.md says so.  */

#include <string.h>

#include "internal.h"

#define PY_FILE_INPUT 257 /* Py_file_input */
#define HELPER_KEY "__py_hook_builtins__"
#define PY_EVAL_INPUT 258 /* Py_eval_input */

/* Every Python object the helper keeps between calls belongs to one
   interpreter and lives in that interpreter's dict for extensions
   (PyInterpreterState_GetDict), under STATE_KEY, in a dict of:
   - "scratch": frame object -> dict of its scratch names;
   - "session": frame object -> dict of names a py-hook-repl --readonly
     session bound (HOOK_REQ_SESSION), which shadow everything else for
     that session;
   - "stand_ins": the stand-ins for the builtins exit and quit (site's
     versions close sys.stdin, the program's stdin, before they raise
     SystemExit), made with that interpreter's builtins;
   - "pruner", and "in_gc" and "at_exit" while it is registered there.
   Never process-wide: a subinterpreter has its own allocator (3.12+), its
   own builtins, gc.callbacks and atexit, and one interpreter's object
   freed or called from another corrupts its heap.  The interpreter drops
   them all when it ends.  */
#define STATE_KEY "py_hook"

static int session_on; /* this request runs in a session (ns_session) */

/* The calling thread's interpreter's state dict (borrowed), made when
   MAKE; NULL if there is none (an error is never left set).  */
static py_object *
interp_state (const struct py_api *api, int make)
{
  py_object *all = api->PyInterpreterState_GetDict (api->PyInterpreterState_Get ());
  py_object *state = all ? api->PyDict_GetItemString (all, STATE_KEY) : NULL;
  if (state == NULL && all != NULL && make)
    {
      state = api->PyDict_New ();
      if (state != NULL && api->PyDict_SetItemString (all, STATE_KEY, state) != 0)
        {
          api->Py_DecRef (state);
          state = NULL;
        }
      else if (state != NULL)
        api->Py_DecRef (state); /* ALL holds it */
    }
  api->PyErr_Clear ();
  return state;
}

/* Entry NAME of the state (borrowed), or NULL.  */
static py_object *
state_get (const struct py_api *api, const char *name)
{
  py_object *state = interp_state (api, 0);
  return state ? api->PyDict_GetItemString (state, name) : NULL;
}

/* Stores VALUE (a new reference, taken; NULL: removes NAME) as entry NAME
   of the state; returns the entry (borrowed) or NULL.  */
static py_object *
state_put (const struct py_api *api, const char *name, py_object *value)
{
  py_object *state = interp_state (api, value != NULL);
  if (state != NULL && value == NULL
      && api->PyDict_GetItemString (state, name) != NULL
      && api->PyDict_DelItemString (state, name) != 0)
    api->PyErr_Clear ();
  if (value == NULL)
    return NULL;
  int stored = state != NULL && api->PyDict_SetItemString (state, name, value) == 0;
  api->PyErr_Clear ();
  api->Py_DecRef (value);
  return stored ? value : NULL;
}

/* Dict entry NAME ("scratch" or "session"), made on first use when MAKE.  */
static py_object *
frames_table (const struct py_api *api, const char *name, int make)
{
  py_object *table = state_get (api, name);
  if (table == NULL && make)
    {
      py_object *fresh = api->PyDict_New ();
      table = fresh ? state_put (api, name, fresh) : NULL;
    }
  api->PyErr_Clear ();
  return table;
}

/* Whether FRAME's code has returned: its frame object then owns the
   interpreter frame, copied into the object itself (f_frame points to its
   _f_frame_data), where a running frame's lives on the thread's data
   stack or in its generator.  */
static int
frame_ended (py_object *frame)
{
  char *iframe = (char *) obj_ptr (frame, FACT (FRAMEOBJECT_FRAME));
  return iframe == (char *) frame + FACT (FRAMEOBJECT_FRAME_DATA);
}

/* Drops the scratch namespaces of frames that have returned.  Dropping one
   can free the frame object and the values it kept, whose finalizers run:
   this runs only where the program's code may run.  */
static void
prune_one (const struct py_api *api, py_object *frames)
{
  if (frames == NULL || api->PyDict_Size (frames) == 0)
    return;
  py_object *all = api->PyDict_Copy (frames);
  if (all == NULL)
    {
      api->PyErr_Clear ();
      return;
    }
  py_ssize pos = 0;
  py_object *frame, *names;
  while (api->PyDict_Next (all, &pos, &frame, &names))
    if (frame_ended (frame) && api->PyDict_DelItem (frames, frame))
      api->PyErr_Clear ();
  api->Py_DecRef (all);
}

/* prune is running on this thread: a collection inside it must not
   re-enter.  Per thread: interpreters with GILs of their own collect at
   the same time.  */
static __thread int pruning;

static int
nothing_kept (const struct py_api *api)
{
  py_object *scratch = frames_table (api, "scratch", 0);
  py_object *session = frames_table (api, "session", 0);
  return (scratch == NULL || api->PyDict_Size (scratch) == 0)
         && (session == NULL || api->PyDict_Size (session) == 0);
}

/* Takes the pruner out of gc.callbacks.  */
static void
pruner_leave_gc (const struct py_api *api)
{
  py_object *pruner = state_get (api, "pruner");
  if (pruner == NULL || state_get (api, "in_gc") == NULL)
    return;
  py_object *gc = api->PyImport_ImportModule ("gc");
  py_object *list = gc ? api->PyObject_GetAttrString (gc, "callbacks") : NULL;
  if (list && pyapi_type (list) == api->list_type)
    for (py_ssize i = api->PyList_Size (list) - 1; i >= 0; i--)
      if (api->PyList_GetItem (list, i) == pruner)
        api->PySequence_DelItem (list, i);
  state_put (api, "in_gc", NULL);
  if (list)
    api->Py_DecRef (list);
  if (gc)
    api->Py_DecRef (gc);
  api->PyErr_Clear ();
}

static void
prune (const struct py_api *api)
{
  if (pruning)
    return;
  pruning = 1;
  prune_one (api, frames_table (api, "scratch", 0));
  prune_one (api, frames_table (api, "session", 0));
  if (nothing_kept (api))
    pruner_leave_gc (api);
  pruning = 0;
}

/* The pruner's C function: called by the collector with (phase, info),
   by atexit with nothing.  */
static py_object *
pruner_call (py_object *self, py_object *args)
{
  const struct py_api *api = NULL;
  if (pyapi_load (&api) == HOOK_OK)
    {
      prune (api);
      if (args != NULL && api->PyTuple_Size (args) == 0)
        {
          /* atexit: the interpreter ends; let every frame go, and forget
             the registration atexit has just dropped.  */
          py_object *scratch = frames_table (api, "scratch", 0);
          py_object *session = frames_table (api, "session", 0);
          if (scratch)
            api->PyDict_Clear (scratch);
          if (session)
            api->PyDict_Clear (session);
          pruner_leave_gc (api);
          state_put (api, "at_exit", NULL);
        }
      api->PyErr_Clear ();
      api->Py_IncRef (api->none);
    }
  return api ? api->none : NULL;
}

/* PyMethodDef, as every supported CPython lays it out.  */
static struct
{
  const char *name;
  py_object *(*meth) (py_object *, py_object *);
  int flags;
  const char *doc;
} pruner_def = { "py_hook_scratch_pruner", pruner_call, 0x1 /* METH_VARARGS */,
                 "Drops py-hook's scratch names of frames that returned." };

/* Makes sure the pruner runs after collections and at exit: called when a
   scratch namespace or session is kept.  */
static void
pruner_arm (const struct py_api *api)
{
  py_object *pruner = state_get (api, "pruner");
  if (pruner == NULL)
    {
      py_object *fresh = api->PyCFunction_NewEx (&pruner_def, NULL, NULL);
      pruner = fresh ? state_put (api, "pruner", fresh) : NULL;
    }
  if (pruner == NULL)
    {
      api->PyErr_Clear ();
      return;
    }
  if (state_get (api, "in_gc") == NULL)
    {
      py_object *gc = api->PyImport_ImportModule ("gc");
      py_object *list = gc ? api->PyObject_GetAttrString (gc, "callbacks") : NULL;
      if (list && pyapi_type (list) == api->list_type
          && api->PyList_Append (list, pruner) == 0)
        {
          api->Py_IncRef (api->none);
          state_put (api, "in_gc", api->none);
        }
      if (list)
        api->Py_DecRef (list);
      if (gc)
        api->Py_DecRef (gc);
    }
  if (state_get (api, "at_exit") == NULL)
    {
      py_object *atexit = api->PyImport_ImportModule ("atexit");
      py_object *done = atexit ? api->PyObject_CallMethod (atexit, "register",
                                                           "O", pruner)
                               : NULL;
      if (done)
        {
          api->Py_IncRef (api->none);
          state_put (api, "at_exit", api->none);
          api->Py_DecRef (done);
        }
      if (atexit)
        api->Py_DecRef (atexit);
    }
  api->PyErr_Clear ();
}

void
ns_session (int on)
{
  session_on = on;
}

void
ns_end_session (const struct py_api *api, py_object *frame)
{
  py_object *session_frames = frames_table (api, "session", 0);
  if (session_frames != NULL
      && api->PyDict_GetItemWithError (session_frames, frame) != NULL
      && api->PyDict_DelItem (session_frames, frame) != 0)
    api->PyErr_Clear ();
  api->PyErr_Clear ();
}

/* Makes the stand-ins, with BUILTINS (the frame's) as their builtins:
   they find SystemExit there.  */
static void
make_stand_ins (const struct py_api *api, py_object *builtins)
{
  static const char source[]
      = "def exit(code=None):\n"
        "    'Raises SystemExit; unlike site.exit, leaves sys.stdin open.'\n"
        "    raise SystemExit if code is None else SystemExit(code)\n"
        "quit = exit\n";
  py_object *code = api->Py_CompileStringExFlags (source, "<py-hook>",
                                                  PY_FILE_INPUT, NULL, -1);
  py_object *ns = api->PyDict_New ();
  py_object *done = NULL;
  if (code && ns)
    {
      py_object *key = api->PyUnicode_FromStringAndSize ("__builtins__", 12);
      if (key && api->PyDict_SetItem (ns, key, builtins) == 0)
        done = api->PyEval_EvalCode (code, ns, ns);
      if (key)
        api->Py_DecRef (key);
    }
  if (done)
    {
      api->Py_DecRef (done);
      state_put (api, "stand_ins", ns);
      ns = NULL;
    }
  api->PyErr_Clear ();
  if (code)
    api->Py_DecRef (code);
  if (ns)
    api->Py_DecRef (ns);
}

/* Puts the stand-ins for exit and quit into NS where those names would
   reach the builtins.  */
static void
add_stand_ins (const struct py_api *api, py_object *ns, py_object *builtins)
{
  if (state_get (api, "stand_ins") == NULL && builtins != NULL)
    make_stand_ins (api, builtins);
  py_object *stand_ins = state_get (api, "stand_ins");
  if (stand_ins == NULL)
    return;
  static const char *const names[] = { "exit", "quit" };
  for (int i = 0; i < 2; i++)
    {
      py_object *fn = api->PyDict_GetItemString (stand_ins, names[i]);
      if (fn != NULL && api->PyDict_GetItemString (ns, names[i]) == NULL)
        {
          py_object *key = api->PyUnicode_FromStringAndSize (names[i], 4);
          if (key == NULL || api->PyDict_SetItem (ns, key, fn) != 0)
            api->PyErr_Clear ();
          if (key)
            api->Py_DecRef (key);
        }
    }
  api->PyErr_Clear ();
}

static int
is_stand_in (const struct py_api *api, py_object *value)
{
  py_object *stand_ins = state_get (api, "stand_ins");
  return stand_ins != NULL
         && (value == api->PyDict_GetItemString (stand_ins, "exit")
             || value == api->PyDict_GetItemString (stand_ins, "quit"));
}

void
ns_release (const struct py_api *api, struct exec_ns *x)
{
  py_object *all[] = { x->globals, x->ns, x->before, x->body, x->hidden,
                       x->varset };
  for (int i = 0; i < 6; i++)
    if (all[i])
      api->Py_DecRef (all[i]);
  memset (x, 0, sizeof *x);
}

/* A dict with the frame's variable names (of optimized CODE) as keys.  */
static py_object *
variable_set (const struct py_api *api, const struct code_vars *cv)
{
  py_object *set = api->PyDict_New ();
  py_object *groups[] = { cv->varnames, cv->cellvars, cv->freevars };
  for (int g = 0; set && g < 3; g++)
    for (py_ssize i = 0; i < api->PyTuple_Size (groups[g]); i++)
      if (api->PyDict_SetItem (set, api->PyTuple_GetItem (groups[g], i),
                               api->none) != 0)
        {
          api->Py_DecRef (set);
          return NULL;
        }
  return set;
}

int
ns_build (const struct py_api *api, py_object *frame, py_object *code,
          struct exec_ns *x)
{
  memset (x, 0, sizeof *x);
  prune (api);
  struct code_vars cv;
  int status = code_vars_load (api, code, &cv);
  if (status != HOOK_OK)
    return status;
  x->optimized = cv.optimized;
  x->varset = cv.optimized ? variable_set (api, &cv) : NULL;
  code_vars_release (api, &cv);
  if (x->optimized && x->varset == NULL)
    return error_to_message (api, HOOK_ERR_INTERNAL,
                             "listing the frame's variables failed");

  x->globals = api->PyFrame_GetGlobals (frame);
  if (x->globals == NULL || pyapi_type (x->globals) != api->dict_type)
    return error_to_message (api, HOOK_ERR_INTERNAL,
                             "the frame's globals are not a dict");
  x->ns = api->PyDict_Copy (x->globals);
  if (x->ns == NULL)
    return error_to_message (api, HOOK_ERR_NO_MEMORY,
                             "copying the frame's globals failed");
  if (x->optimized)
    {
      py_object *view = api->PyFrame_GetLocals (frame);
      x->before = api->PyDict_New ();
      if (view == NULL || x->before == NULL
          || api->PyDict_Update (x->before, view) != 0)
        status = error_to_message (api, HOOK_ERR_INTERNAL,
                                   "reading the frame's locals failed");
      if (view)
        api->Py_DecRef (view);
    }
  else
    {
      status = frames_namespace (api, frame, &x->body, &x->hidden);
      if (status == HOOK_OK)
        {
          x->before = api->PyDict_New ();
          /* 3.12's hidden view is the namespace plus the comprehension's
             variables; 3.13's holds those variables only.  */
          py_object *first = x->hidden && api->version < PY_3_13 ? x->hidden
                                                                 : x->body;
          if (x->before == NULL || api->PyDict_Update (x->before, first) != 0
              || (x->hidden && api->version >= PY_3_13
                  && api->PyDict_Update (x->before, x->hidden) != 0))
            status = error_to_message (api, HOOK_ERR_INTERNAL,
                                       "reading the body's namespace failed");
        }
    }
  if (status != HOOK_OK)
    return status;
  py_object *scratch_frames = frames_table (api, "scratch", 0);
  py_object *session_frames = session_on ? frames_table (api, "session", 0) : NULL;
  x->scratch = scratch_frames
                   ? api->PyDict_GetItemWithError (scratch_frames, frame)
                   : NULL;
  x->session = session_frames
                   ? api->PyDict_GetItemWithError (session_frames, frame)
                   : NULL;
  api->PyErr_Clear ();
  if ((x->scratch && api->PyDict_Update (x->ns, x->scratch) != 0)
      || api->PyDict_Update (x->ns, x->before) != 0
      || (x->session && api->PyDict_Update (x->ns, x->session) != 0))
    return error_to_message (api, HOOK_ERR_NO_MEMORY,
                             "building the namespace failed");
  py_object *builtins = api->PyFrame_GetBuiltins (frame);
  add_stand_ins (api, x->ns, builtins);
  /* The frame's builtins under a name no program uses, for the source
     gdb writes itself (py-hook-save): a frame's own 'open' or 'len' must
     not take their place.  */
  if (builtins != NULL && api->PyDict_SetItemString (x->ns, HELPER_KEY, builtins) != 0)
    api->PyErr_Clear ();
  if (builtins)
    api->Py_DecRef (builtins);
  return HOOK_OK;
}

py_object *
ns_run (const struct py_api *api, struct exec_ns *x, const char *source,
        int statements, const char *what, int *status)
{
  py_object *code = api->Py_CompileStringExFlags (
      source, "<py-hook>", statements ? PY_FILE_INPUT : PY_EVAL_INPUT, NULL,
      -1);
  if (code == NULL)
    {
      int syntax = api->PyErr_GivenExceptionMatches (api->PyErr_Occurred (),
                                                     *api->exc_syntax_error);
      *status = error_to_message (
          api, syntax ? HOOK_ERR_EXPR_SYNTAX : HOOK_ERR_EXPR_RAISED,
          statements ? "STMT does not compile" : "EXPR does not compile");
      return NULL;
    }
  entry_gc_for_expr (api);
  py_object *value = api->PyEval_EvalCode (code, x->ns, x->ns);
  entry_leave_if_forked (); /* EXPR forked: this may be the child */
  entry_gc_after_expr (api);
  api->Py_DecRef (code);
  if (value == NULL)
    *status = error_to_message (api, HOOK_ERR_EXPR_RAISED, what);
  return value;
}

/* A new empty dict, or NULL with nothing pending.  */
static py_object *
new_dict (const struct py_api *api)
{
  py_object *d = api->PyDict_New ();
  if (d == NULL)
    api->PyErr_Clear ();
  return d;
}

/* NAME's value in D (borrowed), or NULL.  */
static py_object *
lookup (const struct py_api *api, py_object *d, py_object *name)
{
  if (d == NULL)
    return NULL;
  py_object *v = api->PyDict_GetItemWithError (d, name);
  if (v == NULL)
    api->PyErr_Clear ();
  return v;
}

/* One W record: NAME was not written back, and why.  */
static void
not_written (const struct py_api *api, py_object *name, const char *why)
{
  py_ssize n = 0;
  const char *utf8 = api->PyUnicode_AsUTF8AndSize (name, &n);
  if (utf8 == NULL)
    {
      api->PyErr_Clear ();
      utf8 = "?";
      n = 1;
    }
  reply_raw ("W", 1);
  reply_field (utf8, (size_t) n);
  reply_field_str (why);
  reply_end_record ();
}

/* The kind of variable NAME is in the frame of CODE.  */
static const char *
kind_of (const struct py_api *api, py_object *code, py_object *name)
{
  struct code_vars cv;
  const char *kind = "local";
  if (code_vars_load (api, code, &cv) == HOOK_OK)
    {
      code_vars_kind (api, &cv, name, &kind);
      code_vars_release (api, &cv);
    }
  api->PyErr_Clear ();
  return kind;
}

/* Writes the changed variables of a function frame back into it.  */
static void
write_function (const struct py_api *api, py_object *frame, py_object *code,
                struct exec_ns *x, py_object *declared, size_t limit)
{
  py_object *changed = new_dict (api);
  if (changed == NULL)
    return;
  py_ssize pos = 0;
  py_object *name, *ignored;
  while (api->PyDict_Next (x->varset, &pos, &name, &ignored))
    {
      py_object *old = lookup (api, x->before, name);
      py_object *now = lookup (api, x->ns, name);
      if (now == old || lookup (api, declared, name) != NULL)
        continue; /* unchanged, or a global of that name was meant */
      if (now == NULL)
        not_written (api, name,
                     "deleted by STMT, but a function's variable cannot be "
                     "unbound from py-hook; it keeps its value");
      else if (api->PyDict_SetItem (changed, name, now) != 0)
        api->PyErr_Clear ();
    }
  if (api->PyDict_Size (changed) == 0)
    {
      api->Py_DecRef (changed);
      return;
    }
  /* On 3.11 and 3.12 the view is f_locals, refreshed from the fast slots
     right now, and PyFrame_LocalsToFast copies it back; 3.13's proxy
     writes through.  3.12 hands out a copy while an inlined comprehension
     runs: nothing could land.  */
  py_object *view = api->PyFrame_GetLocals (frame);
  py_object **slot = frames_locals_slot (api, frame);
  int copy = view != NULL && slot != NULL && *slot != view;
  pos = 0;
  py_object *now;
  while (api->PyDict_Next (changed, &pos, &name, &now))
    if (view == NULL || copy)
      not_written (api, name,
                   "this frame runs an inlined comprehension (PEP 709), and "
                   "CPython 3.12 hands out a copy of its locals meanwhile; "
                   "stop after the comprehension");
    else if (api->PyObject_SetItem (view, name, now) != 0)
      {
        api->PyErr_Clear ();
        not_written (api, name, "storing the value into the frame failed");
      }
  if (view && !copy && api->version < PY_3_13 && api->PyFrame_LocalsToFast)
    api->PyFrame_LocalsToFast (frame, 0);
  api->PyErr_Clear ();
  if (view)
    api->Py_DecRef (view);
  if (!copy)
    {
      /* Read back through a fresh view, as the running code sees it.  */
      py_object *fresh = api->PyFrame_GetLocals (frame);
      pos = 0;
      while (fresh && api->PyDict_Next (changed, &pos, &name, &now))
        {
          py_object *seen = api->PyObject_GetItem (fresh, name);
          if (seen != now)
            {
              api->PyErr_Clear ();
              not_written (api, name, "the value did not reach the frame");
            }
          else
            frames_value_record (api, 'S', name, kind_of (api, code, name),
                                 seen, limit);
          if (seen)
            api->Py_DecRef (seen);
        }
      if (fresh)
        api->Py_DecRef (fresh);
      api->PyErr_Clear ();
    }
  api->Py_DecRef (changed);
}

/* Writes the changed names of a module or class body back into it.  */
static void
write_body (const struct py_api *api, struct exec_ns *x, py_object *declared,
            size_t limit)
{
  py_ssize pos = 0;
  py_object *name, *old;
  while (api->PyDict_Next (x->before, &pos, &name, &old))
    {
      py_object *now = lookup (api, x->ns, name);
      if (now == old || (lookup (api, declared, name) != NULL
                         && x->body != x->globals))
        continue; /* unchanged, or a class body's global was meant */
      if (x->hidden != NULL)
        not_written (api, name,
                     "a comprehension runs inlined in this body (PEP 709), "
                     "and CPython offers no way to write its variables "
                     "there; stop after the comprehension");
      else if (pyapi_type (x->body) != api->dict_type)
        not_written (api, name,
                     "this body's namespace is not a plain dict (a metaclass "
                     "made it), so storing into it would run the program's "
                     "own code");
      else if (now == NULL ? api->PyDict_DelItem (x->body, name) != 0
                           : api->PyDict_SetItem (x->body, name, now) != 0)
        {
          api->PyErr_Clear ();
          not_written (api, name, "storing the value failed");
        }
      else
        frames_value_record (api, 'S', name, "local", now, limit);
    }
}

/* The names declared global in the statements (GLOBALS_TEXT, one per
   line, as gdb found them), as the keys of a new dict, or NULL.  In X's
   namespace each of them gets the global's value, or none: as in Python,
   a declared global is not the frame's variable of that name.  */
static py_object *
declare_globals (const struct py_api *api, struct exec_ns *x,
                 const char *globals_text)
{
  py_object *declared = new_dict (api);
  if (declared == NULL)
    return NULL;
  const char *p = globals_text;
  while (*p)
    {
      const char *end = strchr (p, '\n');
      size_t n = end ? (size_t) (end - p) : strlen (p);
      py_object *name = n ? api->PyUnicode_FromStringAndSize (p, n) : NULL;
      if (name && api->PyDict_SetItem (declared, name, api->none) == 0)
        {
          py_object *global = lookup (api, x->globals, name);
          if (global != NULL)
            api->PyDict_SetItem (x->ns, name, global);
          else if (lookup (api, x->ns, name) != NULL)
            api->PyDict_DelItem (x->ns, name);
        }
      api->PyErr_Clear ();
      if (name)
        api->Py_DecRef (name);
      p += n + (end != NULL);
    }
  return declared;
}

/* Each declared global whose value the statements changed, written into
   the program's globals.  */
static void
write_globals (const struct py_api *api, struct exec_ns *x,
               py_object *declared, size_t limit)
{
  py_ssize pos = 0;
  py_object *name, *ignored;
  while (declared && api->PyDict_Next (declared, &pos, &name, &ignored))
    {
      py_object *old = lookup (api, x->globals, name);
      py_object *now = lookup (api, x->ns, name);
      if (now == old)
        continue;
      int rc = now ? api->PyDict_SetItem (x->globals, name, now)
                   : api->PyDict_DelItem (x->globals, name);
      if (rc != 0)
        {
          api->PyErr_Clear ();
          not_written (api, name, "storing the global failed");
        }
      else
        frames_value_record (api, 'S', name, "global", now, limit);
    }
}

/* Whether NAME belongs to the frame rather than to its scratch names.  */
static int
frame_owns (const struct py_api *api, struct exec_ns *x, py_object *name)
{
  return lookup (api, x->optimized ? x->varset : x->before, name) != NULL;
}

/* The new scratch namespace of FRAME: every str name of the namespace that
   is neither the frame's nor a declared global, that was a scratch name
   already, or is new, or differs from the global of that name.  */
static void
write_scratch (const struct py_api *api, py_object *frame, struct exec_ns *x,
               py_object *declared, size_t limit)
{
  py_object *next = new_dict (api);
  if (next == NULL)
    return;
  py_ssize pos = 0;
  py_object *name, *value;
  while (api->PyDict_Next (x->ns, &pos, &name, &value))
    {
      if (pyapi_type (name) != api->unicode_type || frame_owns (api, x, name)
          || lookup (api, declared, name) != NULL || is_stand_in (api, value)
          || api->PyUnicode_CompareWithASCIIString (name, HELPER_KEY) == 0)
        continue;
      py_object *had = lookup (api, x->scratch, name);
      if (had == NULL && lookup (api, x->globals, name) == value)
        continue;
      if (api->PyDict_SetItem (next, name, value) != 0)
        api->PyErr_Clear ();
      else if (had != value)
        frames_value_record (api, 'S', name, "scratch", value, limit);
    }
  /* A scratch name the statements declared global but left alone stays
     (while they ran, the name was the global).  */
  pos = 0;
  while (x->scratch && api->PyDict_Next (x->scratch, &pos, &name, &value))
    if (lookup (api, declared, name) != NULL
        && lookup (api, x->ns, name) == lookup (api, x->globals, name)
        && api->PyDict_SetItem (next, name, value) != 0)
      api->PyErr_Clear ();
  /* Scratch names the statements deleted.  */
  pos = 0;
  while (x->scratch && api->PyDict_Next (x->scratch, &pos, &name, &value))
    if (lookup (api, next, name) == NULL && !frame_owns (api, x, name))
      frames_value_record (api, 'S', name, "scratch", NULL, limit);
  py_object *scratch_frames = frames_table (api, "scratch", api->PyDict_Size (next) != 0);
  if (scratch_frames != NULL)
    {
      int rc = api->PyDict_Size (next)
                   ? api->PyDict_SetItem (scratch_frames, frame, next)
               : x->scratch ? api->PyDict_DelItem (scratch_frames, frame)
                            : 0;
      if (rc != 0)
        api->PyErr_Clear ();
      if (api->PyDict_Size (next))
        pruner_arm (api);
    }
  x->scratch = NULL; /* borrowed, and perhaps gone now */
  api->Py_DecRef (next);
}

/* The value NAME has in X's namespace without the session overlay
   (borrowed), or NULL: the frame's, else a scratch name's, else a
   global's.  */
static py_object *
base_value (const struct py_api *api, struct exec_ns *x, py_object *name)
{
  py_object *v = lookup (api, x->before, name);
  if (v == NULL)
    v = lookup (api, x->scratch, name);
  if (v == NULL)
    v = lookup (api, x->globals, name);
  return v;
}

/* HOOK_REQ_SESSION: every name the statements bound or changed goes to the
   frame's session overlay, and nothing else changes.  */
static void
write_session (const struct py_api *api, py_object *frame, struct exec_ns *x,
               size_t limit)
{
  py_object *next = new_dict (api);
  if (next == NULL)
    return;
  py_ssize pos = 0;
  py_object *name, *value;
  while (api->PyDict_Next (x->ns, &pos, &name, &value))
    {
      if (pyapi_type (name) != api->unicode_type || is_stand_in (api, value)
          || api->PyUnicode_CompareWithASCIIString (name, HELPER_KEY) == 0)
        continue;
      py_object *had = lookup (api, x->session, name);
      if (had == NULL && base_value (api, x, name) == value)
        continue;
      if (api->PyDict_SetItem (next, name, value) != 0)
        api->PyErr_Clear ();
      else if (had != value)
        frames_value_record (api, 'S', name, "session", value, limit);
    }
  py_object *session_frames = frames_table (api, "session", 1);
  if (session_frames != NULL
      && api->PyDict_SetItem (session_frames, frame, next) != 0)
    api->PyErr_Clear ();
  pruner_arm (api);
  x->session = NULL;
  api->Py_DecRef (next);
}

int
ns_statements (const struct py_api *api, py_object *frame, py_object *code,
               const char *globals_text, const char *source, size_t limit)
{
  struct exec_ns x;
  int status = ns_build (api, frame, code, &x);
  py_object *declared = status == HOOK_OK && !session_on
                            ? declare_globals (api, &x, globals_text)
                            : NULL;
  py_object *done = status == HOOK_OK
                        ? ns_run (api, &x, source, 1, "STMT raised", &status)
                        : NULL;
  if (done)
    api->Py_DecRef (done);
  if (status == HOOK_OK)
    {
      /* The records say what went where: S for each name written (its kind
         arg, local, cell, free, global or scratch), W for each name that
         could not be.  */
      reply_prologue (api);
      if (session_on)
        write_session (api, frame, &x, limit);
      else
        {
          if (x.optimized)
            write_function (api, frame, code, &x, declared, limit);
          else
            write_body (api, &x, declared, limit);
          write_globals (api, &x, declared, limit);
          write_scratch (api, frame, &x, declared, limit);
        }
      reply_raw ("E", 1);
      reply_field_num (-1);
      reply_end_record ();
    }
  if (declared)
    api->Py_DecRef (declared);
  ns_release (api, &x);
  return status;
}
