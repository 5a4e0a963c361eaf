"""Where the fields of CPython's runtime state are, without debug information.

runtime.py reads _PyRuntime, the interpreters, thread states and GILs as
plain memory at byte offsets.  The offsets come from, in this order:

1. CPython's debug information when gdb has it (python3.X-dbg, or a build
   with -g): exact for the build at hand;
2. else the table below, measured from the debug information of the builds
   py-hook is tested on, for a non-debug (release) build of that minor
   version.  tests/layout.bats compares the table with the debug
   information of every interpreter it runs on.  On 3.13 the offsets that
   CPython publishes itself in _PyRuntime.debug_offsets are checked against
   it as well, and a disagreement makes the table unusable.

An Offset is (offset, size in bytes, bit) with bit None for whole fields and
the bit position for a one-bit bitfield (3.12's tstate->_status.active).
Offsets are relative to the start of the structure named by the prefix:
runtime._PyRuntimeState, interp.PyInterpreterState, tstate.PyThreadState,
cframe._PyCFrame, gil.struct _gil_runtime_state, type.PyTypeObject,
heaptype.PyHeapTypeObject.
"""

import gdb

PY_3_11 = 0x030B0000
PY_3_12 = 0x030C0000
PY_3_13 = 0x030D0000


class Offset:
    __slots__ = ("offset", "size", "bit")

    def __init__(self, offset, size, bit=None):
        self.offset, self.size, self.bit = offset, size, bit

    def as_tuple(self):
        return (self.offset, self.size) if self.bit is None else (self.offset, self.size, self.bit)

    def __repr__(self):
        return repr(self.as_tuple())


