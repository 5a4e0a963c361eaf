/* locals.c -- hook_apply_locals: store a value into a frame's variable.

   How a write reaches the running code differs by version:
   - 3.11 and 3.12: PyFrame_GetLocals copies the fast slots (and the
     contents of cells) into the frame's f_locals dict; after the dict is
     changed, PyFrame_LocalsToFast copies it back.  Both must happen under
     one GIL hold with no other Python code run in between that could
     refresh the dict, which is why the expression is evaluated first.
   - 3.13: PyFrame_GetLocals returns a write-through proxy (PEP 667);
     setting an item updates the slot or cell at once.
   Every write is read back from a fresh view of the frame and compared by
   identity, so a write that did not land (3.12 returns a copy when a
   frame has inlined-comprehension hidden locals) is reported, not lost. */

#include <stdio.h>
#include <string.h>

#include "internal.h"

/* NAME = (EXPR) as source: the request area's size, and a little more.  */
#define HOOK_REQUEST_SOURCE_MAX ((1u << 20) + 16)
#define MAX_LISTED_NAMES 2000 /* bytes of variable names in a message */

/* The frame's variable names, for a "NAME is not a variable" message.  */
static void
list_names (const struct py_api *api, const struct code_vars *cv, char *buf,
            size_t size)
{
  size_t len = 0;
  buf[0] = '\0';
  py_object *groups[] = { cv->varnames, cv->cellvars, cv->freevars };
  for (size_t g = 0; g < 3; g++)
    for (py_ssize i = 0; i < api->PyTuple_Size (groups[g]); i++)
      {
        py_object *item = api->PyTuple_GetItem (groups[g], i);
        const char *name = api->PyUnicode_AsUTF8AndSize (item, NULL);
        if (name == NULL
            || (g == 1 && names_index (api, cv->varnames, item) >= 0))
          continue; /* an argument that is also a cell: list it once */
        int n = snprintf (buf + len, size - len, "%s%s", len ? ", " : "",
                          name);
        if (n < 0 || (size_t) n >= size - len)
          {
            snprintf (buf + len, size - len, ", ...");
            return;
          }
        len += (size_t) n;
      }
}

/* Whether NAME is a global of FRAME's module: the helpful hint when a
   function frame has no variable of that name.  */
static int
is_global (const struct py_api *api, py_object *frame, const char *utf8)
{
  py_object *globals = api->PyFrame_GetGlobals (frame);
  int found = globals != NULL && pyapi_type (globals) == api->dict_type
              && api->PyDict_GetItemString (globals, utf8) != NULL;
  if (globals)
    api->Py_DecRef (globals);
  api->PyErr_Clear ();
  return found;
}

static int
check_name (const struct py_api *api, py_object *frame, py_object *code,
            py_object *name, const char *utf8, const char **kind,
            int *optimized)
{
  if (name == NULL)
    return error_to_message (api, HOOK_ERR_NOT_A_VARIABLE,
                             "NAME is not valid UTF-8");
  if (!api->PyUnicode_IsIdentifier (name))
    return channel_fail (HOOK_ERR_NOT_A_VARIABLE,
                         "'%s' is not a Python identifier; NAME must be a "
                         "variable name such as 'count'",
                         utf8);
  struct code_vars cv;
  int status = code_vars_load (api, code, &cv);
  if (status != HOOK_OK)
    return status;
  *kind = "local";
  *optimized = cv.optimized;
  if (!frames_locals_safe (api, &cv))
    status = HOOK_ERR_WRITE_FAILED;
  else if (cv.optimized && !code_vars_kind (api, &cv, name, kind))
    {
      static char names[MAX_LISTED_NAMES];
      list_names (api, &cv, names, sizeof names);
      if (is_global (api, frame, utf8))
        status = channel_fail (
            HOOK_ERR_NOT_A_VARIABLE,
            "'%s' is not a variable of this frame but a global of its "
            "module: select the module's frame (the <module> line of "
            "py-hook-bt, with py-hook-frame N) and set it there; this "
            "frame's variables are: %s",
            utf8, names[0] ? names : "(none)");
      else
        status = channel_fail (
            HOOK_ERR_NOT_A_VARIABLE,
            "'%s' is not a variable of this frame, so assigning it would "
            "have no effect on the running code; its variables are: %s",
            utf8, names[0] ? names : "(none)");
    }
  code_vars_release (api, &cv);
  return status;
}

/* EXPR's value in FRAME's namespace (scratch.c), or NULL with *STATUS
   set.  */
