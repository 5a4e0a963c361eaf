"""CPython's runtime state, read from the stopped target's memory.

Nothing here calls into the target: every fact comes from memory reads at
offsets from layout.py (CPython's debug information when gdb has it, else
py-hook's built-in table for the version), so it works at any stop, in a
core file too, with or without python3.X-dbg.

Field paths differ by version (3.11: one GIL in _PyRuntime.ceval and the
holder in _PyRuntime.gilstate.tstate_current; 3.12: a GIL per interpreter
and tstate->_status.active; 3.13: tstate->state, and the eval breaker per
thread).  They were checked against live processes of Debian 3.11.2, its
debug build, and pyenv's 3.11.7, 3.12.1 and 3.13.0; see docs/safety.md.
"""

import struct

import gdb

from . import layout
from .target import epoch, symbol_address

PY_3_11 = layout.PY_3_11
PY_3_12 = layout.PY_3_12
PY_3_13 = layout.PY_3_13
PY_END = 0x030E0000  # first version py-hook does not know


def supported(version):
    return version is not None and PY_3_11 <= version < PY_END

# 3.13's per-thread eval breaker: the low byte holds the request bits (GIL
# drop request, signals, pending calls, async exception, GC scheduled...),
# the bits above it the instrumentation version, which must not change.
EVAL_BREAKER_REQUEST_BITS = 0xFF

_FORMATS = {1: "<B", 2: "<H", 4: "<I", 8: "<Q"}


class Unavailable(Exception):
    """CPython's runtime state cannot be read; the message says why."""


def _read(address, size):
    data = bytes(gdb.selected_inferior().read_memory(address, size))
    return struct.unpack(_FORMATS[size], data)[0]


def unhandled_interrupt_flag():
    """CPython's "a KeyboardInterrupt went unhandled" flag as a Field, or
    None.  When KeyboardInterrupt leaves code run from a string (exec(str)
    and PyRun_*), CPython sets it, and at exit the process then kills
    itself with SIGINT: a KeyboardInterrupt that py-hook raised in EXPR must
    not leave it set.  3.11 keeps it in _Py_UnhandledKeyboardInterrupt,
    3.12 and 3.13 in _PyRuntime.signals."""
    address = symbol_address("_Py_UnhandledKeyboardInterrupt")
    if address is not None:
        return Field("_Py_UnhandledKeyboardInterrupt", address, 4)
    rt = read()
    if not rt.has("unhandled_keyboard_interrupt"):
        return None
    return rt.field("unhandled_keyboard_interrupt")


def read_pointer(address):
    """The 8-byte value at ADDRESS."""
    return _read(address, 8)


class Field:
    """An integer field at a fixed address, to save, clear and restore."""

    def __init__(self, label, address, size, bit=None):
        self.label = label
        self.address = address
        self.size = size
        self.bit = bit
        self.saved = None

    def read(self):
        value = _read(self.address, self.size)
        return value if self.bit is None else (value >> self.bit) & 1

    def write(self, new):
        assert self.bit is None
        new &= (1 << (8 * self.size)) - 1
        gdb.selected_inferior().write_memory(self.address, struct.pack(_FORMATS[self.size], new))


class _Struct:
    """A structure at ADDRESS whose fields LAYOUT names, with a PREFIX."""

    def __init__(self, fields, prefix, address):
        self._fields = fields
        self._prefix = prefix
        self.address = address

    def has(self, name):
        return self._prefix + name in self._fields

    def field(self, name, label=None):
        f = self._fields[self._prefix + name]
        return Field(label or name, self.address + f.offset, f.size, f.bit)

    def get(self, name, default=None):
        """The integer value of field NAME, or DEFAULT where it does not exist."""
        if not self.has(name):
            return default
        return self.field(name).read()


def _signed32(value):
    return value - (1 << 32) if value >= 1 << 31 else value