# name -> (C type, member path), per minor version.  A name missing from a
# version does not exist there.
_COMMON = {
    "runtime.initialized": ("_PyRuntimeState", "initialized"),
    "runtime.finalizing": ("_PyRuntimeState", "_finalizing"),
    "runtime.interpreters_head": ("_PyRuntimeState", "interpreters.head"),
    "interp.next": ("PyInterpreterState", "next"),
    "interp.threads_head": ("PyInterpreterState", "threads.head"),
    "interp.gc_collecting": ("PyInterpreterState", "gc.collecting"),
    "tstate.next": ("PyThreadState", "next"),
    "tstate.thread_id": ("PyThreadState", "thread_id"),
    "tstate.native_thread_id": ("PyThreadState", "native_thread_id"),
    "gil.locked": ("struct _gil_runtime_state", "locked"),
    "gil.last_holder": ("struct _gil_runtime_state", "last_holder"),
    "gil.switch_number": ("struct _gil_runtime_state", "switch_number"),
    "gil.mutex": ("struct _gil_runtime_state", "mutex"),
    "gil.switch_mutex": ("struct _gil_runtime_state", "switch_mutex"),
    "gil.cond": ("struct _gil_runtime_state", "cond"),
    "gil.switch_cond": ("struct _gil_runtime_state", "switch_cond"),
    # What a call changes in its thread state, put back after an unwound
    # call (runtime.ThreadState.capture/restore), and the thread's pending
    # asynchronous exception, set to end an EXPR the Python way.
    "tstate.async_exc": ("PyThreadState", "async_exc"),
    "tstate.datastack_chunk": ("PyThreadState", "datastack_chunk"),
    "tstate.datastack_top": ("PyThreadState", "datastack_top"),
    "tstate.datastack_limit": ("PyThreadState", "datastack_limit"),
    "tstate.exc_info": ("PyThreadState", "exc_info"),
    "tstate.tracing": ("PyThreadState", "tracing"),
    # Reading objects from memory (objects.py): the modules dict, and where
    # an instance of a Python class finds the names of its attributes.
    "type.flags": ("PyTypeObject", "tp_flags"),
    "type.basicsize": ("PyTypeObject", "tp_basicsize"),
    "heaptype.cached_keys": ("PyHeapTypeObject", "ht_cached_keys"),
    "type.name": ("PyTypeObject", "tp_name"),
    "heaptype.name": ("PyHeapTypeObject", "ht_name"),
    "heaptype.qualname": ("PyHeapTypeObject", "ht_qualname"),
    # Python frames read from memory (pyframes.py): the interpreter frame
    # chain, and what a code object says about names and lines.
    "iframe.previous": ("_PyInterpreterFrame", "previous"),
    "iframe.globals": ("_PyInterpreterFrame", "f_globals"),
    "iframe.locals": ("_PyInterpreterFrame", "f_locals"),
    "iframe.owner": ("_PyInterpreterFrame", "owner"),
    "iframe.localsplus": ("_PyInterpreterFrame", "localsplus"),
    "iframe.frame_obj": ("_PyInterpreterFrame", "frame_obj"),
    "frameobject.lineno": ("PyFrameObject", "f_lineno"),
    "code.filename": ("PyCodeObject", "co_filename"),
    "code.name": ("PyCodeObject", "co_name"),
    "code.qualname": ("PyCodeObject", "co_qualname"),
    "code.linetable": ("PyCodeObject", "co_linetable"),
    "code.firstlineno": ("PyCodeObject", "co_firstlineno"),
    "code.nlocalsplus": ("PyCodeObject", "co_nlocalsplus"),
    "code.localsplusnames": ("PyCodeObject", "co_localsplusnames"),
    "code.localspluskinds": ("PyCodeObject", "co_localspluskinds"),
    "code.flags": ("PyCodeObject", "co_flags"),
    "code.argcount": ("PyCodeObject", "co_argcount"),
    "code.kwonlyargcount": ("PyCodeObject", "co_kwonlyargcount"),
    "code.firsttraceable": ("PyCodeObject", "_co_firsttraceable"),
    "code.code_adaptive": ("PyCodeObject", "co_code_adaptive"),
    # An exception in flight (exceptions.py): its type's MRO, its args and
    # traceback, and the frame each traceback entry names.
    "type.mro": ("PyTypeObject", "tp_mro"),
    "type.dict": ("PyTypeObject", "tp_dict"),
    "exception.args": ("PyBaseExceptionObject", "args"),
    "exception.traceback": ("PyBaseExceptionObject", "traceback"),
    "traceback.next": ("PyTracebackObject", "tb_next"),
    "traceback.frame": ("PyTracebackObject", "tb_frame"),
    "traceback.lineno": ("PyTracebackObject", "tb_lineno"),
    "frameobject.frame": ("PyFrameObject", "f_frame"),
    "frameobject.back": ("PyFrameObject", "f_back"),
    # Suspended generators and coroutines (coroutines.py): the frame they
    # embed, its state, and the depth of its value stack, whose top is what
    # a coroutine suspended in 'await' (or 'yield from') waits on.
    "gen.frame_state": ("PyGenObject", "gi_frame_state"),
    "gen.iframe": ("PyGenObject", "gi_iframe"),
    "iframe.stacktop": ("_PyInterpreterFrame", "stacktop"),
}

_BEFORE_3_13 = {
    "tstate.cframe": ("PyThreadState", "cframe"),
    "cframe.current_frame": ("_PyCFrame", "current_frame"),
    "interp.gil_drop_request": ("PyInterpreterState", "ceval.gil_drop_request"),
    "interp.eval_breaker": ("PyInterpreterState", "ceval.eval_breaker"),
    "interp.pending_calls_to_do": ("PyInterpreterState", "ceval.pending.calls_to_do"),
    "interp.pending_async_exc": ("PyInterpreterState", "ceval.pending.async_exc"),
    "runtime.signals_pending": ("_PyRuntimeState", "ceval.signals_pending"),
}

