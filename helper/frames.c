/* frames.c -- the calling thread's Python stack, and hook_snapshot.

   The stack is walked with the public C API (PyThreadState_GetFrame,
   PyFrame_GetBack, PyFrame_GetCode, ...): it is the same on 3.11 to 3.15,
   skips frames that are not yet complete, and gives the frame objects that
   the locals API needs.  Only where the API would change what it reads
   (the f_locals dict of 3.11 and 3.12, a body's namespace) does the
   helper look inside a frame, at the facts GDB gave it.  */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A stack deeper than this is taken to be corrupt rather than walked on. */
#define MAX_FRAMES 10000000u

int
frames_current (const struct entry_state *st, py_object **frame)
{
  *frame = st->api->PyThreadState_GetFrame (st->tstate);
  if (*frame == NULL)
    {
      st->api->PyErr_Clear (); /* in case making the frame object failed */
      return channel_fail (HOOK_ERR_NO_FRAME,
                           "this thread runs no Python frame right now; "
                           "continue to a stop inside Python code");
    }
  return HOOK_OK;
}

/* Steps from FRAME (reference consumed) to its caller.  */
static py_object *
step_back (const struct py_api *api, py_object *frame)
{
  py_object *back = api->PyFrame_GetBack (frame);
  api->Py_DecRef (frame);
  return back;
}

int
frames_nth (const struct entry_state *st, uint32_t n, py_object **out)
{
  const struct py_api *api = st->api;
  py_object *frame;
  int status = frames_current (st, &frame);
  if (status != HOOK_OK)
    return status;
  uint32_t i = 0;
  for (; i < n && frame != NULL; i++)
    frame = step_back (api, frame);
  if (frame == NULL)
    return channel_fail (HOOK_ERR_FRAME_RANGE,
                         "there is no Python frame %u: this thread has %u "
                         "(0 to %u); see py-hook-bt",
                         n, i, i - 1);
  *out = frame;
  return HOOK_OK;
}

/* VAR's value in FRAME (borrowed from a mapping we hold, as a new
   reference), read without running code: the frame's variables, then its
   globals.  */
static py_object *
frame_variable (const struct py_api *api, py_object *frame, py_object *name,
                const char *utf8)
{
  py_object *value = NULL;
  py_object *code = api->PyFrame_GetCode (frame);
  struct code_vars cv;
  int optimized = 0, local = 0;
  if (code_vars_load (api, code, &cv) == HOOK_OK)
    {
      optimized = cv.optimized;
      /* A variable of the function that is unbound is not its global of
         the same name: Python raises UnboundLocalError there.  */
      local = optimized
              && (names_index (api, cv.varnames, name) >= 0
                  || names_index (api, cv.cellvars, name) >= 0
                  || names_index (api, cv.freevars, name) >= 0);
      code_vars_release (api, &cv);
    }
  api->Py_DecRef (code);
  struct locals_kept kept = { 0 };
  if (optimized)
    locals_keep (api, frame, &kept);
  py_object *view = api->PyFrame_GetLocals (frame);
  if (view != NULL && (optimized || pyapi_type (view) == api->dict_type))
    value = api->PyObject_GetItem (view, name);
  api->PyErr_Clear ();
  if (view)
    api->Py_DecRef (view);
  if (optimized)
    locals_put_back (api, &kept);
  if (value == NULL && !local)
    {
      py_object *globals = api->PyFrame_GetGlobals (frame);
      py_object *found = globals ? obj_dict_find (api, globals, utf8) : NULL;
      if (found)
        {
          api->Py_IncRef (found);
          value = found;
        }
      if (globals)
        api->Py_DecRef (globals);
      api->PyErr_Clear ();
    }
  return value;
}

