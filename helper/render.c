/* render.c -- a value as bounded text, without running user code.

   The rendering spec is gdb/pyhook/render.py's docstring: py-hook reads
   values from memory the same way, and tests/paths.bats proves the two
   give the same text.  No repr of the program's runs: built-in scalars
   are shown with the built-in type's own repr, containers are walked with
   PyDict_Next and the built-in iterators (which call no __hash__ or
   __eq__), and everything else -- classes, functions, modules, enum
   members, subclasses of built-ins, instances of Python classes, numpy
   arrays -- is shown from fields read where they are (objects.c).  */

#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Values are built here before they are escaped into the reply: the
   limit counts characters, each at most 4 bytes of UTF-8.  */
#define SCRATCH_CAPACITY (4 * HOOK_VALUE_LIMIT_MAX + 64)
/* Containers nested deeper than this are shown by type and length.  */
#define MAX_DEPTH 3
/* Ints of more than 4300 digits (CPython's default int_max_str_digits) are
   shown in hex: decimal conversion is quadratic.  2**14287 > 10**4300, so
   a longer int always has more digits.  */
#define DECIMAL_DIGITS_MAX 4300
#define DECIMAL_BITS_MAX 14287

struct text {
  char *buf;
  size_t len;   /* bytes in buf */
  size_t chars; /* characters in buf */
  size_t limit; /* characters allowed */
  int full;
};

static char scratch[SCRATCH_CAPACITY];

/* Appends S (N bytes of UTF-8) up to the limit in characters, cutting
   between two characters, and remembers that something was left out.  */
static void
put (struct text *t, const char *s, size_t n)
{
  if (t->full)
    return;
  size_t i = 0;
  while (i < n)
    {
      if (((unsigned char) s[i] & 0xc0) != 0x80)
        {
          if (t->chars == t->limit)
            {
              t->full = 1;
              break;
            }
          t->chars++;
        }
      i++;
    }
  memcpy (t->buf + t->len, s, i);
  t->len += i;
}

static void
puts_ (struct text *t, const char *s)
{
  put (t, s, strlen (s));
}

static const char *
type_name (const struct py_api *api, py_object *o)
{
  const char *name = api->PyType_Name (pyapi_type (o));
  return name ? name : "object";
}

static void
put_opaque (const struct py_api *api, struct text *t, py_object *o)
{
  char buf[64];
  puts_ (t, "<");
  puts_ (t, type_name (api, o));
  snprintf (buf, sizeof buf, " at %p>", (void *) o);
  puts_ (t, buf);
}

/* Appends the UTF-8 of str S and drops the reference.  */
static int
put_owned_str (const struct py_api *api, struct text *t, py_object *s)
{
  if (s == NULL)
    return -1;
  py_ssize n = 0;
  const char *utf8 = api->PyUnicode_AsUTF8AndSize (s, &n);
  if (utf8 != NULL)
    put (t, utf8, (size_t) n);
  api->Py_DecRef (s);
  return utf8 ? 0 : -1;
}

/* The built-in repr of O as an instance of built-in BASE (its tp_repr,
   the fourth slot after the type's header, name and sizes): a subclass's
   own __repr__ never runs.  */
typedef py_object *(*reprfunc) (py_object *);

static py_object *
base_repr (py_object *base, py_object *o)
{
  reprfunc f = (reprfunc) obj_ptr (base, FACT (TYPE_REPR));
  return f (o);
}

static int
put_int (const struct py_api *api, struct text *t, py_object *o)
{
  size_t bits = api->PyLong_NumBits (o);
  if (bits == (size_t) -1)
    return -1;
  /* A program may lower the int-to-str digit limit below 4300 digits;
     then the hex form below serves.  */
  if (bits <= DECIMAL_BITS_MAX)
    {
      py_object *r = base_repr (api->long_type, o);
      py_ssize n = 0;
      const char *text = r ? api->PyUnicode_AsUTF8AndSize (r, &n) : NULL;
      if (text && n - (text[0] == '-') <= DECIMAL_DIGITS_MAX)
        {
          put (t, text, (size_t) n);
          api->Py_DecRef (r);
          return 0;
        }
      if (r)
        api->Py_DecRef (r);
    }
  api->PyErr_Clear ();
  /* Hex is linear in the size; the leading digits and the bit count are
     what a person can use.  */
  py_object *hex = api->PyNumber_ToBase (o, 16);
  if (hex == NULL)
    return -1;
  py_ssize n = 0;
  const char *digits = api->PyUnicode_AsUTF8AndSize (hex, &n);
  /* Leading digits, then the size: the tail says what was left out, so
     the value does not count as cut.  */
  char tail[48];
  int tail_len = snprintf (tail, sizeof tail, "... (%zu bits)", bits);
  size_t avail = t->limit - t->chars;
  size_t room = avail > (size_t) tail_len ? avail - tail_len : 0;
  if (digits != NULL)
    {
      int was_full = t->full;
      put (t, digits, (size_t) n < room ? (size_t) n : room);
      t->full = was_full;
      put (t, tail, (size_t) tail_len);
    }
  api->Py_DecRef (hex);
  return digits ? 0 : -1;
}