static py_object *
evaluate (const struct py_api *api, py_object *frame, py_object *code,
          const char *expr, int *status)
{
  struct exec_ns x;
  *status = ns_build (api, frame, code, &x);
  py_object *value = *status == HOOK_OK
                         ? ns_run (api, &x, expr, 0, "EXPR raised", status)
                         : NULL;
  ns_release (api, &x);
  return value;
}

/* The mapping a write of NAME goes to in a frame of non-optimized code
   (new reference in *TARGET), or a refusal.  */
static int
body_target (const struct py_api *api, py_object *frame, py_object *name,
             py_object **target)
{
  py_object *ns, *hidden;
  int status = frames_namespace (api, frame, &ns, &hidden);
  if (status != HOOK_OK)
    return status;
  *target = ns;
  if (hidden != NULL)
    {
      /* A comprehension inlined into this body runs: its variables live
         in fast slots, everything else in the namespace.  */
      py_object *code = api->PyFrame_GetCode (frame);
      py_object *fast = api->PyCode_GetVarnames (code);
      int is_fast = fast != NULL && names_index (api, fast, name) >= 0;
      api->PyErr_Clear ();
      if (fast)
        api->Py_DecRef (fast);
      api->Py_DecRef (code);
      /* 3.12 hands out a copy; 3.13's proxy keeps writes of these names
         to itself in a body frame (observed on 3.13.0), unlike in a
         function frame.  */
      if (is_fast)
        status = channel_fail (
            HOOK_ERR_WRITE_FAILED,
            "this is a variable of a comprehension that runs inlined in "
            "this module or class body (PEP 709), and CPython offers no "
            "way to write it there; stop inside a function, or after the "
            "comprehension; nothing was changed");
    }
  if (status == HOOK_OK && pyapi_type (*target) != api->dict_type)
    /* A class body's namespace from a metaclass __prepare__: storing
       would run the program's own mapping code.  */
    status = channel_fail (
        HOOK_ERR_WRITE_FAILED,
        "this body's namespace is not a plain dict (a metaclass made it), "
        "so storing into it would run the program's own code; select "
        "another frame; nothing was changed");
  if (hidden)
    api->Py_DecRef (hidden);
  if (status != HOOK_OK)
    {
      api->Py_DecRef (*target);
      *target = NULL;
    }
  return status;
}

/* Whether a value stored as NAME would reach the running code, decided
   before EXPR runs.  A body frame: body_target's refusals.  A function
   frame on 3.12 with inlined-comprehension variables hidden: its locals
   view is a copy, which the read-back would only catch after EXPR ran.  */
static int
check_target (const struct py_api *api, py_object *frame, int optimized,
              py_object *name)
{
  if (!optimized)
    {
      py_object *target = NULL;
      int status = body_target (api, frame, name, &target);
      if (target)
        api->Py_DecRef (target);
      return status;
    }
  py_object **slot = frames_locals_slot (api, frame);
  if (slot == NULL)
    return HOOK_OK;
  py_object *view = api->PyFrame_GetLocals (frame);
  if (view == NULL)
    return error_to_message (api, HOOK_ERR_WRITE_FAILED,
                             "reading the frame's locals failed");
  int copy = view != *slot;
  api->Py_DecRef (view);
  if (copy)
    return channel_fail (
        HOOK_ERR_WRITE_FAILED,
        "this frame runs an inlined comprehension (PEP 709), and CPython 3.12 "
        "hands out a copy of its locals meanwhile, so a value could not "
        "reach the frame; stop after the comprehension; EXPR was not run and "
        "nothing was changed");
  return HOOK_OK;
}

/* Stores VALUE as NAME into FRAME and reads it back.  *SEEN_IN gets the
   mapping to read NAME from for the reply (new reference).  */
static int
store (const struct py_api *api, py_object *frame, int optimized,
       py_object *name, py_object *value, py_object **seen_in)
{
  py_object *target;
  *seen_in = NULL;
  if (optimized)
    {
      target = api->PyFrame_GetLocals (frame);
      if (target == NULL)
        return error_to_message (api, HOOK_ERR_WRITE_FAILED,
                                 "reading the frame's locals failed");
    }
  else
    {
      int status = body_target (api, frame, name, &target);
      if (status != HOOK_OK)
        return status;
    }
  int rc = api->PyObject_SetItem (target, name, value);
  if (rc == 0 && optimized && api->version < PY_3_13
      && api->PyFrame_LocalsToFast)
    api->PyFrame_LocalsToFast (frame, 0);
  if (rc != 0)
    {
      api->Py_DecRef (target);
      return error_to_message (api, HOOK_ERR_WRITE_FAILED,
                               "storing the value failed");
    }
  if (api->PyErr_Occurred ())
    {
      api->Py_DecRef (target);
      return error_to_message (api, HOOK_ERR_WRITE_FAILED,
                               "copying the value into the frame failed");
    }
  /* Read back through a fresh view: the running code sees the same.  */
  py_object *fresh = target;
  if (optimized)
    {
      api->Py_DecRef (target);
      fresh = api->PyFrame_GetLocals (frame);
    }
  py_object *seen = fresh ? api->PyObject_GetItem (fresh, name) : NULL;
  if (seen)
    api->Py_DecRef (seen);
  if (seen != value)
    {
      api->PyErr_Clear ();
      if (fresh)
        api->Py_DecRef (fresh);
      return channel_fail (
          HOOK_ERR_WRITE_FAILED,
          "the value did not reach the frame (on 3.12 a frame with inlined "
          "comprehension variables hands out a copy of its locals); "
          "nothing was changed");
    }
  *seen_in = fresh;
  return HOOK_OK;
}

