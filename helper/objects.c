/* objects.c -- what render.c needs from inside objects, read by layout.

   The attributes of an instance of a Python class live in a dict, or, in
   3.11 and later, in a values array the dict has not been made for yet.
   The public way to see them (PyObject_GenericGetDict, vars()) makes that
   dict, which changes the object; reading them where they are changes
   nothing and runs nothing.  gdb/pyhook/objects.py reads the same places
   from the debugger's side, and tests/paths.bats compares the two.

   Where each version keeps them (Include/internal/pycore_object.h and
   pycore_dict.h of each version):
   - 3.11: the dict pointer 3 words before the object, the values pointer
     4 words before;
   - 3.12: one word 3 words before: a dict pointer, or, with its low bit
     set, the values' address - 1;
   - 3.13 and later: the dict pointer 3 words before; without one, the
     values are inline after tp_basicsize (with Py_TPFLAGS_INLINE_VALUES),
     behind a header of capacity, size, embedded and valid bytes.
   The values' names are the type's cached keys (ht_cached_keys), and
   their order is a byte array: 3.11 and 3.12 keep it before the values
   (the count at [-2], the indices from [-3] down), 3.13+ after 'capacity'
   value slots.  Every offset, size and flag is a fact GDB gave the helper
   (FACT, hookhelper.h's HOOK_LAYOUT_FACTS).  */

#include <string.h>

#include "internal.h"

py_object *
obj_ptr (const void *o, long bytes)
{
  py_object *p;
  memcpy (&p, (const char *) o + bytes, sizeof p);
  return p;
}

long
obj_ssize (const void *o, long bytes)
{
  long v;
  memcpy (&v, (const char *) o + bytes, sizeof v);
  return v;
}

unsigned long
type_flags (py_object *type)
{
  return (unsigned long) obj_ssize (type, FACT (TYPE_FLAGS));
}

const char *
type_tp_name (py_object *type)
{
  const char *name = (const char *) obj_ptr (type, FACT (TYPE_NAME));
  return name ? name : "?";
}

py_object *
heaptype_qualname (const struct py_api *api, py_object *type)
{
  return obj_ptr (type, FACT (HEAPTYPE_QUALNAME));
}

static py_object *
cached_keys (const struct py_api *api, py_object *type)
{
  if (!(type_flags (type) & FACT (TPFLAGS_HEAPTYPE)))
    return NULL;
  return obj_ptr (type, FACT (HEAPTYPE_CACHED_KEYS));
}

/* Values VALUES whose names are the str-keyed KEYS, in insertion order.  */
static void
split_items (const struct py_api *api, const char *keys, const char *values,
             obj_item_fn fn, void *arg)
{
  const unsigned char *order;
  const char *slots;
  unsigned used;
  if (api->version >= PY_3_13)
    {
      unsigned capacity = (unsigned char) values[FACT (DICTVALUES_CAPACITY)];
      used = (unsigned char) values[FACT (DICTVALUES_SIZE)];
      slots = values + FACT (DICTVALUES_VALUES);
      order = (const unsigned char *) slots + 8 * capacity;
    }
  else
    {
      used = (unsigned char) values[-2];
      slots = values;
      order = NULL;
    }
  long nentries = obj_ssize (keys, FACT (DICTKEYS_NENTRIES));
  if (keys[FACT (DICTKEYS_KIND)] == FACT (DICTKEYS_GENERAL) || nentries < 0)
    return; /* never the case for cached keys */
  const char *entries = keys + FACT (DICTKEYS_INDICES)
                        + (1L << keys[FACT (DICTKEYS_LOG2_INDEX_BYTES)]);
  for (unsigned i = 0; i < used; i++)
    {
      long index = order ? order[i] : (unsigned char) values[-3 - (long) i];
      if (index >= nentries)
        continue;
      /* A str-keyed entry: key, then value.  */
      py_object *key = obj_ptr (entries, FACT (DICTKEYS_UNICODE_ENTRY_SIZE) * index);
      py_object *value = obj_ptr (slots, 8 * index);
      if (key && value && fn (key, value, arg))
        return;
    }
}

static void
dict_items (const struct py_api *api, py_object *dict, obj_item_fn fn,
            void *arg)
{
  py_ssize pos = 0;
  py_object *k, *v;
  while (api->PyDict_Next (dict, &pos, &k, &v))
    if (fn (k, v, arg))
      return;
}

void
obj_instance_items (const struct py_api *api, py_object *o, py_object *type,
                    obj_item_fn fn, void *arg)
{
  unsigned long flags = type_flags (type);
  const char *keys = (const char *) cached_keys (api, type);
  if (flags & FACT (TPFLAGS_MANAGED_DICT))
    {
      py_object *word = obj_ptr (o, FACT (OBJECT_MANAGED_DICT));
      if (api->version >= PY_3_13)
        {
          if (word)
            dict_items (api, word, fn, arg);
          else if ((flags & FACT (TPFLAGS_INLINE_VALUES)) && keys)
            {
              const char *values
                  = (const char *) o + obj_ssize (type, FACT (TYPE_BASICSIZE));
              if (values[FACT (DICTVALUES_VALID)]) /* not moved to a dict */
                split_items (api, keys, values, fn, arg);
            }
        }
      else if (api->version >= PY_3_12)
        {
          if ((uintptr_t) word & 1)
            {
              if (keys)
                split_items (api, keys, (const char *) word + 1, fn, arg);
            }
          else if (word)
            dict_items (api, word, fn, arg);
        }
      else if (word)
        dict_items (api, word, fn, arg);
      else if (obj_ptr (o, FACT (OBJECT_MANAGED_VALUES)) && keys)
        split_items (api, keys,
                     (const char *) obj_ptr (o, FACT (OBJECT_MANAGED_VALUES)),
                     fn, arg);
      return;
    }
  long offset = obj_ssize (type, FACT (TYPE_DICTOFFSET));
  if (offset < 0)
    {
      /* From the end of a variable-size object (_PyObject_VAR_SIZE).  */
      long size = obj_ssize (o, FACT (VAROBJECT_SIZE));
      size = size < 0 ? -size : size;
      offset += (obj_ssize (type, FACT (TYPE_BASICSIZE))
                 + size * obj_ssize (type, FACT (TYPE_ITEMSIZE)) + 7)
                & ~7L;
    }
  py_object *dict = offset ? obj_ptr (o, offset) : NULL;
  if (dict)
    dict_items (api, dict, fn, arg);
}