/* str and bytes: the built-in repr of a prefix of at most LIMIT
   characters, so a 100 MB string costs no more than a short one.  */
static int
put_text (const struct py_api *api, struct text *t, py_object *o, int is_str)
{
  py_ssize len = is_str ? api->PyUnicode_GetLength (o) : api->PyBytes_Size (o);
  if (len < 0)
    return -1;
  py_ssize keep = len < (py_ssize) t->limit ? len : (py_ssize) t->limit;
  py_object *prefix
      = is_str ? api->PyUnicode_Substring (o, 0, keep)
               : api->PyBytes_FromStringAndSize (api->PyBytes_AsString (o),
                                                 keep);
  if (prefix == NULL)
    return -1;
  py_object *r = api->PyObject_Repr (prefix);
  api->Py_DecRef (prefix);
  if (put_owned_str (api, t, r) < 0)
    return -1;
  if (keep < len)
    t->full = 1;
  return 0;
}

/* What kind of value a type holds, and so how it is shown.  */
enum kind {
  K_EXACT, K_BYTEARRAY, K_RANGE, K_MODULE, K_FUNCTION, K_METHOD,
  K_CFUNCTION, K_CLASS, K_ENUM, K_SUB, K_INSTANCE, K_NDARRAY, K_OPAQUE
};
/* The built-in whose storage a K_EXACT or K_SUB value has.  */
enum base {
  B_NONE, B_LIST, B_TUPLE, B_DICT, B_SET, B_FROZENSET, B_ODICT,
  B_DEFAULTDICT, B_INT, B_FLOAT, B_COMPLEX, B_STR, B_BYTES
};

struct kind_of {
  enum kind kind;
  enum base base;
  py_object *fields; /* a namedtuple's _fields (borrowed), or NULL */
};

/* The containers being shown, outermost first: one met again inside
   itself is shown as [...], {...} or (...), as repr does.  */
struct nest {
  py_object *seen[MAX_DEPTH + 1];
  int n;
};

static void put_value (const struct py_api *, struct text *, py_object *,
                       int depth, const struct nest *);

/* The characters of S, an exact str (a name), or OTHERWISE.  */
static void
put_utf8 (const struct py_api *api, struct text *t, py_object *s,
          const char *otherwise)
{
  py_ssize n = 0;
  py_object *owned;
  const char *utf8 = obj_utf8 (api, s, &n, &owned);
  if (utf8 == NULL)
    {
      puts_ (t, otherwise);
      return;
    }
  put (t, utf8, (size_t) n);
  if (owned)
    api->Py_DecRef (owned);
}

static enum base
exact_base (const struct py_api *api, py_object *type)
{
  py_object *types[] = { api->list_type, api->tuple_type, api->dict_type,
                         api->set_type, api->frozenset_type };
  enum base bases[] = { B_LIST, B_TUPLE, B_DICT, B_SET, B_FROZENSET };
  for (size_t i = 0; i < 5; i++)
    if (type == types[i])
      return bases[i];
  return B_NONE;
}

static enum base
builtin_base (const struct py_api *api, py_object *type)
{
  enum base b = exact_base (api, type);
  if (b != B_NONE)
    return b;
  py_object *types[] = { api->long_type, api->float_type, api->complex_type,
                         api->unicode_type, api->bytes_type };
  enum base bases[] = { B_INT, B_FLOAT, B_COMPLEX, B_STR, B_BYTES };
  for (size_t i = 0; i < 5; i++)
    if (type == types[i])
      return bases[i];
  return B_NONE;
}

/* The _fields tuple of str that collections.namedtuple put in the dict of
   the first class of CHAIN that has one, or NULL.  */