int
frames_of (const struct entry_state *st, uint32_t index, const char *var,
           size_t n, int by_address, py_object **out)
{
  const struct py_api *api = st->api;
  char utf8[256];
  if (n == 0 || n >= sizeof utf8)
    return channel_fail (HOOK_ERR_NOT_A_VARIABLE,
                         "VAR must name a variable of the frame");
  memcpy (utf8, var, n);
  utf8[n] = '\0';
  py_object *value = NULL;
  int status = HOOK_OK;
  if (by_address)
    {
      /* VAR is the address GDB read from memory during this stop (a
         task's coroutine); only its type is checked below.  */
      char *end = NULL;
      unsigned long long address = strtoull (utf8, &end, 16);
      if (end == utf8 || *end != '\0' || address == 0 || address % 8 != 0)
        return channel_fail (HOOK_ERR_BAD_REQUEST,
                             "HOOK_REQ_OBJECT needs an object address");
      value = (py_object *) (uintptr_t) address;
      api->Py_IncRef (value);
    }
  else
    {
      py_object *frame = NULL;
      status = frames_nth (st, index, &frame);
      if (status != HOOK_OK)
        return status;
      py_object *name = api->PyUnicode_FromStringAndSize (utf8, (py_ssize) n);
      value = name ? frame_variable (api, frame, name, utf8) : NULL;
      api->PyErr_Clear ();
      api->Py_DecRef (frame);
      if (name)
        api->Py_DecRef (name);
      if (value == NULL)
        return channel_fail (HOOK_ERR_NOT_A_VARIABLE,
                             "'%s' is neither a bound variable of this frame "
                             "nor a global of its module",
                             utf8);
    }
  const char *type = api->PyType_Name (pyapi_type (value));
  const char *attr = !type ? NULL
                     : !strcmp (type, "generator")       ? "gi_frame"
                     : !strcmp (type, "coroutine")       ? "cr_frame"
                     : !strcmp (type, "async_generator") ? "ag_frame"
                                                         : NULL;
  /* Only CPython's own types: a class of the program with such a name
     could answer the attribute with its own code.  */
  if (attr != NULL && (type_flags (pyapi_type (value)) & FACT (TPFLAGS_HEAPTYPE)))
    attr = NULL;
  if (attr == NULL)
    {
      const char *shown = type ? type : "value";
      status = channel_fail (HOOK_ERR_NOT_A_VARIABLE,
                             "'%s' holds %s %s, not a generator, coroutine or "
                             "async generator",
                             utf8, strchr ("aeiouAEIOU", shown[0]) ? "an" : "a",
                             shown);
      api->Py_DecRef (value);
      return status;
    }
  py_object *gen_frame = api->PyObject_GetAttrString (value, attr);
  api->Py_DecRef (value);
  if (gen_frame == NULL || gen_frame == api->none)
    {
      api->PyErr_Clear ();
      if (gen_frame)
        api->Py_DecRef (gen_frame);
      return channel_fail (HOOK_ERR_NO_FRAME,
                           "the %s in '%s' has finished: it has no frame left",
                           type, utf8);
    }
  *out = gen_frame;
  return HOOK_OK;
}

static long
code_long (const struct py_api *api, py_object *code, const char *attr)
{
  py_object *v = api->PyObject_GetAttrString (code, attr);
  if (v == NULL)
    return -1;
  long n = api->PyLong_AsLong (v);
  api->Py_DecRef (v);
  return n;
}

int
code_vars_load (const struct py_api *api, py_object *code,
                struct code_vars *cv)
{
  memset (cv, 0, sizeof *cv);
  long flags = code_long (api, code, "co_flags");
  long argc = code_long (api, code, "co_argcount");
  long kwonly = code_long (api, code, "co_kwonlyargcount");
  cv->varnames = api->PyCode_GetVarnames (code);
  cv->cellvars = api->PyCode_GetCellvars (code);
  cv->freevars = api->PyCode_GetFreevars (code);
  if (flags < 0 || argc < 0 || kwonly < 0 || !cv->varnames || !cv->cellvars
      || !cv->freevars)
    {
      code_vars_release (api, cv);
      return error_to_message (api, HOOK_ERR_INTERNAL,
                               "reading the frame's code object failed");
    }
  cv->optimized = (flags & FACT (CO_OPTIMIZED)) != 0;
  cv->nargs = argc + kwonly + !!(flags & FACT (CO_VARARGS))
              + !!(flags & FACT (CO_VARKEYWORDS));
  return HOOK_OK;
}

void
code_vars_release (const struct py_api *api, struct code_vars *cv)
{
  py_object **all[] = { &cv->varnames, &cv->cellvars, &cv->freevars };
  for (size_t i = 0; i < 3; i++)
    if (*all[i])
      {
        api->Py_DecRef (*all[i]);
        *all[i] = NULL;
      }
}

