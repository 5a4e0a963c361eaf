/* errors.c -- Python exceptions around and inside entry points.

   The thread may be stopped with an exception in flight (a breakpoint in
   code that runs while one propagates).  Entry points save it before they
   run any Python code and restore it after: a debug build aborts on
   !PyErr_Occurred() otherwise, and 3.13 would drop it silently.  */

#include <stdio.h>

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

/* "WHAT: TypeName: message" for the pending exception, which is cleared. */
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
  channel_message ("%s: %s%s%s", what, name ? name : "exception",
                   *text ? ": " : "", text);
  if (str)
    api->Py_DecRef (str);
  py_object *all[] = { type, value, tb };
  for (int i = 0; i < 3; i++)
    if (all[i])
      api->Py_DecRef (all[i]);
  return status;
}