static py_object *
namedtuple_fields (const struct py_api *api, py_object **chain, int n)
{
  for (int i = 0; i < n; i++)
    {
      py_object *dict = obj_ptr (chain[i], FACT (TYPE_DICT));
      py_object *fields = dict ? obj_dict_find (api, dict, "_fields") : NULL;
      if (fields == NULL || pyapi_type (fields) != api->tuple_type)
        continue;
      py_ssize size = api->PyTuple_Size (fields);
      if (size < 0 || size > 4096)
        return NULL;
      for (py_ssize j = 0; j < size; j++)
        if (pyapi_type (api->PyTuple_GetItem (fields, j)) != api->unicode_type)
          return NULL;
      return fields;
    }
  return NULL;
}

/* Whether TYPE is the extension type NAME, at least BASICSIZE bytes an
   instance: a class of Python code may be given any name, but it is a
   mutable heap type, which types of C code are not (static, or immutable
   heap types from PyType_FromSpec).  */
static int
named (py_object *type, const char *name, long basicsize)
{
  unsigned long flags = type_flags (type);
  return strcmp (type_tp_name (type), name) == 0
         && (!(flags & FACT (TPFLAGS_HEAPTYPE))
             || (flags & FACT (TPFLAGS_IMMUTABLETYPE)))
         && obj_ssize (type, FACT (TYPE_BASICSIZE)) >= basicsize;
}

/* Whether heap type CLS, whose base is BASE, has the shape of a class of
   Python code: what it adds to its base's instances is at most its
   __slots__ (its members) and a __dict__ and a __weakref__ slot, all
   object pointers.  A class of C code adds fields of its own.  */
static int
python_shaped (py_object *cls, py_object *base)
{
  long extra = obj_ssize (cls, FACT (TYPE_BASICSIZE))
               - obj_ssize (base, FACT (TYPE_BASICSIZE));
  long members = 0;
  const char *defs = (const char *) obj_ptr (cls, FACT (TYPE_MEMBERS));
  while (defs && members < 1024
         && obj_ptr (defs, FACT (MEMBERDEF_SIZE) * members + FACT (MEMBERDEF_NAME))
                != NULL)
    members++;
  return extra >= 0 && extra % 8 == 0 && extra <= 8 * (members + 2);
}

static struct kind_of
classify (const struct py_api *api, py_object *tp)
{
  struct kind_of k = { K_OPAQUE, exact_base (api, tp), NULL };
  if (k.base != B_NONE)
    {
      k.kind = K_EXACT;
      return k;
    }
  py_object *simple[] = { api->bytearray_type, api->range_type,
                          api->module_type, api->function_type,
                          api->method_type, api->cfunction_type };
  enum kind kinds[] = { K_BYTEARRAY, K_RANGE, K_MODULE, K_FUNCTION,
                        K_METHOD, K_CFUNCTION };
  for (size_t i = 0; i < 6; i++)
    if (tp == simple[i])
      {
        k.kind = kinds[i];
        return k;
      }
  unsigned long flags = type_flags (tp);
  if (flags & FACT (TPFLAGS_TYPE_SUBCLASS))
    {
      k.kind = K_CLASS;
      return k;
    }
  const char *meta = api->PyType_Name (pyapi_type (tp));
  if (meta && (strcmp (meta, "EnumType") == 0 || strcmp (meta, "EnumMeta") == 0))
    {
      k.kind = K_ENUM;
      return k;
    }
  /* The first static type of the base chain decides; the standard
     library's types that are heap types in some versions (defaultdict
     from 3.12) are found by name on the way.  */
  py_object *chain[64];
  int n = 0;
  py_object *root = tp;
  while (root && (type_flags (root) & FACT (TPFLAGS_HEAPTYPE)) && n < 64)
    {
      chain[n++] = root;
      root = obj_ptr (root, FACT (TYPE_BASE));
    }
  if (root == NULL)
    return k;
  for (int i = 0; i <= n; i++)
    {
      py_object *c = i < n ? chain[i] : root;
      /* Each with room for the last field read of it.  */
      if (named (c, "numpy.ndarray", FACT (NDARRAY_DESCR) + 8))
        {
          k.kind = K_NDARRAY;
          return k;
        }
      long odict = FACT (ODICT_FIRST) + 8, defdict = FACT (DEFAULTDICT_FACTORY) + 8;
      if ((flags & FACT (TPFLAGS_DICT_SUBCLASS))
          && (named (c, "collections.OrderedDict", odict)
              || named (c, "collections.defaultdict", defdict)))
        {
          k.kind = K_SUB;
          k.base = named (c, "collections.OrderedDict", odict) ? B_ODICT
                                                                : B_DEFAULTDICT;
          return k;
        }
    }
  if (n == 0)
    return k;
  if (root == api->object_type)
    {
      /* Classes of C extensions made with PyType_FromSpec are heap types
         too: immutable ones, or ones whose instances have C fields.  */
      k.kind = K_INSTANCE;
      for (int i = 0; i < n; i++)
        if ((type_flags (chain[i]) & FACT (TPFLAGS_IMMUTABLETYPE))
            || !python_shaped (chain[i], i + 1 < n ? chain[i + 1] : root))
          k.kind = K_OPAQUE;
      return k;
    }
  k.base = builtin_base (api, root);
  if (k.base != B_NONE)
    {
      k.kind = K_SUB;
      if (k.base == B_TUPLE)
        k.fields = namedtuple_fields (api, chain, n);
    }
  return k;
}

