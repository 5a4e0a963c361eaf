/* pyapi.c -- finds the CPython C API in the process the helper runs in.

   The helper is never linked against libpython: Debian's /usr/bin/python3.11
   exports the API from the executable, pyenv's builds from libpython3.x.so,
   and a process that is not Python has neither.  dlsym(RTLD_DEFAULT) finds
   the symbols in whichever of those the process has.  Lookup happens once
   in a constructor, when the library is loaded (see pyapi_preload for
   why), and again on an entry-point call if it failed then.  A process
   that is not Python and inherits LD_PRELOAD pays a few failed lookups and
   sees nothing else: no output, no file opened, and no dlerror() left
   pending by them.  */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>

#include "internal.h"

/* Supported range of PY_VERSION_HEX: 3.11.0 up to, not including, 3.16,
   the versions gdb/pyhook/facts.py has facts for (GDB gives the helper
   those it reads objects with).  On 3.14 and later a frame's fast locals
   may be borrowed by the value stack (LOAD_FAST_BORROW); the helper writes
   a local only through PyFrame_GetLocals' write-through proxy, which keeps
   the value it replaces alive until the frame ends
   (f_overwritten_fast_locals), so a borrowed reference stays valid.  */
#define PY_MIN_VERSION PY_3_11
#define PY_END_VERSION PY_3_16
#define SUPPORTED "CPython 3.11 to 3.15"

static struct py_api api;
static int load_status = -1; /* -1: not tried yet */

/* Every symbol the helper needs, with where to store it.  OPTIONAL ones
   may be missing on some supported versions.  */
struct symbol {
  const char *name;
  void **slot;
  int optional;
};

#define FN(field, sym) { sym, (void **) &api.field, 0 }
#define OPT(field, sym) { sym, (void **) &api.field, 1 }