/* For HOOK_REQ_EVAL and HOOK_REQ_EXEC: whether CODE is optimized (a
   function's), and if so KEPT records its frame's f_locals dict, which
   evaluating fills on 3.11 and 3.12, to be put back as it was.  */
static int
keep_locals (const struct py_api *api, py_object *frame, py_object *code,
             struct locals_kept *kept, int *optimized)
{
  struct code_vars cv;
  int status = code_vars_load (api, code, &cv);
  if (status != HOOK_OK)
    return status;
  *optimized = cv.optimized;
  code_vars_release (api, &cv);
  if (*optimized)
    locals_keep (api, frame, kept);
  return HOOK_OK;
}

/* The whole reply of HOOK_REQ_EVAL and HOOK_REQ_EXEC: one S record with
   NAME (N bytes), the kind "value" and VALUE's repr().  */
static void
reply_value (const struct py_api *api, const char *name, size_t n,
             py_object *value, size_t limit)
{
  reply_prologue (api);
  reply_raw ("S", 1);
  reply_field (name, n);
  reply_field_str ("value");
  render_repr_fields (api, value, limit);
  reply_end_record ();
  reply_raw ("E", 1);
  reply_field_num (-1);
  reply_end_record ();
}

/* HOOK_REQ_EVAL: EXPR evaluated in FRAME, its repr() in an S record.  */
static int
eval_only (const struct py_api *api, py_object *frame, py_object *code,
           const char *expr, size_t limit)
{
  struct locals_kept kept = { 0 };
  int optimized = 0;
  int status = keep_locals (api, frame, code, &kept, &optimized);
  if (status != HOOK_OK)
    return status;
  py_object *value = evaluate (api, frame, code, expr, &status);
  if (status == HOOK_OK)
    reply_value (api, "", 0, value, limit);
  if (value)
    api->Py_DecRef (value);
  if (optimized)
    locals_put_back (api, &kept);
  return status;
}

/* HOOK_REQ_EXEC: NAME = (EXPR) executed in FRAME, then NAME's repr() in
   an S record.  NAME binds no variable (gdb checked), so nothing needs
   writing back into the frame.  */
static int
exec_target (const struct py_api *api, py_object *frame, py_object *code,
             const char *target, size_t target_len, const char *expr,
             size_t limit)
{
  static char source[HOOK_REQUEST_SOURCE_MAX];
  int n = snprintf (source, sizeof source, "%s = (\n%s\n)\n", target, expr);
  if (n < 0 || (size_t) n >= sizeof source)
    return channel_fail (HOOK_ERR_BAD_REQUEST,
                         "NAME and EXPR are too long together; shorten EXPR");
  struct locals_kept kept = { 0 };
  int optimized = 0;
  int status = keep_locals (api, frame, code, &kept, &optimized);
  if (status != HOOK_OK)
    return status;
  struct exec_ns x;
  status = ns_build (api, frame, code, &x);
  py_object *done = status == HOOK_OK
                        ? ns_run (api, &x, source, 1,
                                  "storing EXPR into NAME raised", &status)
                        : NULL;
  if (done)
    api->Py_DecRef (done);
  py_object *value = status == HOOK_OK
                         ? ns_run (api, &x, target, 0, "reading NAME back raised",
                                   &status)
                         : NULL;
  ns_release (api, &x);
  if (status == HOOK_OK)
    reply_value (api, target, target_len, value, limit);
  if (value)
    api->Py_DecRef (value);
  if (optimized)
    locals_put_back (api, &kept);
  return status;
}