SPEC = {
    PY_3_11: dict(_COMMON, **_BEFORE_3_13, **{
        "runtime.gil": ("_PyRuntimeState", "ceval.gil"),
        "runtime.tstate_current": ("_PyRuntimeState", "gilstate.tstate_current"),
        "tstate.recursion_remaining": ("PyThreadState", "recursion_remaining"),
        "interp.modules": ("PyInterpreterState", "modules"),
        "iframe.code": ("_PyInterpreterFrame", "f_code"),
        "iframe.instr": ("_PyInterpreterFrame", "prev_instr"),
        "tstate.curexc_type": ("PyThreadState", "curexc_type"),
        "tstate.curexc_value": ("PyThreadState", "curexc_value"),
        "tstate.curexc_traceback": ("PyThreadState", "curexc_traceback"),
    }),
    PY_3_12: dict(_COMMON, **_BEFORE_3_13, **{
        "interp.finalizing": ("PyInterpreterState", "_finalizing"),
        "interp.gil": ("PyInterpreterState", "ceval.gil"),
        "interp.gc_scheduled": ("PyInterpreterState", "ceval.gc_scheduled"),
        "tstate.active": ("PyThreadState", "_status.active"),
        "runtime.mainthread_calls_to_do": ("_PyRuntimeState", "ceval.pending_mainthread.calls_to_do"),
        "tstate.py_recursion_remaining": ("PyThreadState", "py_recursion_remaining"),
        "tstate.c_recursion_remaining": ("PyThreadState", "c_recursion_remaining"),
        "tstate.what_event": ("PyThreadState", "what_event"),
        "interp.modules": ("PyInterpreterState", "imports.modules"),
        "iframe.code": ("_PyInterpreterFrame", "f_code"),
        "iframe.instr": ("_PyInterpreterFrame", "prev_instr"),
        "tstate.current_exception": ("PyThreadState", "current_exception"),
        "runtime.unhandled_keyboard_interrupt": ("_PyRuntimeState",
                                                 "signals.unhandled_keyboard_interrupt"),
    }),
    PY_3_13: dict(_COMMON, **{
        "interp.finalizing": ("PyInterpreterState", "_finalizing"),
        "interp.gil": ("PyInterpreterState", "ceval.gil"),
        "interp.pending_npending": ("PyInterpreterState", "ceval.pending.npending"),
        "runtime.mainthread_npending": ("_PyRuntimeState", "ceval.pending_mainthread.npending"),
        "tstate.state": ("PyThreadState", "state"),
        "tstate.current_frame": ("PyThreadState", "current_frame"),
        "tstate.eval_breaker": ("PyThreadState", "eval_breaker"),
        "tstate.py_recursion_remaining": ("PyThreadState", "py_recursion_remaining"),
        "tstate.c_recursion_remaining": ("PyThreadState", "c_recursion_remaining"),
        "tstate.what_event": ("PyThreadState", "what_event"),
        "interp.modules": ("PyInterpreterState", "imports.modules"),
        "iframe.code": ("_PyInterpreterFrame", "f_executable"),
        "iframe.instr": ("_PyInterpreterFrame", "instr_ptr"),
        "tstate.current_exception": ("PyThreadState", "current_exception"),
        "runtime.unhandled_keyboard_interrupt": ("_PyRuntimeState",
                                                 "signals.unhandled_keyboard_interrupt"),
    }),
}