/* Items of OBJ with the storage of built-in BASE, in BASE's repr.  */
static void
put_sequence (const struct py_api *api, struct text *t, py_object *o,
              int is_list, int depth, const struct nest *nest)
{
  puts_ (t, is_list ? "[" : "(");
  py_ssize n = is_list ? api->PyList_Size (o) : api->PyTuple_Size (o);
  for (py_ssize i = 0; i < n && !t->full; i++)
    {
      if (i)
        puts_ (t, ", ");
      put_value (api, t,
                 is_list ? api->PyList_GetItem (o, i)
                         : api->PyTuple_GetItem (o, i),
                 depth + 1, nest);
    }
  puts_ (t, !is_list && n == 1 ? ",)" : is_list ? "]" : ")");
}

struct pairs {
  const struct py_api *api;
  struct text *t;
  int depth, first;
  const struct nest *nest;
};

static int
put_pair (py_object *k, py_object *v, void *arg)
{
  struct pairs *p = arg;
  if (p->t->full)
    return 1;
  if (!p->first)
    puts_ (p->t, ", ");
  p->first = 0;
  put_value (p->api, p->t, k, p->depth + 1, p->nest);
  puts_ (p->t, ": ");
  put_value (p->api, p->t, v, p->depth + 1, p->nest);
  return 0;
}

static int
put_dict_pair (const struct py_api *api, struct pairs *p, py_object *dict)
{
  py_ssize pos = 0;
  py_object *k, *v;
  while (api->PyDict_Next (dict, &pos, &k, &v))
    if (put_pair (k, v, p))
      return 1;
  return 0;
}

/* A set's keys in its iterator's order, read from its table (mask at 32,
   table at 40; entries of key and hash, a deleted one has hash -1), so
   that a subclass's __iter__ never runs.  */
static void
put_set (const struct py_api *api, struct text *t, py_object *o, int is_set,
         int depth, const struct nest *nest)
{
  if (obj_ssize (o, FACT (SET_USED)) == 0)
    {
      puts_ (t, is_set ? "set()" : "frozenset()");
      return;
    }
  long mask = obj_ssize (o, FACT (SET_MASK));
  const char *table = (const char *) obj_ptr (o, FACT (SET_TABLE));
  long entry = FACT (SETENTRY_SIZE), hash = FACT (SETENTRY_HASH);
  puts_ (t, is_set ? "{" : "frozenset({");
  int first = 1;
  for (long i = 0; i <= mask && !t->full; i++)
    {
      py_object *key = obj_ptr (table, entry * i);
      if (key == NULL || obj_ssize (table, entry * i + hash) == -1)
        continue;
      if (!first)
        puts_ (t, ", ");
      first = 0;
      put_value (api, t, key, depth + 1, nest);
    }
  puts_ (t, is_set ? "}" : "})");
}

static void
put_items (const struct py_api *api, struct text *t, py_object *o,
           enum base base, int depth, const struct nest *nest)
{
  if (base == B_LIST || base == B_TUPLE)
    put_sequence (api, t, o, base == B_LIST, depth, nest);
  else if (base == B_SET || base == B_FROZENSET)
    put_set (api, t, o, base == B_SET, depth, nest);
  else
    {
      struct pairs p = { api, t, depth, 1, nest };
      puts_ (t, "{");
      if (base == B_ODICT)
        obj_odict_items (api, o, put_pair, &p);
      else
        put_dict_pair (api, &p, o);
      puts_ (t, "}");
    }
}

