/* errors.c -- Python exceptions around and inside entry points.

   The thread may be stopped with an exception in flight (a breakpoint in
   code that runs while one propagates).  Entry points save it before they
   run any Python code and restore it after: a debug build aborts on
   !PyErr_Occurred() otherwise, and 3.13 would drop it silently.  */

#include <stdio.h>
#include <string.h>

#include "internal.h"

void
error_save (const struct py_api *api, struct saved_error *save)
{
  api->PyErr_Fetch (&save->type, &save->value, &save->tb);
}

void
error_restore (const struct py_api *api, struct saved_error *save)
{
  /* Anything our own work left pending is ours, not the program's.  */
  if (api->PyErr_Occurred ())
    api->PyErr_Clear ();
  api->PyErr_Restore (save->type, save->value, save->tb);
  save->type = save->value = save->tb = NULL;
}

/* Frames of a traceback shown at most, the innermost ones.  */
#define TRACEBACK_SHOWN 8
#define TRACEBACK_WALKED 256

/* "\n  File "F", line N, in QUALNAME" for one traceback entry TB, appended
   to OUT (LEN bytes used of SIZE).  Only attributes of built-in types are
   read: no code of the program runs.  */
static size_t
traceback_entry (const struct py_api *api, py_object *tb, char *out,
                 size_t len, size_t size)
{
  py_object *frame = api->PyObject_GetAttrString (tb, "tb_frame");
  py_object *lineno = api->PyObject_GetAttrString (tb, "tb_lineno");
  py_object *code = frame ? api->PyFrame_GetCode (frame) : NULL;
  py_object *file = code ? api->PyObject_GetAttrString (code, "co_filename") : NULL;
  py_object *qual = code ? api->PyObject_GetAttrString (code, "co_qualname") : NULL;
  py_ssize nf = 0, nq = 0;
  py_object *of, *oq;
  const char *f = obj_utf8 (api, file, &nf, &of);
  const char *q = obj_utf8 (api, qual, &nq, &oq);
  long line = lineno ? api->PyLong_AsLong (lineno) : -1;
  api->PyErr_Clear ();
  int n = snprintf (out + len, size - len, "\n  File \"%.*s\", line %ld, in %.*s",
                    f ? (int) nf : 1, f ? f : "?", line, q ? (int) nq : 1,
                    q ? q : "?");
  py_object *all[] = { frame, lineno, code, file, qual, of, oq };
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (all[i])
      api->Py_DecRef (all[i]);
  return n < 0 ? len : len + (size_t) n >= size ? size - 1 : len + (size_t) n;
}

/* The traceback TB as Python prints it, outermost first, its innermost
   TRACEBACK_SHOWN entries.  */
static void
traceback_text (const struct py_api *api, py_object *tb, char *out,
                size_t size)
{
  py_object *chain[TRACEBACK_WALKED];
  int n = 0;
  out[0] = '\0';
  if (tb == NULL)
    return;
  api->Py_IncRef (tb);
  for (py_object *cur = tb; cur != NULL && n < TRACEBACK_WALKED;)
    {
      chain[n++] = cur;
      py_object *next = api->PyObject_GetAttrString (cur, "tb_next");
      if (next == api->none)
        {
          api->Py_DecRef (next);
          next = NULL;
        }
      cur = next;
    }
  api->PyErr_Clear ();
  size_t len = (size_t) snprintf (out, size, "\nEXPR's traceback (most recent call last):");
  if (n > TRACEBACK_SHOWN)
    len += (size_t) snprintf (out + len, size - len, "\n  ... %d more", n - TRACEBACK_SHOWN);
  for (int i = n > TRACEBACK_SHOWN ? n - TRACEBACK_SHOWN : 0; i < n && len < size - 1; i++)
    len = traceback_entry (api, chain[i], out, len, size);
  for (int i = 0; i < n; i++)
    api->Py_DecRef (chain[i]);
}

/* "WHAT: TypeName: message" for the pending exception, which is cleared,
   followed by its traceback (the frames of EXPR and what it called).  */
int
error_to_message (const struct py_api *api, int status, const char *what)
{
  py_object *type = NULL, *value = NULL, *tb = NULL;
  api->PyErr_Fetch (&type, &value, &tb);
  if (type == NULL)
    return channel_fail (status, "%s", what);
  api->PyErr_NormalizeException (&type, &value, &tb);
  const char *name = api->PyType_Name (type);
  const char *text = NULL;
  py_object *str = value ? api->PyObject_Str (value) : NULL;
  if (str != NULL)
    text = api->PyUnicode_AsUTF8AndSize (str, NULL);
  if (text == NULL)
    {
      /* str() of the exception itself failed; the type name must do.  */
      api->PyErr_Clear ();
      text = "";
    }
  static char traceback[2048];
  traceback_text (api, tb, traceback, sizeof traceback);
  channel_message ("%s: %s%s%s%s", what, name ? name : "exception",
                   *text ? ": " : "", text, traceback);
  if (str)
    api->Py_DecRef (str);
  py_object *all[] = { type, value, tb };
  for (int i = 0; i < 3; i++)
    if (all[i])
      api->Py_DecRef (all[i]);
  return status;
}