# Measured with layout.from_debug_info() on Debian's 3.11.2 (python3.11-dbg)
# and pyenv's 3.11.7, 3.12.1 and 3.13.0 (x86-64, release builds).
TABLE = {
    PY_3_11: {
        "type.mro": (344, 8),
        "gen.frame_state": (75, 1),
        "gen.iframe": (80, 8),
        "iframe.stacktop": (64, 4),
        "type.dict": (264, 8),
        "exception.args": (24, 8),
        "exception.traceback": (40, 8),
        "traceback.next": (16, 8),
        "traceback.frame": (24, 8),
        "traceback.lineno": (36, 4),
        "frameobject.frame": (24, 8),
        "frameobject.back": (16, 8),
        "tstate.curexc_type": (96, 8),
        "tstate.curexc_value": (104, 8),
        "tstate.curexc_traceback": (112, 8),
        "cframe.current_frame": (8, 8),
        "code.argcount": (56, 4),
        "code.code_adaptive": (184, 1),
        "code.filename": (112, 8),
        "code.firstlineno": (72, 4),
        "code.firsttraceable": (168, 4),
        "code.flags": (48, 4),
        "code.kwonlyargcount": (64, 4),
        "code.linetable": (136, 8),
        "code.localspluskinds": (104, 8),
        "code.localsplusnames": (96, 8),
        "code.name": (120, 8),
        "code.nlocalsplus": (76, 4),
        "code.qualname": (128, 8),
        "frameobject.lineno": (40, 4),
        "gil.cond": (32, 48),
        "gil.last_holder": (8, 8),
        "gil.locked": (16, 4),
        "gil.mutex": (80, 40),
        "gil.switch_cond": (120, 48),
        "gil.switch_mutex": (168, 40),
        "gil.switch_number": (24, 8),
        "heaptype.cached_keys": (872, 8),
        "heaptype.name": (848, 8),
        "heaptype.qualname": (864, 8),
        "iframe.code": (32, 8),
        "iframe.frame_obj": (40, 8),
        "iframe.globals": (8, 8),
        "iframe.instr": (56, 8),
        "iframe.locals": (24, 8),
        "iframe.localsplus": (72, 8),
        "iframe.owner": (69, 1),
        "iframe.previous": (48, 8),
        "interp.eval_breaker": (100, 4),
        "interp.gc_collecting": (848, 4),
        "interp.gil_drop_request": (104, 4),
        "interp.modules": (888, 8),
        "interp.next": (0, 8),
        "interp.pending_async_exc": (124, 4),
        "interp.pending_calls_to_do": (120, 4),
        "interp.threads_head": (16, 8),
        "runtime.finalizing": (24, 8),
        "runtime.gil": (360, 208),
        "runtime.initialized": (16, 4),
        "runtime.interpreters_head": (40, 8),
        "runtime.signals_pending": (352, 4),
        "runtime.tstate_current": (576, 8),
        "tstate.async_exc": (144, 8),
        "tstate.cframe": (56, 8),
        "tstate.datastack_chunk": (296, 8),
        "tstate.datastack_limit": (312, 8),
        "tstate.datastack_top": (304, 8),
        "tstate.exc_info": (120, 8),
        "tstate.native_thread_id": (160, 8),
        "tstate.next": (8, 8),
        "tstate.recursion_remaining": (32, 4),
        "tstate.thread_id": (152, 8),
        "tstate.tracing": (44, 4),
        "type.basicsize": (32, 8),
        "type.flags": (168, 8),
        "type.name": (24, 8),
    },
    PY_3_12: {
        "type.mro": (344, 8),
        "gen.frame_state": (67, 1),
        "gen.iframe": (72, 8),
        "iframe.stacktop": (64, 4),
        "type.dict": (264, 8),
        "exception.args": (24, 8),
        "exception.traceback": (40, 8),
        "traceback.next": (16, 8),
        "traceback.frame": (24, 8),
        "traceback.lineno": (36, 4),
        "frameobject.frame": (24, 8),
        "frameobject.back": (16, 8),
        "tstate.current_exception": (96, 8),
        "runtime.unhandled_keyboard_interrupt": (1536, 4),
        "cframe.current_frame": (0, 8),
        "code.argcount": (52, 4),
        "code.code_adaptive": (192, 1),
        "code.filename": (112, 8),
        "code.firstlineno": (68, 4),
        "code.firsttraceable": (176, 4),
        "code.flags": (48, 4),
        "code.kwonlyargcount": (60, 4),
        "code.linetable": (136, 8),
        "code.localspluskinds": (104, 8),
        "code.localsplusnames": (96, 8),
        "code.name": (120, 8),
        "code.nlocalsplus": (72, 4),
        "code.qualname": (128, 8),
        "frameobject.lineno": (40, 4),
        "gil.cond": (32, 48),
        "gil.last_holder": (8, 8),
        "gil.locked": (16, 4),
        "gil.mutex": (80, 40),
        "gil.switch_cond": (120, 48),
        "gil.switch_mutex": (168, 40),
        "gil.switch_number": (24, 8),
        "heaptype.cached_keys": (880, 8),
        "heaptype.name": (856, 8),
        "heaptype.qualname": (872, 8),
        "iframe.code": (0, 8),
        "iframe.frame_obj": (48, 8),
        "iframe.globals": (24, 8),
        "iframe.instr": (56, 8),
        "iframe.locals": (40, 8),
        "iframe.localsplus": (72, 8),
        "iframe.owner": (70, 1),
        "iframe.previous": (8, 8),
        "interp.eval_breaker": (368, 4),
        "interp.finalizing": (104, 8),
        "interp.gc_collecting": (312, 4),
        "interp.gc_scheduled": (396, 4),
        "interp.gil": (384, 8),
        "interp.gil_drop_request": (372, 4),
        "interp.modules": (944, 8),
        "interp.next": (0, 8),
        "interp.pending_async_exc": (420, 4),
        "interp.pending_calls_to_do": (416, 4),
        "interp.threads_head": (72, 8),
        "runtime.finalizing": (24, 8),
        "runtime.initialized": (16, 4),
        "runtime.interpreters_head": (40, 8),
        "runtime.mainthread_calls_to_do": (2032, 4),
        "runtime.signals_pending": (2008, 4),
        "tstate.active": (24, 1, 4),
        "tstate.async_exc": (128, 8),
        "tstate.c_recursion_remaining": (36, 4),
        "tstate.cframe": (56, 8),
        "tstate.datastack_chunk": (232, 8),
        "tstate.datastack_limit": (248, 8),
        "tstate.datastack_top": (240, 8),
        "tstate.exc_info": (104, 8),
        "tstate.native_thread_id": (144, 8),
        "tstate.next": (8, 8),
        "tstate.py_recursion_remaining": (28, 4),
        "tstate.thread_id": (136, 8),
        "tstate.tracing": (44, 4),
        "tstate.what_event": (48, 4),
        "type.basicsize": (32, 8),
        "type.flags": (168, 8),
        "type.name": (24, 8),
    },
    PY_3_13: {
        "type.mro": (344, 8),
        "gen.frame_state": (67, 1),
        "gen.iframe": (72, 8),
        "iframe.stacktop": (64, 4),
        "type.dict": (264, 8),
        "exception.args": (24, 8),
        "exception.traceback": (40, 8),
        "traceback.next": (16, 8),
        "traceback.frame": (24, 8),
        "traceback.lineno": (36, 4),
        "frameobject.frame": (24, 8),
        "frameobject.back": (16, 8),
        "tstate.current_exception": (112, 8),
        "runtime.unhandled_keyboard_interrupt": (2152, 4),
        "code.argcount": (52, 4),
        "code.code_adaptive": (200, 1),
        "code.filename": (112, 8),
        "code.firstlineno": (68, 4),
        "code.firsttraceable": (184, 4),
        "code.flags": (48, 4),
        "code.kwonlyargcount": (60, 4),
        "code.linetable": (136, 8),
        "code.localspluskinds": (104, 8),
        "code.localsplusnames": (96, 8),
        "code.name": (120, 8),
        "code.nlocalsplus": (72, 4),
        "code.qualname": (128, 8),
        "frameobject.lineno": (40, 4),
        "gil.cond": (32, 48),
        "gil.last_holder": (8, 8),
        "gil.locked": (16, 4),
        "gil.mutex": (80, 40),
        "gil.switch_cond": (120, 48),
        "gil.switch_mutex": (168, 40),
        "gil.switch_number": (24, 8),
        "heaptype.cached_keys": (880, 8),
        "heaptype.name": (856, 8),
        "heaptype.qualname": (872, 8),
        "iframe.code": (0, 8),
        "iframe.frame_obj": (48, 8),
        "iframe.globals": (24, 8),
        "iframe.instr": (56, 8),
        "iframe.locals": (40, 8),
        "iframe.localsplus": (72, 8),
        "iframe.owner": (70, 1),
        "iframe.previous": (8, 8),
        "interp.finalizing": (7384, 8),
        "interp.gc_collecting": (7600, 4),
        "interp.gil": (16, 8),
        "interp.modules": (7656, 8),
        "interp.next": (7264, 8),
        "interp.pending_npending": (44, 4),
        "interp.threads_head": (7344, 8),
        "runtime.finalizing": (608, 8),
        "runtime.initialized": (600, 4),
        "runtime.interpreters_head": (632, 8),
        "runtime.mainthread_npending": (2652, 4),
        "tstate.async_exc": (144, 8),
        "tstate.c_recursion_remaining": (52, 4),
        "tstate.current_frame": (72, 8),
        "tstate.datastack_chunk": (232, 8),
        "tstate.datastack_limit": (248, 8),
        "tstate.datastack_top": (240, 8),
        "tstate.eval_breaker": (24, 8),
        "tstate.exc_info": (120, 8),
        "tstate.native_thread_id": (160, 8),
        "tstate.next": (8, 8),
        "tstate.py_recursion_remaining": (44, 4),
        "tstate.state": (40, 4),
        "tstate.thread_id": (152, 8),
        "tstate.tracing": (60, 4),
        "tstate.what_event": (64, 4),
        "type.basicsize": (32, 8),
        "type.flags": (168, 8),
        "type.name": (24, 8),
    },
}