static int put_scalar (const struct py_api *, struct text *, py_object *,
                       py_object *);

static void
put_sub (const struct py_api *api, struct text *t, py_object *o,
         py_object *type, const struct kind_of *k, int depth,
         const struct nest *nest)
{
  puts_ (t, api->PyType_Name (type));
  puts_ (t, "(");
  py_object *scalar[] = { NULL, api->long_type, api->float_type,
                          api->complex_type, api->unicode_type,
                          api->bytes_type };
  if (k->base >= B_INT)
    put_scalar (api, t, o, scalar[k->base - B_INT + 1]);
  else if (k->fields != NULL)
    {
      py_ssize n = api->PyTuple_Size (o);
      py_ssize names = api->PyTuple_Size (k->fields);
      for (py_ssize i = 0; i < n && !t->full; i++)
        {
          if (i)
            puts_ (t, ", ");
          if (i < names)
            {
              put_utf8 (api, t, api->PyTuple_GetItem (k->fields, i), "?");
              puts_ (t, "=");
            }
          put_value (api, t, api->PyTuple_GetItem (o, i), depth + 1, nest);
        }
    }
  else
    {
      if (k->base == B_DEFAULTDICT)
        {
          put_value (api, t, obj_ptr (o, FACT (DEFAULTDICT_FACTORY)), depth + 1, nest);
          puts_ (t, ", ");
        }
      put_items (api, t, o, k->base, depth, nest);
    }
  puts_ (t, ")");
}

struct attrs {
  const struct py_api *api;
  struct text *t;
  int depth, count;
  const struct nest *nest;
  py_object *name, *value; /* K_ENUM: _name_ and _value_ */
};

static void
put_attr (struct attrs *a, const char *name, size_t len, py_object *value)
{
  puts_ (a->t, a->count++ ? ", " : " ");
  put (a->t, name, len);
  puts_ (a->t, "=");
  put_value (a->api, a->t, value, a->depth + 1, a->nest);
}

static int
put_dict_attr (py_object *key, py_object *value, void *arg)
{
  struct attrs *a = arg;
  if (a->t->full)
    return 1;
  py_ssize n = 0;
  py_object *owned;
  const char *name = obj_utf8 (a->api, key, &n, &owned);
  if (name != NULL)
    put_attr (a, name, (size_t) n, value);
  if (owned)
    a->api->Py_DecRef (owned);
  return 0;
}

/* An instance of a Python class: its __slots__ (base classes first, each
   class's in its tp_members order, which is the order CPython sorted the
   names into), then its __dict__.  */
static void
put_instance (const struct py_api *api, struct text *t, py_object *o,
              py_object *type, int depth, const struct nest *nest)
{
  struct attrs a = { api, t, depth, 0, nest, NULL, NULL };
  py_object *chain[64];
  int n = 0;
  for (py_object *c = type; c && (type_flags (c) & FACT (TPFLAGS_HEAPTYPE)) && n < 64;
       c = obj_ptr (c, FACT (TYPE_BASE)))
    chain[n++] = c;
  puts_ (t, "<");
  puts_ (t, api->PyType_Name (type));
  for (int i = n - 1; i >= 0 && !t->full; i--)
    {
      const char *members = (const char *) obj_ptr (chain[i], FACT (TYPE_MEMBERS));
      for (int m = 0; members && m < 1024 && !t->full; m++)
        {
          const char *def = members + FACT (MEMBERDEF_SIZE) * m;
          const char *name = (const char *) obj_ptr (def, FACT (MEMBERDEF_NAME));
          if (name == NULL)
            break;
          int kind;
          memcpy (&kind, def + FACT (MEMBERDEF_TYPE), sizeof kind);
          py_object *value
              = kind == FACT (MEMBERDEF_OBJECT_EX)
                    ? obj_ptr (o, obj_ssize (def, FACT (MEMBERDEF_OFFSET)))
                    : NULL;
          if (value)
            put_attr (&a, name, strlen (name), value);
        }
    }
  if (!t->full)
    obj_instance_items (api, o, type, put_dict_attr, &a);
  puts_ (t, ">");
}