class ThreadState(_Struct):
    def __init__(self, fields, version, address, interp):
        super().__init__(fields, "tstate.", address)
        self.version = version
        self.interp = interp
        self.lwp = self.get("native_thread_id")
        self.pthread = self.get("thread_id")
        self.next = self.get("next")
        if version >= PY_3_13:
            self.attached = self.get("state") == 1
        elif version >= PY_3_12:
            self.attached = self.get("active") == 1
        else:
            self.attached = None  # 3.11: known from the runtime's current tstate

    # What a call can leave changed in its thread state when gdb unwinds
    # it half-way (measured: docs/safety.md), in the order they are put
    # back.  The GIL (attached state) is not among them: the helper takes
    # it back with the C API (hook_recover); so are the pending exception
    # and the tracing counter, which the helper itself set aside and
    # restores (its own PyThreadState_EnterTracing is what changed it).
    CALL_STATE = ("cframe", "current_frame", "recursion_remaining", "py_recursion_remaining",
                  "c_recursion_remaining", "datastack_chunk", "datastack_top",
                  "datastack_limit", "exc_info", "what_event")

    def capture(self):
        """{field: value} of CALL_STATE, read now."""
        return {name: self.get(name) for name in self.CALL_STATE if self.has(name)}

    def restore(self, saved):
        """Writes SAVED (from capture) back; returns the names that differed."""
        changed = []
        for name, value in saved.items():
            f = self.field(name)
            if f.read() != value:
                f.write(value)
                changed.append(name)
        return changed

    def current_frame(self):
        """Address of the innermost _PyInterpreterFrame the thread runs, or 0."""
        if self.has("current_frame"):
            return self.get("current_frame")
        cframe = self.get("cframe")
        if not cframe:
            return 0
        return _Struct(self._fields, "cframe.", cframe).get("current_frame")


# 3.13: the bit of tstate->eval_breaker that makes the thread raise its
# async_exc (_PY_ASYNC_EXCEPTION_BIT).
ASYNC_EXCEPTION_BIT = 1 << 3


def _immortal(refcnt):
    """3.12+: an immortal object's reference count reads negative as int32."""
    return refcnt & 0x80000000 != 0


class AsyncException:
    """Makes a thread raise an exception between two bytecodes, as
    PyThreadState_SetAsyncExc does, by memory writes alone: the thread is
    inside a call py-hook made and must not be called into again.

    post() stores a new reference to the exception type EXC in the
    thread's async_exc and sets the eval-breaker request that makes the
    bytecode loop look at it; the loop raises it, clears the request and
    drops the reference.  withdraw() takes it back if the loop never got
    there (the call ended first, or was unwound)."""

    def __init__(self, tstate, exc):
        self.tstate = tstate
        self.exc = exc
        self.posted = False

    def _refcount(self, delta):
        f = Field("ob_refcnt", self.exc, 8)
        value = f.read()
        if self.tstate.version >= PY_3_12 and _immortal(value):
            return
        f.write(value + delta)

    def _request(self, on):
        ts, interp = self.tstate, self.tstate.interp
        if ts.version >= PY_3_13:
            f = ts.field("eval_breaker")
            f.write(f.read() | ASYNC_EXCEPTION_BIT if on else f.read() & ~ASYNC_EXCEPTION_BIT)
            return
        interp.field("pending_async_exc").write(1 if on else 0)
        # eval_breaker is the OR of every request: recomputed without ours.
        pending = any(interp.get(name, 0) for name in
                      ("gil_drop_request", "pending_calls_to_do", "gc_scheduled"))
        pending = pending or any(interp.runtime.get(name, 0) for name in
                                 ("signals_pending", "mainthread_calls_to_do"))
        interp.field("eval_breaker").write(1 if on or pending else 0)

    def post(self):
        """Returns False, doing nothing, when an async exception of the
        program's own is pending already."""
        slot = self.tstate.field("async_exc")
        if slot.read():
            return False
        self._refcount(+1)
        slot.write(self.exc)
        self._request(True)
        self.posted = True
        return True

    def withdraw(self):
        """Whether the exception was still pending (and is now withdrawn)."""
        if not self.posted:
            return False
        self.posted = False
        slot = self.tstate.field("async_exc")
        if slot.read() != self.exc:
            return False  # raised: the loop cleared the slot and the request
        slot.write(0)
        self._request(False)
        self._refcount(-1)
        return True


class Gil(_Struct):
    """struct _gil_runtime_state."""

    def __init__(self, fields, address):
        super().__init__(fields, "gil.", address)
        self.locked = _signed32(self.get("locked"))
        self.last_holder = self.get("last_holder")
        self.switch_number = self.get("switch_number")
        self.mutex_owner = _mutex_owner(self._member("mutex"))
        self.switch_mutex_owner = _mutex_owner(self._member("switch_mutex"))
        self.cond_ok = _cond_signal_cannot_wait(self._member("cond"))
        self.switch_cond_ok = _cond_signal_cannot_wait(self._member("switch_cond"))

    def _member(self, name):
        return self.address + self._fields["gil." + name].offset

    def waiters(self):
        """Threads counted as waiting on the GIL's two condition variables
        (glibc's __wrefs >> 3), cond and switch_cond."""
        return tuple(_read(self._member(name) + layout.COND_WREFS, 4) >> 3
                     for name in ("cond", "switch_cond"))

    @property
    def created(self):
        return self.locked is not None and self.locked >= 0