py_ssize
names_index (const struct py_api *api, py_object *tuple, py_object *name)
{
  py_ssize n = api->PyTuple_Size (tuple);
  for (py_ssize i = 0; i < n; i++)
    {
      py_object *item = api->PyTuple_GetItem (tuple, i);
      /* Names are exact str: PyUnicode_Compare compares their characters,
         runs no user code and, unlike a UTF-8 conversion, leaves no
         cached copy in a non-ASCII name.  */
      if (item == name || api->PyUnicode_Compare (item, name) == 0)
        return i;
    }
  return -1;
}

/* Finds NAME among the code's variables.  Returns 1 and sets KIND to arg,
   local, cell or free; 0 when it is none of them.  */
int
code_vars_kind (const struct py_api *api, const struct code_vars *cv,
                py_object *name, const char **kind)
{
  py_ssize i = names_index (api, cv->varnames, name);
  if (i >= 0)
    {
      *kind = i < cv->nargs ? "arg"
              : names_index (api, cv->cellvars, name) >= 0 ? "cell"
                                                           : "local";
      return 1;
    }
  if (names_index (api, cv->cellvars, name) >= 0)
    {
      *kind = "cell";
      return 1;
    }
  if (names_index (api, cv->freevars, name) >= 0)
    {
      *kind = "free";
      return 1;
    }
  return 0;
}

static void
reply_str_field (const struct py_api *api, py_object *s)
{
  py_ssize n = 0;
  py_object *owned;
  const char *utf8 = obj_utf8 (api, s, &n, &owned);
  if (utf8 == NULL)
    {
      api->PyErr_Clear ();
      reply_field_str ("?");
      return;
    }
  reply_field (utf8, (size_t) n);
  if (owned)
    api->Py_DecRef (owned);
}

void
frames_value_record (const struct py_api *api, char tag, py_object *name,
                     const char *kind, py_object *value, size_t limit)
{
  reply_raw (&tag, 1);
  reply_str_field (api, name);
  reply_field_str (kind);
  if (value == NULL)
    {
      reply_field_str ("unbound");
      reply_field ("", 0);
      reply_field ("", 0);
      reply_field_str ("0");
    }
  else
    render_fields (api, value, limit);
  reply_end_record ();
}

/* One V record: NAME's value in LOCALS, or unbound.  */
void
frames_variable_record (const struct py_api *api, char tag, py_object *locals,
                        py_object *name, const char *kind, size_t limit)
{
  py_object *value = api->PyObject_GetItem (locals, name);
  if (value == NULL)
    api->PyErr_Clear (); /* KeyError: no value yet, or deleted */
  frames_value_record (api, tag, name, kind, value, limit);
  if (value != NULL)
    api->Py_DecRef (value);
}

int
frames_locals_safe (const struct py_api *api, const struct code_vars *cv)
{
  if (cv->optimized || api->version >= PY_3_13
      || (api->PyTuple_Size (cv->cellvars) == 0
          && api->PyTuple_Size (cv->freevars) == 0))
    return 1;
  channel_message ("this class body (or exec'd code) has cell variables, "
                   "and on CPython before 3.13 reading its namespace writes "
                   "them into it, which could run the program's own "
                   "mapping code; select another frame");
  return 0;
}

/* One variable of a function frame, from LOCALS (the frame's f_locals
   as PyFrame_GetLocals filled it).  A variable that holds that very dict
   (d = locals(), or sys._getframe().f_locals) is shown as the program
   has it, from the copy KEPT made before the fill: the filled dict is
   the helper's own doing, and is put back after the listing.  */
static void
function_variable (const struct py_api *api, py_object *locals,
                   py_object *name, const char *kind, size_t limit,
                   const struct locals_kept *kept)
{
  py_object *value = api->PyObject_GetItem (locals, name);
  if (value == NULL)
    api->PyErr_Clear (); /* KeyError: no value yet, or deleted */
  py_object *shown = value;
  if (value != NULL && kept->slot != NULL && value == *kept->slot
      && kept->copy != NULL)
    shown = kept->copy;
  frames_value_record (api, 'V', name, kind, shown, limit);
  if (value != NULL)
    api->Py_DecRef (value);
}