static const struct symbol symbols[] = {
  FN (Py_IsInitialized, "Py_IsInitialized"),
  FN (PyGC_Disable, "PyGC_Disable"),
  FN (PyGC_Enable, "PyGC_Enable"),
  FN (PyGC_IsEnabled, "PyGC_IsEnabled"),
  FN (PyThreadState_EnterTracing, "PyThreadState_EnterTracing"),
  FN (PyThreadState_LeaveTracing, "PyThreadState_LeaveTracing"),
  FN (PyGILState_GetThisThreadState, "PyGILState_GetThisThreadState"),
  FN (PyThreadState_GetFrame, "PyThreadState_GetFrame"),
  FN (PyFrame_GetBack, "PyFrame_GetBack"),
  FN (PyFrame_GetCode, "PyFrame_GetCode"),
  FN (PyFrame_GetLineNumber, "PyFrame_GetLineNumber"),
  FN (PyFrame_GetLocals, "PyFrame_GetLocals"),
  FN (PyFrame_GetGlobals, "PyFrame_GetGlobals"),
  FN (PyFrame_GetBuiltins, "PyFrame_GetBuiltins"),
  OPT (PyFrame_LocalsToFast, "PyFrame_LocalsToFast"),
  FN (PyCode_GetVarnames, "PyCode_GetVarnames"),
  FN (PyCode_GetCellvars, "PyCode_GetCellvars"),
  FN (PyCode_GetFreevars, "PyCode_GetFreevars"),
  FN (Py_IncRef, "Py_IncRef"),
  FN (Py_DecRef, "Py_DecRef"),
  FN (PyObject_GetAttrString, "PyObject_GetAttrString"),
  FN (PyObject_Repr, "PyObject_Repr"),
  FN (PyObject_Str, "PyObject_Str"),
  FN (PyObject_SetItem, "PyObject_SetItem"),
  FN (PyObject_GetItem, "PyObject_GetItem"),
  FN (PyObject_GetIter, "PyObject_GetIter"),
  FN (PyIter_Next, "PyIter_Next"),
  FN (PyType_IsSubtype, "PyType_IsSubtype"),
  FN (PyType_Name, "_PyType_Name"),
  FN (PyLong_AsLong, "PyLong_AsLong"),
  FN (PyLong_NumBits, "_PyLong_NumBits"),
  FN (PyNumber_ToBase, "PyNumber_ToBase"),
  FN (PyUnicode_AsUTF8AndSize, "PyUnicode_AsUTF8AndSize"),
  FN (PyUnicode_FromStringAndSize, "PyUnicode_FromStringAndSize"),
  FN (PyUnicode_Substring, "PyUnicode_Substring"),
  FN (PyUnicode_GetLength, "PyUnicode_GetLength"),
  FN (PyUnicode_IsIdentifier, "PyUnicode_IsIdentifier"),
  FN (PyUnicode_AsUTF8String, "PyUnicode_AsUTF8String"),
  FN (PyUnicode_Compare, "PyUnicode_Compare"),
  FN (PyUnicode_CompareWithASCIIString, "PyUnicode_CompareWithASCIIString"),
  FN (PyBytes_FromStringAndSize, "PyBytes_FromStringAndSize"),
  FN (PyBytes_AsString, "PyBytes_AsString"),
  FN (PyBytes_Size, "PyBytes_Size"),
  FN (PyList_Size, "PyList_Size"),
  FN (PyList_GetItem, "PyList_GetItem"),
  FN (PyTuple_Size, "PyTuple_Size"),
  FN (PyTuple_GetItem, "PyTuple_GetItem"),
  FN (PyDict_Size, "PyDict_Size"),
  FN (PyDict_Copy, "PyDict_Copy"),
  FN (PyDict_Clear, "PyDict_Clear"),
  FN (PyDict_Update, "PyDict_Update"),
  FN (PyDict_Next, "PyDict_Next"),
  FN (PyDict_GetItemString, "PyDict_GetItemString"),
  FN (PyDict_SetItemString, "PyDict_SetItemString"),
  FN (PyDict_DelItemString, "PyDict_DelItemString"),
  FN (PyInterpreterState_Get, "PyInterpreterState_Get"),
  FN (PyInterpreterState_GetDict, "PyInterpreterState_GetDict"),
  FN (PyDict_New, "PyDict_New"),
  FN (PyImport_ImportModule, "PyImport_ImportModule"),
  FN (PyList_Append, "PyList_Append"),
  FN (PySequence_DelItem, "PySequence_DelItem"),
  FN (PyCFunction_NewEx, "PyCFunction_NewEx"),
  FN (PyObject_CallMethod, "PyObject_CallMethod"),
  FN (PyDict_SetItem, "PyDict_SetItem"),
  FN (PyDict_DelItem, "PyDict_DelItem"),
  FN (PyDict_GetItemWithError, "PyDict_GetItemWithError"),
  FN (PySet_Size, "PySet_Size"),
  FN (PySequence_Contains, "PySequence_Contains"),
  FN (PyErr_Fetch, "PyErr_Fetch"),
  FN (PyErr_Restore, "PyErr_Restore"),
  FN (PyErr_NormalizeException, "PyErr_NormalizeException"),
  FN (PyErr_GivenExceptionMatches, "PyErr_GivenExceptionMatches"),
  FN (PyErr_Occurred, "PyErr_Occurred"),
  FN (PyErr_Clear, "PyErr_Clear"),
  FN (Py_CompileStringExFlags, "Py_CompileStringExFlags"),
  FN (PyEval_EvalCode, "PyEval_EvalCode"),
  FN (PyEval_RestoreThread, "PyEval_RestoreThread"),
  FN (PyEval_SaveThread, "PyEval_SaveThread"),
  FN (type_type, "PyType_Type"),
  FN (long_type, "PyLong_Type"),
  FN (float_type, "PyFloat_Type"),
  FN (complex_type, "PyComplex_Type"),
  FN (bool_type, "PyBool_Type"),
  FN (unicode_type, "PyUnicode_Type"),
  FN (bytes_type, "PyBytes_Type"),
  FN (list_type, "PyList_Type"),
  FN (tuple_type, "PyTuple_Type"),
  FN (dict_type, "PyDict_Type"),
  FN (set_type, "PySet_Type"),
  FN (frozenset_type, "PyFrozenSet_Type"),
  FN (none, "_Py_NoneStruct"),
  FN (bytearray_type, "PyByteArray_Type"),
  FN (range_type, "PyRange_Type"),
  FN (module_type, "PyModule_Type"),
  FN (function_type, "PyFunction_Type"),
  FN (method_type, "PyMethod_Type"),
  FN (cfunction_type, "PyCFunction_Type"),
  FN (object_type, "PyBaseObject_Type"),
  FN (exc_syntax_error, "PyExc_SyntaxError"),
};

/* Object header of every supported build: a reference count, then the type.
   A Py_TRACE_REFS build puts two list pointers first; pyapi_load detects
   that by checking the type of PyLong_Type and refuses such a build.  */
struct py_object {
  intptr_t refcnt;
  py_object *type;
};

py_object *
pyapi_type (const py_object *o)
{
  return o->type;
}