def _mutex_owner(mutex):
    """0 when the pthread mutex at MUTEX is free, else its owner's LWP (or -1 if unknown)."""
    if _read(mutex + layout.MUTEX_LOCK, 4) == 0:
        return 0
    owner = _signed32(_read(mutex + layout.MUTEX_OWNER, 4))
    return owner if owner > 0 else -1


def _cond_signal_cannot_wait(cond):
    """Whether pthread_cond_signal on the condvar at COND returns without
    waiting (glibc 2.25 and later).

    It waits for the condvar's internal lock, and, when it must switch
    groups, for signalled waiters to leave; a waiter stopped by the debugger
    never leaves.  Conservative: no waiters at all, or the internal lock
    free and no waiter still referencing the group to be closed."""
    wrefs = _read(cond + layout.COND_WREFS, 4)
    if wrefs >> 3 == 0:
        return True
    g1 = (_read(cond + layout.COND_WSEQ, 8) & 1) ^ 1
    return (_read(cond + layout.COND_G1_ORIG_SIZE, 4) & 3) == 0 and \
        (_read(cond + layout.COND_G_REFS + 4 * g1, 4) >> 1) == 0


class Interpreter(_Struct):
    def __init__(self, fields, version, address, runtime):
        super().__init__(fields, "interp.", address)
        self.threads = []
        self.runtime = runtime
        if version >= PY_3_12:
            gil = self.get("gil")
            self.gil = Gil(fields, gil) if gil else None
        else:
            self.gil = Gil(fields, runtime.address + fields["runtime.gil"].offset)
        self.gc_collecting = self.get("gc_collecting")
        self.modules = self.get("modules")  # sys.modules, a dict
        self.next = self.get("next")


class Runtime(_Struct):
    """One reading of _PyRuntime: interpreters, thread states, GILs."""

    def __init__(self, version, fields, address, source):
        super().__init__(fields, "runtime.", address)
        self.version = version
        self.fields = fields
        self.source = source
        self.initialized = self.get("initialized") == 1
        self.finalizing = self.get("finalizing") != 0
        self.interpreters = []
        self.threads = []
        interp = self.get("interpreters_head")
        guard = 0
        while interp and guard < 1024:
            it = Interpreter(fields, version, interp, self)
            self.interpreters.append(it)
            self.finalizing = self.finalizing or (it.get("finalizing") or 0) != 0
            ts = it.get("threads_head")
            count = 0
            while ts and count < 100000:
                t = ThreadState(fields, version, ts, it)
                it.threads.append(t)
                self.threads.append(t)
                ts = t.next
                count += 1
            interp = it.next
            guard += 1
        if version < PY_3_12:
            current = self.get("tstate_current") or 0
            for t in self.threads:
                t.attached = t.address == current

    def thread_for_lwp(self, lwp):
        for t in self.threads:
            if t.lwp == lwp:
                return t
        return None

    def thread_at(self, address):
        for t in self.threads:
            if t.address == address:
                return t
        return None

    def gil_for(self, tstate):
        return tstate.interp.gil

    def breaker_fields(self, tstate):
        """The request flags that make the eval loop of TSTATE's thread stop
        to hand the GIL over, run signal handlers or pending calls, raise an
        async exception or collect garbage."""
        if self.version >= PY_3_13:
            return [tstate.field("eval_breaker")]
        interp = tstate.interp
        fields = [
            interp.field("gil_drop_request"),
            interp.field("eval_breaker"),
            self.field("signals_pending"),
            interp.field("pending_calls_to_do", "pending calls"),
            interp.field("pending_async_exc", "async_exc"),
        ]
        if interp.has("gc_scheduled"):
            fields.append(interp.field("gc_scheduled"))
        if self.has("mainthread_calls_to_do"):
            fields.append(self.field("mainthread_calls_to_do", "main-thread pending calls"))
        return fields

    def pending_calls_queued(self, tstate):
        """3.13: pending calls that taking the GIL would schedule on this thread."""
        return tstate.interp.get("pending_npending", 0) or self.get("mainthread_npending", 0)

    def check(self):
        """Raises Unavailable when the reading does not look like a live
        runtime: the guard against a built-in layout that does not fit."""
        lwps = {t.ptid[1] for t in gdb.selected_inferior().threads()}
        problems = []
        if self.get("initialized") not in (0, 1):
            problems.append("'initialized' reads %d" % self.get("initialized"))
        if self.initialized and not self.interpreters:
            problems.append("no interpreter")
        for t in self.threads:
            if t.lwp and t.lwp not in lwps:
                problems.append("a thread state names LWP %d, not a thread of the process" % t.lwp)
                break
        for it in self.interpreters:
            gil = it.gil
            if gil is not None and gil.locked not in (-1, 0, 1):
                problems.append("the GIL's 'locked' reads %d" % gil.locked)
            elif gil is not None and gil.locked == 1 and gil.last_holder and \
                    self.thread_at(gil.last_holder) is None:
                problems.append("the GIL's last holder is no thread state")
        if problems:
            raise Unavailable("CPython's runtime state does not read as expected with py-hook's "
                              "built-in layout (%s)" % "; ".join(problems))