/* All variables of a frame of an optimized (function) code object, in
   definition order: arguments, locals, cells, free variables.  A name's
   kind follows from its group and position (the first nargs varnames are
   the arguments), so that a frame of n variables costs O(n), not the
   O(n^2) of looking each name up; only the few cell variables are
   searched for.  */
static void
function_variables (const struct py_api *api, const struct code_vars *cv,
                    py_object *locals, size_t limit,
                    const struct locals_kept *kept)
{
  py_ssize nvars = api->PyTuple_Size (cv->varnames);
  py_ssize ncells = api->PyTuple_Size (cv->cellvars);
  for (py_ssize i = 0; i < nvars; i++)
    {
      py_object *name = api->PyTuple_GetItem (cv->varnames, i);
      const char *kind = i < cv->nargs ? "arg"
                         : ncells && names_index (api, cv->cellvars, name) >= 0
                             ? "cell"
                             : "local";
      function_variable (api, locals, name, kind, limit, kept);
    }
  for (py_ssize i = 0; i < ncells; i++)
    {
      py_object *name = api->PyTuple_GetItem (cv->cellvars, i);
      /* An argument that is also a cell is listed once, as argument. */
      if (names_index (api, cv->varnames, name) < 0)
        function_variable (api, locals, name, "cell", limit, kept);
    }
  py_ssize nfree = api->PyTuple_Size (cv->freevars);
  for (py_ssize i = 0; i < nfree; i++)
    function_variable (api, locals, api->PyTuple_GetItem (cv->freevars, i),
                       "free", limit, kept);
}

/* A module or class body: its namespace is a mapping.  A dict, or a
   subclass of dict (a metaclass's __prepare__), is walked with PyDict_Next,
   which reads its storage and calls none of its methods; any other mapping
   is not read (that would run its code), and an N record says so.  */
static void
namespace_variables (const struct py_api *api, py_object *locals,
                     size_t limit)
{
  py_object *type = pyapi_type (locals);
  if (type != api->dict_type && !api->PyType_IsSubtype (type, api->dict_type))
    {
      char why[256];
      snprintf (why, sizeof why,
                "this body's namespace is a %s from a metaclass's "
                "__prepare__, not a dict; reading it would run the "
                "program's code",
                api->PyType_Name (type) ? api->PyType_Name (type) : "mapping");
      reply_raw ("N", 1);
      reply_field_str (why);
      reply_end_record ();
      return;
    }
  py_ssize pos = 0;
  py_object *k, *v;
  while (api->PyDict_Next (locals, &pos, &k, &v))
    if (pyapi_type (k) == api->unicode_type)
      frames_value_record (api, 'V', k, "local", v, limit);
}

/* The f_locals slot of the interpreter frame behind FRAME (the frame
   object's f_frame), trusted only when its f_globals and f_builtins hold
   what PyFrame_GetGlobals and PyFrame_GetBuiltins return.  */
static py_object **
interp_frame_locals (const struct py_api *api, py_object *frame)
{
  char *iframe = (char *) obj_ptr (frame, FACT (FRAMEOBJECT_FRAME));
  if (iframe == NULL)
    return NULL;
  py_object *globals = api->PyFrame_GetGlobals (frame);
  py_object *builtins = api->PyFrame_GetBuiltins (frame);
  int trusted = globals != NULL && builtins != NULL
                && obj_ptr (iframe, FACT (IFRAME_GLOBALS)) == globals
                && obj_ptr (iframe, FACT (IFRAME_BUILTINS)) == builtins;
  if (globals)
    api->Py_DecRef (globals);
  if (builtins)
    api->Py_DecRef (builtins);
  if (!trusted)
    api->PyErr_Clear ();
  return trusted ? (py_object **) (iframe + FACT (IFRAME_LOCALS)) : NULL;
}

py_object **
frames_locals_slot (const struct py_api *api, py_object *frame)
{
  /* 3.13 and later keep no dict of a function's locals (PEP 667).  */
  return api->version >= PY_3_13 ? NULL : interp_frame_locals (api, frame);
}

