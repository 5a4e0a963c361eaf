"""The helper's ABI as the gdb side reads it: mirrors helper/hookhelper.h.

tests/abi.bats compares every constant here with the header, so a change on
one side that the other does not follow fails the suite.
"""

import struct

HOOK_ABI_VERSION = 1
HOOK_CHANNEL_MAGIC = 0x4B4F4F48
HOOK_VALUE_LIMIT_MIN = 16
HOOK_VALUE_LIMIT_MAX = 1000000
HOOK_REQ_LOCALS = 0x1

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
)
HOOK_OK = 0

# struct hook_channel: magic, abi_version, request_addr, request_capacity,
# reply_addr, reply_len, message_addr, message_capacity, last_status,
# python_version.
CHANNEL = struct.Struct("<IIQQQQQQiI")
# struct hook_request: abi_version, flags, first_frame, max_frames,
# value_limit, name_len, expr_len, reserved.
REQUEST = struct.Struct("<IIIIIIII")

ENTRY_POINTS = ("hook_handshake", "hook_snapshot", "hook_apply_locals")


def status_name(status):
    if 0 <= status < len(STATUS_NAMES):
        return STATUS_NAMES[status]
    return "status %d" % status