int
impl_apply_locals (const struct hook_request *req)
{
  struct entry_state st;
  int status = entry_begin (req, &st);
  if (status != HOOK_OK)
    return status;
  const struct py_api *api = st.api;
  py_object *frame = NULL;
  const char *name_utf8 = (const char *) (req + 1);
  const char *expr = name_utf8 + req->name_len + 1;
  uint32_t name_len = req->name_len;
  if (req->flags & HOOK_REQ_OF)
    {
      /* NAME is VAR, a newline, then the variable: act on VAR's frame.  */
      const char *cut = memchr (name_utf8, '\n', req->name_len);
      if (cut == NULL)
        return entry_end (&st, channel_fail (HOOK_ERR_BAD_REQUEST,
                                             "HOOK_REQ_OF needs VAR and NAME"));
      status = frames_of (&st, req->first_frame, name_utf8,
                          (size_t) (cut - name_utf8),
                          (req->flags & HOOK_REQ_OBJECT) != 0, &frame);
      name_len -= (uint32_t) (cut + 1 - name_utf8);
      name_utf8 = cut + 1;
    }
  else
    status = frames_nth (&st, req->first_frame, &frame);
  if (status != HOOK_OK)
    return entry_end (&st, status);

  const char *kind = "local";
  int optimized = 1;
  py_object *code = api->PyFrame_GetCode (frame);
  py_object *name = NULL, *value = NULL;
  if (name_utf8[name_len] != '\0' || strlen (name_utf8) != name_len
      || expr[req->expr_len] != '\0' || strlen (expr) != req->expr_len)
    status = channel_fail (HOOK_ERR_BAD_REQUEST,
                           "NAME or EXPR contains a NUL byte; remove it");
  else if ((req->flags & HOOK_REQ_EVAL) && name_len != 0)
    status = channel_fail (HOOK_ERR_BAD_REQUEST,
                           "HOOK_REQ_EVAL takes no NAME; the extension and "
                           "libhookhelper.so are from different builds");
  if (status == HOOK_OK && (req->flags & HOOK_REQ_EXEC))
    {
      status = exec_target (api, frame, code, name_utf8, name_len, expr,
                            req->value_limit);
      api->Py_DecRef (code);
      api->Py_DecRef (frame);
      return entry_end (&st, status);
    }
  if (status == HOOK_OK && (req->flags & HOOK_REQ_END_SESSION))
    {
      ns_end_session (api, frame);
      reply_prologue (api);
      reply_raw ("E", 1);
      reply_field_num (-1);
      reply_end_record ();
      api->Py_DecRef (code);
      api->Py_DecRef (frame);
      return entry_end (&st, status);
    }
  ns_session ((req->flags & HOOK_REQ_SESSION) != 0);
  if (status == HOOK_OK && (req->flags & HOOK_REQ_STMT))
    {
      struct locals_kept kept = { 0 };
      int optimized = 0;
      status = keep_locals (api, frame, code, &kept, &optimized);
      if (status == HOOK_OK)
        status = ns_statements (api, frame, code, name_utf8, expr,
                                req->value_limit);
      if (optimized)
        locals_put_back (api, &kept);
      api->Py_DecRef (code);
      api->Py_DecRef (frame);
      return entry_end (&st, status);
    }
  if (status == HOOK_OK && (req->flags & HOOK_REQ_EVAL))
    {
      status = eval_only (api, frame, code, expr, req->value_limit);
      api->Py_DecRef (code);
      api->Py_DecRef (frame);
      return entry_end (&st, status);
    }
  if (status == HOOK_OK)
    {
      name = api->PyUnicode_FromStringAndSize (name_utf8, name_len);
      status
          = check_name (api, frame, code, name, name_utf8, &kind, &optimized);
    }
  struct locals_kept kept = { 0 };
  if (status == HOOK_OK && optimized)
    locals_keep (api, frame, &kept);
  /* Everything that can refuse NAME is checked before EXPR runs: EXPR is
     the program's code, and its effects would stand.  */
  if (status == HOOK_OK)
    status = check_target (api, frame, optimized, name);
  if (status == HOOK_OK)
    value = evaluate (api, frame, code, expr, &status);
  py_object *seen_in = NULL;
  if (status == HOOK_OK)
    status = store (api, frame, optimized, name, value, &seen_in);
  if (status == HOOK_OK)
    {
      reply_prologue (api);
      frames_variable_record (api, 'S', seen_in, name, kind,
                              req->value_limit);
      api->Py_DecRef (seen_in);
      reply_raw ("E", 1);
      reply_field_num (-1);
      reply_end_record ();
    }
  if (optimized)
    locals_put_back (api, &kept);
  py_object *all[] = { value, name, code, frame };
  for (int i = 0; i < 4; i++)
    if (all[i])
      api->Py_DecRef (all[i]);
  return entry_end (&st, status);
}