# The objects of the _asyncio extension module (Modules/_asynciomodule.c),
# whose debug information gdb has only once the module is loaded, so they
# are kept apart from SPEC: asyncio.py reads tasks and futures with this
# table, and tests/layout.bats checks it against the debug information.
# A task starts with a future's fields (FutureObj_HEAD(task)); a value
# (offset, size, bit) as in TABLE.
ASYNCIO_SPEC = {
    "future.loop": ("FutureObj", "fut_loop"),
    "future.state": ("FutureObj", "fut_state"),
    "future.result": ("FutureObj", "fut_result"),
    "future.exception": ("FutureObj", "fut_exception"),
    "task.fut_waiter": ("TaskObj", "task_fut_waiter"),
    "task.coro": ("TaskObj", "task_coro"),
    "task.name": ("TaskObj", "task_name"),
    "task.must_cancel": ("TaskObj", "task_must_cancel"),
    "task.num_cancels_requested": ("TaskObj", "task_num_cancels_requested"),
    "futureiter.future": ("futureiterobject", "future"),
}
_ASYNCIO_3_11 = {
    "future.loop": (16, 8), "future.state": (88, 4), "future.result": (64, 8),
    "future.exception": (48, 8), "task.fut_waiter": (128, 8), "task.coro": (136, 8),
    "task.name": (144, 8), "task.must_cancel": (160, 4),
    "task.num_cancels_requested": (168, 4), "futureiter.future": (16, 8),
}
ASYNCIO_TABLE = {
    PY_3_11: _ASYNCIO_3_11,
    PY_3_12: _ASYNCIO_3_11,
    PY_3_13: {
        "future.loop": (16, 8), "future.state": (96, 4), "future.result": (64, 8),
        "future.exception": (48, 8), "task.fut_waiter": (112, 8), "task.coro": (120, 8),
        "task.name": (128, 8), "task.must_cancel": (100, 1, 2),
        "task.num_cancels_requested": (104, 4), "futureiter.future": (16, 8),
    },
}