/* str's state bitfield 'ascii': a compact string whose characters are
   its UTF-8.  */
const char *
obj_utf8 (const struct py_api *api, py_object *s, py_ssize *n,
          py_object **owned)
{
  *owned = NULL;
  if (s == NULL || pyapi_type (s) != api->unicode_type)
    return NULL;
  unsigned char state = ((const unsigned char *) s)[FACT (STR_STATE_ASCII)];
  if (state >> FACT (STR_STATE_ASCII_BIT) & 1)
    return api->PyUnicode_AsUTF8AndSize (s, n);
  *owned = api->PyUnicode_AsUTF8String (s);
  if (*owned == NULL)
    {
      api->PyErr_Clear ();
      return NULL;
    }
  *n = api->PyBytes_Size (*owned);
  return api->PyBytes_AsString (*owned);
}

py_object *
obj_dict_find (const struct py_api *api, py_object *dict, const char *name)
{
  py_ssize pos = 0;
  py_object *k, *v;
  while (api->PyDict_Next (dict, &pos, &k, &v))
    if (pyapi_type (k) == api->unicode_type
        && api->PyUnicode_CompareWithASCIIString (k, name) == 0)
      return v;
  api->PyErr_Clear ();
  return NULL;
}

/* The value of KEY (compared by identity) in the combined dict O, found
   through its hash table as a lookup would, in O(1): the probe sequence of
   Objects/dictobject.c (i = hash & mask, then i = i*5 + perturb + 1 with
   perturb >>= 5), over the index table whose entries are 1, 2, 4 or 8
   bytes by the table's size (dk_log2_size).  No comparison runs: an
   OrderedDict's node holds the very key object the dict holds.  */
static py_object *
dict_value_of (py_object *o, py_object *key, long hash)
{
  const char *keys = (const char *) obj_ptr (o, FACT (DICT_KEYS));
  if (keys == NULL || obj_ptr (o, FACT (DICT_VALUES)) != NULL)
    return NULL; /* a split table: never an OrderedDict's */
  int log2 = (unsigned char) keys[FACT (DICTKEYS_LOG2_SIZE)];
  if (log2 > 40)
    return NULL;
  size_t mask = ((size_t) 1 << log2) - 1;
  int width = log2 < 8 ? 1 : log2 < 16 ? 2 : log2 < 32 ? 4 : 8;
  const char *indices = keys + FACT (DICTKEYS_INDICES);
  const char *entries = indices + (1L << keys[FACT (DICTKEYS_LOG2_INDEX_BYTES)]);
  int general = keys[FACT (DICTKEYS_KIND)] == FACT (DICTKEYS_GENERAL);
  long width_entry = general ? FACT (DICTKEYS_ENTRY_SIZE)
                             : FACT (DICTKEYS_UNICODE_ENTRY_SIZE);
  size_t perturb = (size_t) hash, i = (size_t) hash & mask;
  for (size_t tries = 0; tries <= mask + 64; tries++)
    {
      long ix;
      if (width == 1)
        ix = ((const signed char *) indices)[i];
      else if (width == 2)
        ix = ((const short *) indices)[i];
      else if (width == 4)
        ix = ((const int *) indices)[i];
      else
        ix = ((const long *) indices)[i];
      if (ix == -1) /* DKIX_EMPTY */
        return NULL;
      if (ix >= 0)
        {
          /* The key and value are an entry's last two words (a general
             entry starts with me_hash).  */
          const char *kv = entries + width_entry * ix + width_entry - 16;
          if (obj_ptr (kv, 0) == key)
            return obj_ptr (kv, 8);
        }
      perturb >>= 5;
      i = mask & (i * 5 + perturb + 1);
    }
  return NULL;
}

void
obj_odict_items (const struct py_api *api, py_object *o, obj_item_fn fn,
                 void *arg)
{
  py_ssize size = obj_ssize (o, FACT (DICT_USED));
  const char *node = (const char *) obj_ptr (o, FACT (ODICT_FIRST));
  /* There is at most one node a key, and a few more while the dict
     resizes.  */
  for (py_ssize seen = 0; node && seen <= 2 * size + 8; seen++)
    {
      py_object *key = obj_ptr (node, FACT (ODICTNODE_KEY));
      py_object *value
          = dict_value_of (o, key, obj_ssize (node, FACT (ODICTNODE_HASH)));
      if (value && fn (key, value, arg))
        return;
      node = (const char *) obj_ptr (node, FACT (ODICTNODE_NEXT));
    }
}