static int
enum_attr (py_object *key, py_object *value, void *arg)
{
  struct attrs *a = arg;
  if (pyapi_type (key) != a->api->unicode_type)
    return 0;
  if (a->api->PyUnicode_CompareWithASCIIString (key, "_name_") == 0)
    a->name = value;
  else if (a->api->PyUnicode_CompareWithASCIIString (key, "_value_") == 0)
    a->value = value;
  return 0;
}

static void
put_enum (const struct py_api *api, struct text *t, py_object *o,
          py_object *type, int depth, const struct nest *nest)
{
  struct attrs a = { api, t, depth, 0, nest, NULL, NULL };
  obj_instance_items (api, o, type, enum_attr, &a);
  puts_ (t, "<");
  puts_ (t, api->PyType_Name (type));
  if (a.name && pyapi_type (a.name) == api->unicode_type)
    {
      puts_ (t, ".");
      put_utf8 (api, t, a.name, "?");
    }
  if (a.value)
    {
      puts_ (t, ": ");
      put_value (api, t, a.value, depth + 1, nest);
    }
  puts_ (t, ">");
}

/* <class 'module.QualName'>, the module left out for builtins.  */
static void
put_class (const struct py_api *api, struct text *t, py_object *cls)
{
  puts_ (t, "<class '");
  if (type_flags (cls) & FACT (TPFLAGS_HEAPTYPE))
    {
      py_object *dict = obj_ptr (cls, FACT (TYPE_DICT));
      py_object *module = dict ? obj_dict_find (api, dict, "__module__") : NULL;
      py_ssize n = 0;
      py_object *owned;
      const char *mod = obj_utf8 (api, module, &n, &owned);
      if (mod != NULL && !(n == 8 && memcmp (mod, "builtins", 8) == 0))
        {
          put (t, mod, (size_t) n);
          puts_ (t, ".");
        }
      if (owned)
        api->Py_DecRef (owned);
      put_utf8 (api, t, heaptype_qualname (api, cls), "?");
    }
  else
    {
      const char *name = type_tp_name (cls);
      const char *dot = strrchr (name, '.');
      if (dot && !(dot - name == 8 && strncmp (name, "builtins", 8) == 0))
        put (t, name, (size_t) (dot - name + 1));
      puts_ (t, dot ? dot + 1 : name);
    }
  puts_ (t, "'>");
}

/* numpy's PyArrayObject: nd, dimensions and descr; the descr's scalar
   type (facts.NUMPY: the same in numpy 1.x and 2.x).  */
static void
put_ndarray (const struct py_api *api, struct text *t, py_object *o,
             py_object *type)
{
  int nd;
  memcpy (&nd, (const char *) o + FACT (NDARRAY_ND), sizeof nd);
  const long *dims = (const long *) obj_ptr (o, FACT (NDARRAY_DIMENSIONS));
  py_object *descr = obj_ptr (o, FACT (NDARRAY_DESCR));
  py_object *scalar = descr ? obj_ptr (descr, FACT (DESCR_TYPEOBJ)) : NULL;
  char buf[32];
  puts_ (t, "<");
  puts_ (t, api->PyType_Name (type));
  puts_ (t, " shape=(");
  for (int i = 0; i < nd && i <= 64; i++)
    {
      snprintf (buf, sizeof buf, "%s%ld", i ? ", " : "", dims[i]);
      puts_ (t, buf);
    }
  puts_ (t, nd == 1 ? ",) dtype=" : ") dtype=");
  puts_ (t, scalar ? api->PyType_Name (scalar) : "?");
  puts_ (t, ">");
}

static void
put_cfunction (const struct py_api *api, struct text *t, py_object *o)
{
  const char *ml = (const char *) obj_ptr (o, FACT (CFUNCTION_ML));
  py_object *self = obj_ptr (o, FACT (CFUNCTION_SELF));
  const char *mlname = ml ? (const char *) obj_ptr (ml, FACT (METHODDEF_NAME)) : NULL;
  const char *name = mlname ? mlname : "?";
  if (self == NULL || pyapi_type (self) == api->module_type)
    {
      puts_ (t, "<built-in function ");
      puts_ (t, name);
    }
  else
    {
      puts_ (t, "<built-in method ");
      puts_ (t, name);
      puts_ (t, " of ");
      puts_ (t, type_name (api, self));
      puts_ (t, " object");
    }
  puts_ (t, ">");
}