def asyncio_layout(version):
    """The layout of _asyncio's objects: from the debug information when gdb
    has it, else ASYNCIO_TABLE; raises Unknown for another version."""
    table = ASYNCIO_TABLE.get(minor(version))
    if table is None:
        raise Unknown("py-hook knows no layout of asyncio's tasks for CPython %d.%d"
                      % (version >> 24, (version >> 16) & 0xFF))
    try:
        return {name: _resolve(t, path) for name, (t, path) in ASYNCIO_SPEC.items()}
    except Unknown:
        return {name: Offset(*spec) for name, spec in table.items()}


# glibc's pthread_mutex_t and pthread_cond_t (x86-64, glibc 2.25 and later):
# __lock and __owner of the mutex; __wseq, __g_refs, __g1_orig_size and
# __wrefs of the condition variable.
MUTEX_LOCK, MUTEX_OWNER = 0, 8
COND_WSEQ, COND_G_REFS, COND_G1_ORIG_SIZE, COND_WREFS = 0, 16, 32, 36


def minor(version):
    return version & 0xFFFF0000


class Unknown(Exception):
    """The layout of this interpreter's runtime state is not known."""


def _resolve(type_name, path):
    try:
        t = gdb.lookup_type(type_name)
    except gdb.error as e:
        raise Unknown(str(e))
    bits = 0
    for name in path.split("."):
        t = t.strip_typedefs()
        for f in t.fields():
            if f.name == name:
                break
        else:
            raise Unknown("%s has no member %s" % (type_name, path))
        bits += f.bitpos
        if f.bitsize:
            return Offset(bits // 8, (f.bitsize + 7) // 8, bits % 8)
        t = f.type
    return Offset(bits // 8, t.strip_typedefs().sizeof)


def from_debug_info(version):
    """The layout from gdb's debug information, or raises Unknown."""
    spec = SPEC.get(minor(version))
    if spec is None:
        raise Unknown("py-hook knows no layout for this version")
    return {name: _resolve(t, path) for name, (t, path) in spec.items()}


def from_table(version):
    """The built-in layout for VERSION, or raises Unknown."""
    table = TABLE.get(minor(version))
    if table is None:
        raise Unknown("py-hook has no built-in layout for CPython %d.%d"
                      % (version >> 24, (version >> 16) & 0xFF))
    return {name: Offset(*spec) for name, spec in table.items()}
