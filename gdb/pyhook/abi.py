"""The helper's ABI as the gdb side reads it: mirrors helper/hookhelper.h.

tests/abi.bats compares every constant here with the header, so a change on
one side that the other does not follow fails the suite.
"""

import struct

HOOK_ABI_VERSION = 8
HOOK_CHANNEL_MAGIC = 0x4B4F4F48
HOOK_VALUE_LIMIT_MIN = 16
HOOK_VALUE_LIMIT_MAX = 1000000
HOOK_REQ_LOCALS = 0x1
HOOK_REQ_TAKE_GIL = 0x2
HOOK_REQ_EVAL = 0x4
HOOK_REQ_EXEC = 0x10
HOOK_REQ_STMT = 0x20
HOOK_REQ_SESSION = 0x40
HOOK_REQ_END_SESSION = 0x100
HOOK_REQ_OF = 0x200
HOOK_REQ_OBJECT = 0x400
HOOK_REQ_RELEASE = 0x8
HOOK_REQ_TEST_FAULT = 0x80000000
HOOK_HELPER_VERSION = 0x000800
HOOK_FLIGHT_ACTIVE = 0x1
HOOK_FLIGHT_GIL_TAKEN = 0x2
HOOK_FLIGHT_ERROR_SAVED = 0x4
HOOK_FLIGHT_GC_PAUSED = 0x8
HOOK_FLIGHT_TRACING = 0x10
HOOK_FORKED_CHILD_STATUS = 86

# enum hook_status, in order.
STATUS_NAMES = (
    "HOOK_OK",
    "HOOK_ERR_BAD_REQUEST",
    "HOOK_ERR_ABI_MISMATCH",
    "HOOK_ERR_NOT_PYTHON",
    "HOOK_ERR_UNSUPPORTED_PYTHON",
    "HOOK_ERR_NOT_INITIALIZED",
    "HOOK_ERR_NO_THREAD_STATE",
    "HOOK_ERR_GIL_NOT_HELD",
    "HOOK_ERR_NO_FRAME",
    "HOOK_ERR_FRAME_RANGE",
    "HOOK_ERR_NOT_A_VARIABLE",
    "HOOK_ERR_EXPR_SYNTAX",
    "HOOK_ERR_EXPR_RAISED",
    "HOOK_ERR_WRITE_FAILED",
    "HOOK_ERR_NO_MEMORY",
    "HOOK_ERR_INTERNAL",
    "HOOK_ERR_BUSY",
)
HOOK_OK = 0

# struct hook_channel: magic, abi_version, request_addr, request_capacity,
# reply_addr, reply_len, message_addr, message_capacity, last_status,
# python_version, helper_version, in_flight, layout_addr,
# layout_names_addr, layout_names_len.
CHANNEL = struct.Struct("<IIQQQQQQiIIIQQQ")
# struct hook_layout's header: python_version, count; then count int64s.
LAYOUT_HEADER = struct.Struct("<II")
HOOK_LAYOUT_ABSENT = -(1 << 63)
# struct hook_request: abi_version, flags, first_frame, max_frames,
# value_limit, name_len, expr_len, reserved.
REQUEST = struct.Struct("<IIIIIIII")

ENTRY_POINTS = ("hook_handshake", "hook_snapshot", "hook_apply_locals", "hook_recover")


def status_name(status):
    if 0 <= status < len(STATUS_NAMES):
        return STATUS_NAMES[status]
    return "status %d" % status


def version_text(hexversion):
    """0x000300 -> '0.3.0'."""
    return "%d.%d.%d" % (hexversion >> 16, (hexversion >> 8) & 0xFF, hexversion & 0xFF)
