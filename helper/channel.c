/* channel.c -- the memory GDB and the helper share: the channel itself,
   the request area GDB writes, the message buffer and the reply text.

   All of it is static or mmap'ed: the helper may be called while the target
   is stopped anywhere, so it never asks malloc for its own bookkeeping.  */

#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define REQUEST_CAPACITY (1u << 20) /* header + NAME + EXPR */
#define MESSAGE_CAPACITY 4096u
#define REPLY_INITIAL (1u << 16)
/* A reply larger than this is refused rather than truncated in silence.  */
#define REPLY_MAX ((size_t) 1 << 30)

static _Alignas (16) char request_area[REQUEST_CAPACITY];
static char message[MESSAGE_CAPACITY];

static struct hook_channel channel;

/* Written by GDB (hookhelper.h, struct hook_layout); FACT reads it.  */
struct hook_layout channel_layout;
static const char layout_names[] = HOOK_LAYOUT_NAMES;

static struct
{
  char *base;
  size_t len, cap;
  int failed;
} reply;

struct hook_channel *
channel_get (void)
{
  if (channel.magic != HOOK_CHANNEL_MAGIC)
    {
      channel.magic = HOOK_CHANNEL_MAGIC;
      channel.abi_version = HOOK_ABI_VERSION;
      channel.helper_version = HOOK_HELPER_VERSION;
      channel.request_addr = (uintptr_t) request_area;
      channel.request_capacity = sizeof request_area;
      channel.message_addr = (uintptr_t) message;
      channel.message_capacity = sizeof message;
      channel.layout_addr = (uintptr_t) &channel_layout;
      channel.layout_names_addr = (uintptr_t) layout_names;
      channel.layout_names_len = sizeof layout_names;
    }
  return &channel;
}

int
layout_ready (const struct py_api *api)
{
  if (channel_layout.count == HOOK_FACT_COUNT
      && (channel_layout.python_version & 0xffff0000ul)
             == (api->version & 0xffff0000ul))
    return 1;
  channel_fail (HOOK_ERR_BAD_REQUEST,
                "GDB has not given the helper the layout of this CPython "
                "(%lu.%lu); it writes it after the handshake: load py-hook's "
                "gdb extension from the same build as libhookhelper.so",
                api->version >> 24, (api->version >> 16) & 0xff);
  return 0;
}

const struct hook_request *
channel_request_area (void)
{
  return (const struct hook_request *) request_area;
}

const char *
channel_get_message (void)
{
  return message;
}

static void
vmessage (const char *format, va_list ap)
{
  /* vsnprintf with plain %s/%d/%lu conversions does not allocate.  */
  vsnprintf (message, sizeof message, format, ap);
}

void
channel_message (const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  vmessage (format, ap);
  va_end (ap);
}

int
channel_fail (int status, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  vmessage (format, ap);
  va_end (ap);
  return status;
}

/* Validates the request header and its payload lengths against the area
   GDB was told about.  */
void
channel_reset (void)
{
  channel_get ();
  message[0] = '\0';
  /* A large reply of the last call gives its memory back now at the
     latest (GDB asks for it at once with HOOK_REQ_RELEASE).  */
  if (reply.cap > REPLY_INITIAL)
    reply_release ();
  reply_reset ();
}

int
channel_checked_request (const struct hook_request *req)
{
  channel_reset ();
  if (req != channel_request_area ())
    return channel_fail (HOOK_ERR_BAD_REQUEST,
                         "the request is not in the helper's request area; "
                         "GDB must write it at the channel's request_addr");
  if (req->abi_version != HOOK_ABI_VERSION)
    return channel_fail (HOOK_ERR_ABI_MISMATCH,
                         "request ABI %u, helper ABI %u: load the gdb "
                         "extension and libhookhelper.so from one build",
                         req->abi_version, HOOK_ABI_VERSION);
  size_t need = sizeof *req + (size_t) req->name_len + 1 + req->expr_len + 1;
  if (req->name_len > REQUEST_CAPACITY || req->expr_len > REQUEST_CAPACITY
      || need > REQUEST_CAPACITY)
    return channel_fail (HOOK_ERR_BAD_REQUEST,
                         "request of %zu bytes exceeds the %u-byte request "
                         "area; shorten the expression",
                         need, REQUEST_CAPACITY);
  return HOOK_OK;
}

int
channel_finish (int status)
{
  if (status == HOOK_OK && reply.failed)
    status = channel_fail (HOOK_ERR_NO_MEMORY,
                           "the reply outgrew %zu bytes (or mmap failed); "
                           "ask for fewer frames or a smaller value limit",
                           REPLY_MAX);
  channel.reply_addr = (uintptr_t) reply.base;
  channel.reply_len = status == HOOK_OK ? reply.len : 0;
  channel.last_status = status;
  return status;
}

void
reply_reset (void)
{
  reply.len = 0;
  reply.failed = 0;
}

void
reply_release (void)
{
  if (reply.base != NULL)
    munmap (reply.base, reply.cap);
  reply.base = NULL;
  reply.cap = reply.len = 0;
  reply.failed = 0;
  channel.reply_addr = 0;
  channel.reply_len = 0;
}

int
reply_failed (void)
{
  return reply.failed;
}

static int
reply_reserve (size_t n)
{
  if (reply.failed)
    return 0;
  if (reply.len + n <= reply.cap)
    return 1;
  size_t cap = reply.cap ? reply.cap : REPLY_INITIAL;
  while (cap < reply.len + n && cap <= REPLY_MAX)
    cap *= 2;
  if (cap > REPLY_MAX)
    {
      reply.failed = 1;
      return 0;
    }
  void *p = reply.base
                ? mremap (reply.base, reply.cap, cap, MREMAP_MAYMOVE)
                : mmap (NULL, cap, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    {
      reply.failed = 1;
      return 0;
    }
  reply.base = p;
  reply.cap = cap;
  return 1;
}

void
reply_raw (const char *s, size_t n)
{
  if (!reply_reserve (n))
    return;
  memcpy (reply.base + reply.len, s, n);
  reply.len += n;
}

/* Escaping keeps the reply one record per line whatever a file name or a
   value contains.  Worst case doubles the field, so reserve that once.  */
void
reply_field (const char *s, size_t n)
{
  if (!reply_reserve (1 + 2 * n))
    return;
  char *out = reply.base + reply.len;
  *out++ = '\t';
  for (size_t i = 0; i < n; i++)
    switch (s[i])
      {
      case '\\':
        *out++ = '\\', *out++ = '\\';
        break;
      case '\t':
        *out++ = '\\', *out++ = 't';
        break;
      case '\n':
        *out++ = '\\', *out++ = 'n';
        break;
      default:
        *out++ = s[i];
      }
  reply.len = (size_t) (out - reply.base);
}

void
reply_field_str (const char *s)
{
  reply_field (s, strlen (s));
}

void
reply_field_num (long long v)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%lld", v);
  reply_field (buf, (size_t) n);
}

void
reply_end_record (void)
{
  reply_raw ("\n", 1);
}