void
locals_keep (const struct py_api *api, py_object *frame,
             struct locals_kept *kept)
{
  kept->slot = frames_locals_slot (api, frame);
  kept->copy = NULL;
  kept->had_dict = kept->slot != NULL && *kept->slot != NULL;
  /* PyFrame_GetLocals also sets the frame object's f_fast_as_locals,
     which makes a later PyFrame_LocalsToFast copy the dict back.  */
  kept->fast_as_locals = kept->slot != NULL
                             ? (char *) frame + FACT (FRAMEOBJECT_FAST_AS_LOCALS)
                             : NULL;
  kept->fast_as_locals_was = kept->fast_as_locals ? *kept->fast_as_locals : 0;
  if (kept->had_dict && pyapi_type (*kept->slot) == api->dict_type)
    {
      kept->copy = api->PyDict_Copy (*kept->slot);
      if (kept->copy == NULL)
        api->PyErr_Clear ();
    }
}

void
locals_put_back (const struct py_api *api, struct locals_kept *kept)
{
  if (kept->slot == NULL)
    return;
  py_object *now = *kept->slot;
  if (!kept->had_dict && now != NULL)
    {
      /* The dict was made for the helper: drop it.  Its values are the
         frame's own, still referenced from the frame, so none is freed
         and no finalizer runs.  */
      *kept->slot = NULL;
      api->Py_DecRef (now);
    }
  else if (kept->copy != NULL && now != NULL
           && pyapi_type (now) == api->dict_type)
    {
      /* Back to what the program last saw through locals().  */
      api->PyDict_Clear (now);
      if (api->PyDict_Update (now, kept->copy) != 0)
        api->PyErr_Clear ();
    }
  if (kept->copy != NULL)
    api->Py_DecRef (kept->copy);
  kept->copy = NULL;
  *kept->fast_as_locals = kept->fast_as_locals_was;
}

/* The namespace of a body frame, read from the interpreter frame behind
   FRAME (borrowed), or NULL; see frames_locals_slot.  On 3.11 the view
   PyFrame_GetLocals returns is the namespace itself.  */
static py_object *
body_namespace (const struct py_api *api, py_object *frame)
{
  if (api->version < PY_3_12)
    return NULL;
  py_object **slot = interp_frame_locals (api, frame);
  return slot != NULL ? *slot : NULL;
}

int
frames_namespace (const struct py_api *api, py_object *frame, py_object **ns,
                  py_object **hidden)
{
  *ns = *hidden = NULL;
  py_object *view = api->PyFrame_GetLocals (frame);
  if (view == NULL)
    return error_to_message (api, HOOK_ERR_INTERNAL,
                             "reading the frame's locals failed");
  py_object *real = body_namespace (api, frame);
  if (real == NULL || real == view)
    {
      *ns = view;
      return HOOK_OK;
    }
  api->Py_IncRef (real);
  *ns = real;
  *hidden = view;
  return HOOK_OK;
}

/* A body frame's variables: the inlined comprehension's own first (3.13's
   proxy holds only those), then the namespace.  */
static int
body_variables (const struct py_api *api, py_object *frame,
                const struct code_vars *cv, size_t limit)
{
  py_object *ns, *hidden;
  int status = frames_namespace (api, frame, &ns, &hidden);
  if (status != HOOK_OK)
    return status;
  if (hidden != NULL && api->version >= PY_3_13)
    for (py_ssize i = 0; i < api->PyTuple_Size (cv->varnames); i++)
      {
        py_object *name = api->PyTuple_GetItem (cv->varnames, i);
        py_object *value = api->PyObject_GetItem (hidden, name);
        if (value == NULL)
          {
            api->PyErr_Clear (); /* not bound now: not shown */
            continue;
          }
        frames_value_record (api, 'V', name, "local", value, limit);
        api->Py_DecRef (value);
      }
  namespace_variables (api, hidden != NULL && api->version < PY_3_13
                                ? hidden : ns, limit);
  api->Py_DecRef (ns);
  if (hidden)
    api->Py_DecRef (hidden);
  return HOOK_OK;
}