static void
put_bytearray (const struct py_api *api, struct text *t, py_object *o)
{
  py_ssize len = obj_ssize (o, FACT (VAROBJECT_SIZE));
  py_ssize keep = len < (py_ssize) t->limit ? len : (py_ssize) t->limit;
  py_object *prefix = api->PyBytes_FromStringAndSize (
      (const char *) obj_ptr (o, FACT (BYTEARRAY_START)), keep);
  py_object *r = prefix ? api->PyObject_Repr (prefix) : NULL;
  if (prefix)
    api->Py_DecRef (prefix);
  puts_ (t, "bytearray(");
  put_owned_str (api, t, r);
  puts_ (t, ")");
  if (keep < len)
    t->full = 1;
}

static void
put_range (const struct py_api *api, struct text *t, py_object *o,
           int depth, const struct nest *nest)
{
  py_object *step = obj_ptr (o, FACT (RANGE_STEP));
  puts_ (t, "range(");
  put_value (api, t, obj_ptr (o, FACT (RANGE_START)), depth + 1, nest);
  puts_ (t, ", ");
  put_value (api, t, obj_ptr (o, FACT (RANGE_STOP)), depth + 1, nest);
  if (api->PyLong_AsLong (step) != 1)
    {
      puts_ (t, ", ");
      put_value (api, t, step, depth + 1, nest);
    }
  api->PyErr_Clear ();
  puts_ (t, ")");
}

/* Where a container meets itself.  */
static void
put_again (const struct py_api *api, struct text *t, py_object *type,
           const struct kind_of *k)
{
  if (k->kind == K_EXACT || k->kind == K_SUB)
    switch (k->base)
      {
      case B_LIST:
        puts_ (t, "[...]");
        return;
      case B_DICT: case B_ODICT: case B_DEFAULTDICT: case B_SET: case B_FROZENSET:
        puts_ (t, "{...}");
        return;
      case B_TUPLE:
        puts_ (t, "(...)");
        return;
      default:
        break;
      }
  puts_ (t, "<");
  puts_ (t, api->PyType_Name (type));
  puts_ (t, " ...>");
}

/* None, bool, float, complex, int, str and bytes (or an instance of a
   subclass, shown as BASE), with the built-in repr.  Returns 1 if O was
   one, 0 if not, -1 on failure.  */
static int
put_scalar (const struct py_api *api, struct text *t, py_object *o,
            py_object *base)
{
  if (o == api->none)
    {
      puts_ (t, "None");
      return 1;
    }
  if (base == api->bool_type || base == api->float_type
      || base == api->complex_type)
    return put_owned_str (api, t, base_repr (base, o)) < 0 ? -1 : 1;
  if (base == api->long_type)
    return put_int (api, t, o) < 0 ? -1 : 1;
  if (base == api->unicode_type || base == api->bytes_type)
    return put_text (api, t, o, base == api->unicode_type) < 0 ? -1 : 1;
  return 0;
}