_version_cache = (None, None)


def python_version():
    """PY_VERSION_HEX of the target, from Py_Version (no debug info needed), or None.

    Cached per process and set of loaded objfiles: it cannot change otherwise."""
    global _version_cache
    inferior = gdb.selected_inferior()
    key = (inferior.pid, len(gdb.objfiles()), epoch())
    if _version_cache[0] == key:
        return _version_cache[1]
    try:
        version = int(gdb.parse_and_eval("*(unsigned int *) &Py_Version")) & 0xFFFFFFFF
    except gdb.error:
        version = None
    _version_cache = (key, version)
    return version


_layout_cache = (None, None)


def _debug_build():
    """Whether the process runs a debug build (Py_REF_DEBUG), whose layout
    differs from the release build the built-in table describes."""
    return symbol_address("_Py_NegativeRefcount") is not None


def _check_debug_offsets(fields, address):
    """3.13: CPython publishes some offsets at the start of _PyRuntime
    (_Py_DebugOffsets); those must agree with the built-in table."""
    if _read(address, 8) != int.from_bytes(b"xdebugpy", "little"):
        raise Unavailable("_PyRuntime does not start with CPython 3.13's debug offsets")
    if _read(address + 16, 8):
        raise Unavailable("this is a free-threaded build (3.13t), which py-hook does not support")
    published = {  # offset within _Py_DebugOffsets -> table entry
        32: "runtime.finalizing", 40: "runtime.interpreters_head",
        64: "interp.next", 72: "interp.threads_head", 112: "interp.gil",
        168: "tstate.next", 184: "tstate.current_frame", 192: "tstate.thread_id",
        200: "tstate.native_thread_id",
        # What the memory reader of frames uses (pyframes.py).
        232: "iframe.previous", 240: "iframe.code", 248: "iframe.instr",
        256: "iframe.localsplus", 264: "iframe.owner", 280: "code.filename",
        296: "code.qualname", 304: "code.linetable", 312: "code.firstlineno",
        320: "code.argcount", 328: "code.localsplusnames", 336: "code.localspluskinds",
        344: "code.code_adaptive", 376: "type.name", 392: "type.flags",
    }
    for at, name in published.items():
        if _read(address + at, 8) != fields[name].offset:
            raise Unavailable("CPython's own debug offsets disagree with py-hook's built-in "
                              "layout (%s)" % name)


def _layout(version, address):
    """(fields, source) for this process; cached like python_version."""
    global _layout_cache
    key = (gdb.selected_inferior().pid, len(gdb.objfiles()), epoch(), version)
    if _layout_cache[0] == key:
        return _layout_cache[1]
    try:
        gdb.lookup_type("PyThreadState")
        have_types = True
    except gdb.error:
        have_types = False
    if have_types:
        try:
            result = (layout.from_debug_info(version), "CPython's debug information")
        except layout.Unknown as e:
            raise Unavailable("CPython's debug information lacks a field py-hook reads (%s)" % e)
    else:
        hint = "install python3.%d-dbg, or use a build with -g" % ((version >> 16) & 0xFF)
        if _debug_build():
            raise Unavailable("CPython's debug information is not loaded and this is a debug "
                              "build, whose layout py-hook has no table for (%s)" % hint)
        try:
            fields = layout.from_table(version)
        except layout.Unknown as e:
            raise Unavailable("CPython's debug information is not loaded and %s (%s)" % (e, hint))
        if version >= PY_3_13:
            _check_debug_offsets(fields, address)
        result = (fields, "py-hook's built-in layout for %d.%d (no debug information)"
                  % (version >> 24, (version >> 16) & 0xFF))
    _layout_cache = (key, result)
    return result


def read(version=None):
    """A Runtime, or raises Unavailable with the reason."""
    if version is None:
        version = python_version()
    if version is None:
        raise Unavailable("the process has no Py_Version symbol (not CPython 3.11+)")
    if not supported(version):
        raise Unavailable("py-hook does not know the runtime state of this version")
    address = symbol_address("_PyRuntime")
    if address is None:
        raise Unavailable("the process has no _PyRuntime symbol")
    try:
        fields, source = _layout(version, address)
        rt = Runtime(version, fields, address, source)
        if not source.startswith("CPython"):
            rt.check()
        return rt
    except (gdb.error, gdb.MemoryError) as e:
        raise Unavailable("reading _PyRuntime failed: %s" % e)