int
frames_record (const struct py_api *api, py_object *frame, uint32_t index,
               int with_locals, size_t limit)
{
  py_object *code = api->PyFrame_GetCode (frame);
  py_object *file = api->PyObject_GetAttrString (code, "co_filename");
  py_object *qualname = api->PyObject_GetAttrString (code, "co_qualname");
  reply_raw ("F", 1);
  reply_field_num (index);
  reply_str_field (api, file);
  reply_field_num (api->PyFrame_GetLineNumber (frame));
  reply_str_field (api, qualname);
  reply_end_record ();
  if (file)
    api->Py_DecRef (file);
  if (qualname)
    api->Py_DecRef (qualname);
  int status = HOOK_OK;
  if (with_locals)
    {
      struct code_vars cv;
      status = code_vars_load (api, code, &cv);
      if (status == HOOK_OK && !frames_locals_safe (api, &cv))
        {
          /* Say why the variables are missing instead of failing the
             whole snapshot.  */
          reply_raw ("N", 1);
          reply_field_str (channel_get_message ());
          reply_end_record ();
        }
      else if (status == HOOK_OK && !cv.optimized)
        status = body_variables (api, frame, &cv, limit);
      else if (status == HOOK_OK)
        {
          struct locals_kept kept;
          locals_keep (api, frame, &kept);
          py_object *locals = api->PyFrame_GetLocals (frame);
          if (locals == NULL)
            status = error_to_message (api, HOOK_ERR_INTERNAL,
                                       "reading the frame's locals failed");
          else
            function_variables (api, &cv, locals, limit, &kept);
          if (locals != NULL)
            api->Py_DecRef (locals);
          locals_put_back (api, &kept);
        }
      code_vars_release (api, &cv);
    }
  api->Py_DecRef (code);
  return status;
}

void
reply_prologue (const struct py_api *api)
{
  reply_raw ("P", 1);
  char hex[24];
  int n = snprintf (hex, sizeof hex, "%lx", api->version);
  reply_field (hex, (size_t) n);
  reply_end_record ();
}

int
impl_snapshot (const struct hook_request *req)
{
  if (req == channel_request_area () && req->abi_version == HOOK_ABI_VERSION
      && (req->flags & HOOK_REQ_RELEASE))
    {
      /* No Python, no GIL: only the helper's own memory.  */
      int saved_errno = errno;
      channel_get ();
      channel_reset ();
      reply_release ();
      errno = saved_errno;
      return channel_finish (HOOK_OK);
    }
  struct entry_state st;
  int status = entry_begin (req, &st);
  if (status != HOOK_OK)
    return status;
  const struct py_api *api = st.api;
  py_object *frame = NULL;
  if (req->flags & HOOK_REQ_OF)
    {
      status = frames_of (&st, req->first_frame, (const char *) (req + 1),
                          req->name_len, (req->flags & HOOK_REQ_OBJECT) != 0,
                          &frame);
      if (status == HOOK_OK)
        {
          reply_prologue (api);
          status = frames_record (api, frame, 0,
                                  (req->flags & HOOK_REQ_LOCALS) != 0,
                                  req->value_limit);
          reply_raw ("E", 1);
          reply_field_num (1);
          reply_end_record ();
          api->Py_DecRef (frame);
        }
      return entry_end (&st, status);
    }
  status = frames_current (&st, &frame);
  if (status != HOOK_OK)
    return entry_end (&st, status);

  reply_prologue (api);
  uint32_t index = 0;
  uint64_t last = req->max_frames
                      ? (uint64_t) req->first_frame + req->max_frames
                      : UINT64_MAX;
  for (; frame != NULL && index < MAX_FRAMES; index++)
    {
      if (index >= req->first_frame && index < last && status == HOOK_OK)
        status = frames_record (api, frame, index,
                               (req->flags & HOOK_REQ_LOCALS) != 0,
                               req->value_limit);
      frame = step_back (api, frame);
    }
  if (frame != NULL)
    api->Py_DecRef (frame);
  if (status == HOOK_OK && req->first_frame >= index)
    status = channel_fail (HOOK_ERR_FRAME_RANGE,
                           "there is no Python frame %u: this thread has %u "
                           "(0 to %u); see py-hook-bt",
                           req->first_frame, index, index - 1);
  reply_raw ("E", 1);
  reply_field_num (index);
  reply_end_record ();
  return entry_end (&st, status);
}