static int
resolve_all (void)
{
  for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++)
    {
      *symbols[i].slot = dlsym (RTLD_DEFAULT, symbols[i].name);
      if (*symbols[i].slot == NULL && !symbols[i].optional)
        return channel_fail (
            HOOK_ERR_UNSUPPORTED_PYTHON,
            "this CPython lacks %s, which py-hook needs; py-hook supports "
            SUPPORTED " (run the program with one of those)",
            symbols[i].name);
    }
  return HOOK_OK;
}

/* The symbol under its newer NAME or its OLDER one.  */
static int
resolve_either (void **slot, const char *name, const char *older)
{
  *slot = dlsym (RTLD_DEFAULT, name);
  if (*slot == NULL)
    *slot = dlsym (RTLD_DEFAULT, older);
  if (*slot != NULL)
    return HOOK_OK;
  return channel_fail (HOOK_ERR_UNSUPPORTED_PYTHON,
                       "this CPython has neither %s nor %s; py-hook "
                       "supports " SUPPORTED,
                       name, older);
}

static int
load (void)
{
  const unsigned long *version = dlsym (RTLD_DEFAULT, "Py_Version");
  if (version == NULL)
    {
      if (dlsym (RTLD_DEFAULT, "Py_IsInitialized") == NULL)
        return channel_fail (
            HOOK_ERR_NOT_PYTHON,
            "this process has no CPython interpreter (no Py_IsInitialized "
            "symbol); py-hook works on python processes only");
      /* Py_GetVersion formats into a static buffer: no allocation.  */
      const char *(*get_version) (void)
          = (const char *(*) (void)) dlsym (RTLD_DEFAULT, "Py_GetVersion");
      const char *text = get_version ? get_version () : NULL;
      int len = 0;
      while (text && text[len] && text[len] != ' ' && len < 32)
        len++;
      return channel_fail (HOOK_ERR_UNSUPPORTED_PYTHON,
                           "CPython %.*s is not supported (older than 3.11: "
                           "it has no Py_Version); py-hook supports " SUPPORTED,
                           text ? len : 1, text ? text : "?");
    }
  api.version = *version;
  if (api.version < PY_MIN_VERSION || api.version >= PY_END_VERSION)
    return channel_fail (
        HOOK_ERR_UNSUPPORTED_PYTHON,
        "CPython %lu.%lu is not supported; py-hook supports " SUPPORTED
        " (run the program with one of those)",
        api.version >> 24, (api.version >> 16) & 0xff);
  int status = resolve_all ();
  if (status != HOOK_OK)
    return status;
  /* 3.13 made the finalization check public; earlier versions only have
     the underscored name.  PyGILState_Check cannot tell who holds the GIL
     once a subinterpreter exists (it then always says yes); the current
     thread state can, under its 3.13 name or its older one.  */
  status = resolve_either ((void **) &api.Py_IsFinalizing, "Py_IsFinalizing",
                           "_Py_IsFinalizing");
  if (status == HOOK_OK)
    status = resolve_either ((void **) &api.current_tstate,
                             "PyThreadState_GetUnchecked",
                             "_PyThreadState_UncheckedGet");
  if (status != HOOK_OK)
    return status;
  if (pyapi_type (api.long_type) != api.type_type)
    return channel_fail (
        HOOK_ERR_UNSUPPORTED_PYTHON,
        "this CPython's object header is not the standard one (a "
        "free-threaded build, or one with Py_TRACE_REFS); run the program "
        "with a regular or --with-pydebug build");
  return HOOK_OK;
}

/* Resolve once when the library is loaded, where calling malloc is safe:
   dlsym may allocate (its error strings do), and a debugger's first call
   may come while the thread is stopped inside malloc, where that would
   deadlock.  A process that is not Python pays a few failed lookups.  */
__attribute__ ((constructor)) static void
pyapi_preload (void)
{
  int saved_errno = errno;
  load_status = load ();
  /* A failed dlsym leaves its message for the program's next dlerror():
     a C program that checks dlerror() after its own dlsym would read ours
     ("undefined symbol: Py_IsInitialized").  Reading it clears it.  */
  dlerror ();
  errno = saved_errno;
}

int
pyapi_load (const struct py_api **out)
{
  /* A failed lookup is tried again: the interpreter may appear later (a
     helper injected before Python's own library was loaded).  */
  if (load_status != HOOK_OK)
    {
      load_status = load ();
      dlerror (); /* as in pyapi_preload */
    }
  *out = &api;
  if (load_status == HOOK_OK)
    channel_get ()->python_version = (uint32_t) api.version;
  return load_status;
}