static void
put_value (const struct py_api *api, struct text *t, py_object *o, int depth,
           const struct nest *nest)
{
  if (o == NULL)
    {
      puts_ (t, "<NULL>"); /* a container changed under us: never crash */
      return;
    }
  py_object *type = pyapi_type (o);
  int rc = put_scalar (api, t, o, type);
  if (rc == 0)
    {
      rc = 1;
      struct kind_of k = classify (api, type);
      int nested = k.kind == K_EXACT || k.kind == K_SUB
                   || k.kind == K_INSTANCE || k.kind == K_ENUM;
      int again = 0;
      for (int i = 0; nested && i < nest->n; i++)
        again |= nest->seen[i] == o;
      struct nest inner = *nest;
      if (nested && !again && depth < MAX_DEPTH)
        inner.seen[inner.n++] = o;
      if (again)
        put_again (api, t, type, &k);
      else if (nested && depth >= MAX_DEPTH)
        put_opaque (api, t, o);
      else
        switch (k.kind)
          {
          case K_EXACT:
            put_items (api, t, o, k.base, depth, &inner);
            break;
          case K_BYTEARRAY:
            put_bytearray (api, t, o);
            break;
          case K_RANGE:
            put_range (api, t, o, depth, nest);
            break;
          case K_MODULE:
            {
              py_object *dict = obj_ptr (o, FACT (MODULE_DICT));
              puts_ (t, "<module '");
              put_utf8 (api, t, dict ? obj_dict_find (api, dict, "__name__") : NULL,
                        "?");
              puts_ (t, "'>");
              break;
            }
          case K_FUNCTION:
            puts_ (t, "<function ");
            put_utf8 (api, t, obj_ptr (o, FACT (FUNCTION_QUALNAME)), "?");
            puts_ (t, ">");
            break;
          case K_METHOD:
            {
              py_object *func = obj_ptr (o, FACT (METHOD_FUNC));
              if (func && pyapi_type (func) == api->function_type)
                {
                  puts_ (t, "<bound method ");
                  put_utf8 (api, t, obj_ptr (func, FACT (FUNCTION_QUALNAME)), "?");
                  puts_ (t, ">");
                }
              else
                puts_ (t, "<bound method>");
              break;
            }
          case K_CFUNCTION:
            put_cfunction (api, t, o);
            break;
          case K_CLASS:
            put_class (api, t, o);
            break;
          case K_ENUM:
            put_enum (api, t, o, type, depth, &inner);
            break;
          case K_SUB:
            put_sub (api, t, o, type, &k, depth, &inner);
            break;
          case K_INSTANCE:
            put_instance (api, t, o, type, depth, &inner);
            break;
          case K_NDARRAY:
            put_ndarray (api, t, o, type);
            break;
          default:
            put_opaque (api, t, o);
          }
    }
  if (rc < 0)
    {
      /* Out of memory, most likely: say so in place of the value.  */
      api->PyErr_Clear ();
      puts_ (t, "<");
      puts_ (t, type_name (api, o));
      puts_ (t, ": could not be rendered>");
    }
}

/* Length column: items of a container, characters of str, bytes of bytes. */
static py_ssize
value_length (const struct py_api *api, py_object *o)
{
  py_object *type = pyapi_type (o);
  if (type == api->bytearray_type)
    return obj_ssize (o, FACT (VAROBJECT_SIZE));
  if (type == api->list_type)
    return api->PyList_Size (o);
  if (type == api->tuple_type)
    return api->PyTuple_Size (o);
  if (type == api->dict_type)
    return api->PyDict_Size (o);
  if (type == api->set_type || type == api->frozenset_type)
    return api->PySet_Size (o);
  if (type == api->unicode_type)
    return api->PyUnicode_GetLength (o);
  if (type == api->bytes_type)
    return api->PyBytes_Size (o);
  return -1;
}

/* A text of LIMIT characters, clamped to the bounds of hookhelper.h.  */
static struct text
text_of (size_t limit)
{
  if (limit > HOOK_VALUE_LIMIT_MAX)
    limit = HOOK_VALUE_LIMIT_MAX;
  if (limit < HOOK_VALUE_LIMIT_MIN)
    limit = HOOK_VALUE_LIMIT_MIN;
  struct text t = { scratch, 0, 0, limit, 0 };
  return t;
}

/* The <type> <len> <value> <cut> fields of O, its value being T.  */
static void
reply_value_fields (const struct py_api *api, py_object *o,
                    const struct text *t)
{
  reply_field_str (type_name (api, o));
  py_ssize len = value_length (api, o);
  if (len >= 0)
    reply_field_num (len);
  else
    reply_field ("", 0);
  reply_field (t->buf, t->len);
  /* The marker tells GDB, and the user, that the value was cut.  */
  reply_field_num (t->full);
}

void
render_repr_fields (const struct py_api *api, py_object *o, size_t limit)
{
  struct text t = text_of (limit);
  py_object *r = api->PyObject_Repr (o);
  if (r == NULL || put_owned_str (api, &t, r) < 0)
    {
      py_object *type = NULL, *value = NULL, *tb = NULL;
      api->PyErr_Fetch (&type, &value, &tb);
      puts_ (&t, "<repr() raised ");
      puts_ (&t, type ? api->PyType_Name (type) : "an exception");
      puts_ (&t, ">");
      py_object *all[] = { type, value, tb };
      for (int i = 0; i < 3; i++)
        if (all[i])
          api->Py_DecRef (all[i]);
    }
  reply_value_fields (api, o, &t);
}

void
render_fields (const struct py_api *api, py_object *o, size_t limit)
{
  struct text t = text_of (limit);
  struct nest nest = { { NULL }, 0 };
  put_value (api, &t, o, 0, &nest);
  reply_value_fields (api, o, &t);
}
