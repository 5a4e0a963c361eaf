/* render.c -- a value as bounded text, without running user code.

   Only exact built-in types are rendered by value, with the built-in type's
   own repr; an instance of a subclass could override __repr__, so it is
   shown as <TypeName at 0x...> like any other object.  Containers are
   walked with PyDict_Next and the built-in iterators, which call no
   __hash__ or __eq__.  */

#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Values are built here before they are escaped into the reply: the
   limit counts characters, each at most 4 bytes of UTF-8.  */
#define SCRATCH_CAPACITY (4 * HOOK_VALUE_LIMIT_MAX + 64)
/* Containers nested deeper than this are shown by type and length.  */
#define MAX_DEPTH 3
/* Ints with more bits than this are shown in hex: decimal conversion is
   quadratic and CPython refuses it past 4300 digits.  */
#define DECIMAL_BITS_MAX 10000

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

static int
put_int (const struct py_api *api, struct text *t, py_object *o)
{
  size_t bits = api->PyLong_NumBits (o);
  if (bits == (size_t) -1)
    return -1;
  /* A program may lower the int-to-str digit limit below what this
     allows; then the hex form below serves.  */
  if (bits <= DECIMAL_BITS_MAX
      && put_owned_str (api, t, api->PyObject_Repr (o)) == 0)
    return 0;
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

static void put_value (const struct py_api *, struct text *, py_object *,
                       int depth);

/* Items of an exact list, tuple, dict, set or frozenset.  */
static int
put_items (const struct py_api *api, struct text *t, py_object *o, int depth)
{
  py_object *type = pyapi_type (o);
  if (type == api->list_type || type == api->tuple_type)
    {
      int is_list = type == api->list_type;
      puts_ (t, is_list ? "[" : "(");
      py_ssize n = is_list ? api->PyList_Size (o) : api->PyTuple_Size (o);
      for (py_ssize i = 0; i < n && !t->full; i++)
        {
          if (i)
            puts_ (t, ", ");
          put_value (api, t,
                     is_list ? api->PyList_GetItem (o, i)
                             : api->PyTuple_GetItem (o, i),
                     depth + 1);
        }
      puts_ (t, !is_list && n == 1 ? ",)" : is_list ? "]" : ")");
      return 0;
    }
  if (type == api->dict_type)
    {
      py_ssize pos = 0;
      py_object *k, *v;
      puts_ (t, "{");
      for (int first = 1; !t->full && api->PyDict_Next (o, &pos, &k, &v);
           first = 0)
        {
          if (!first)
            puts_ (t, ", ");
          put_value (api, t, k, depth + 1);
          puts_ (t, ": ");
          put_value (api, t, v, depth + 1);
        }
      puts_ (t, "}");
      return 0;
    }
  /* set, frozenset: the built-in set iterator touches no user code.  */
  int is_set = type == api->set_type;
  if (api->PySet_Size (o) == 0)
    {
      puts_ (t, is_set ? "set()" : "frozenset()");
      return 0;
    }
  py_object *it = api->PyObject_GetIter (o);
  if (it == NULL)
    return -1;
  puts_ (t, is_set ? "{" : "frozenset({");
  py_object *item;
  for (int first = 1; !t->full && (item = api->PyIter_Next (it)) != NULL;
       first = 0)
    {
      if (!first)
        puts_ (t, ", ");
      put_value (api, t, item, depth + 1);
      api->Py_DecRef (item);
    }
  api->Py_DecRef (it);
  puts_ (t, is_set ? "}" : "})");
  return 0;
}

static int
is_container (const struct py_api *api, py_object *type)
{
  return type == api->list_type || type == api->tuple_type
         || type == api->dict_type || type == api->set_type
         || type == api->frozenset_type;
}

static void
put_value (const struct py_api *api, struct text *t, py_object *o, int depth)
{
  if (o == NULL)
    {
      puts_ (t, "<NULL>"); /* a container changed under us: never crash */
      return;
    }
  py_object *type = pyapi_type (o);
  int rc = 0;
  if (o == api->none)
    puts_ (t, "None");
  else if (type == api->bool_type || type == api->float_type
           || type == api->complex_type)
    rc = put_owned_str (api, t, api->PyObject_Repr (o));
  else if (type == api->long_type)
    rc = put_int (api, t, o);
  else if (type == api->unicode_type || type == api->bytes_type)
    rc = put_text (api, t, o, type == api->unicode_type);
  else if (is_container (api, type) && depth < MAX_DEPTH)
    rc = put_items (api, t, o, depth);
  else
    put_opaque (api, t, o);
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

void
render_fields (const struct py_api *api, py_object *o, size_t limit)
{
  if (limit > HOOK_VALUE_LIMIT_MAX)
    limit = HOOK_VALUE_LIMIT_MAX;
  if (limit < HOOK_VALUE_LIMIT_MIN)
    limit = HOOK_VALUE_LIMIT_MIN;
  struct text t = { scratch, 0, 0, limit, 0 };
  put_value (api, &t, o, 0);
  reply_field_str (type_name (api, o));
  py_ssize len = value_length (api, o);
  if (len >= 0)
    reply_field_num (len);
  else
    reply_field ("", 0);
  reply_field (t.buf, t.len);
  /* The marker tells GDB, and the user, that the value was cut.  */
  reply_field_num (t.full);
}
