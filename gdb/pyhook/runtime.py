"""CPython's runtime state, read from the stopped target's memory.

Nothing here calls into the target: every fact comes from memory reads
typed by CPython's debug information (Debian's python3.X-dbg, or a build
with -g), so it works at any stop, in a core file too.  Without that debug
information `read` says so and callers fall back to what the helper alone
can check.

Field paths differ by version (3.11: one GIL in _PyRuntime.ceval and the
holder in _PyRuntime.gilstate.tstate_current; 3.12: a GIL per interpreter
and tstate->_status.active; 3.13: plain fields instead of _Py_atomic
wrappers, tstate->state, and the eval breaker per thread).  They were
checked against live processes of Debian 3.11.2, its debug build, and
pyenv's 3.11.7, 3.12.1 and 3.13.0; see docs/safety.md.
"""

import struct

import gdb

PY_3_11 = 0x030B0000
PY_3_12 = 0x030C0000
PY_3_13 = 0x030D0000
PY_END = 0x030E0000  # first version py-hook does not know


def supported(version):
    return version is not None and PY_3_11 <= version < PY_END

# 3.13's per-thread eval breaker: the low byte holds the request bits (GIL
# drop request, signals, pending calls, async exception, GC scheduled...),
# the bits above it the instrumentation version, which must not change.
EVAL_BREAKER_REQUEST_BITS = 0xFF


class Unavailable(Exception):
    """CPython's runtime state cannot be read; the message says why."""


def _field(value, *names):
    """VALUE.names[0].names[1]..., or None when a field does not exist."""
    for name in names:
        try:
            value = value[name]
        except gdb.error:
            return None
    return value


def _int(value):
    """An int from a plain field or a 3.11/3.12 _Py_atomic_* wrapper."""
    if value is None:
        return None
    t = value.type.strip_typedefs()
    if t.code in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
        return _int(value["_value"])
    return int(value)


def _write_int(value, new):
    """Stores NEW into the integer field (or atomic wrapper) VALUE."""
    t = value.type.strip_typedefs()
    if t.code in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
        return _write_int(value["_value"], new)
    size = t.sizeof
    fmt = {1: "<B", 2: "<H", 4: "<I", 8: "<Q"}[size]
    new &= (1 << (8 * size)) - 1
    gdb.selected_inferior().write_memory(int(value.address), struct.pack(fmt, new))


class Field:
    """An integer field at a fixed address, to save, clear and restore."""

    def __init__(self, label, value):
        self.label = label
        self.value = value
        self.saved = None

    def read(self):
        return _int(self.value)

    def write(self, new):
        _write_int(self.value, new)


class ThreadState:
    def __init__(self, version, value, interp):
        self.value = value
        self.address = int(value.address)
        self.interp = interp
        self.lwp = _int(value["native_thread_id"])
        self.pthread = _int(value["thread_id"])
        if version >= PY_3_13:
            self.attached = _int(value["state"]) == 1
        elif version >= PY_3_12:
            self.attached = _int(_field(value, "_status", "active")) == 1
        else:
            self.attached = None  # 3.11: known from the runtime's current tstate

    def current_frame(self):
        """Address of the innermost _PyInterpreterFrame the thread runs, or 0."""
        direct = _field(self.value, "current_frame")
        if direct is not None:
            return int(direct)
        cframe = self.value["cframe"]
        return int(cframe["current_frame"]) if int(cframe) else 0


class Gil:
    """struct _gil_runtime_state."""

    def __init__(self, value):
        self.value = value
        self.address = int(value.address)
        self.locked = _int(value["locked"])
        self.last_holder = _int(value["last_holder"])
        self.switch_number = _int(value["switch_number"])
        self.mutex_owner = _mutex_owner(value["mutex"])
        self.switch_mutex_owner = _mutex_owner(value["switch_mutex"])
        self.cond_ok = _cond_signal_cannot_wait(value["cond"])
        self.switch_cond_ok = _cond_signal_cannot_wait(value["switch_cond"])

    @property
    def created(self):
        return self.locked is not None and self.locked >= 0


def _mutex_owner(mutex):
    """0 when the pthread mutex is free, else its owner's LWP (or -1 if unknown)."""
    data = mutex["__data"]
    if int(data["__lock"]) == 0:
        return 0
    owner = int(data["__owner"])
    return owner if owner > 0 else -1


def _cond_signal_cannot_wait(cond):
    """Whether pthread_cond_signal on COND returns without waiting (glibc 2.3x).

    It waits for the condvar's internal lock, and, when it must switch
    groups, for signalled waiters to leave; a waiter stopped by the debugger
    never leaves.  Conservative: no waiters at all, or the internal lock
    free and no waiter still referencing the group to be closed."""
    d = cond["__data"]
    wrefs = int(d["__wrefs"])
    if wrefs >> 3 == 0:
        return True
    wseq = _field(d, "__wseq", "__value64")  # a union since glibc 2.35
    g1 = (int(wseq if wseq is not None else d["__wseq"]) & 1) ^ 1
    return (int(d["__g1_orig_size"]) & 3) == 0 and (int(d["__g_refs"][g1]) >> 1) == 0


class Interpreter:
    def __init__(self, version, value, runtime):
        self.value = value
        self.address = int(value.address)
        self.threads = []
        if version >= PY_3_12:
            gil = value["ceval"]["gil"]
            self.gil = Gil(gil.dereference()) if int(gil) else None
        else:
            self.gil = Gil(runtime["ceval"]["gil"])
        self.gc_collecting = _int(_field(value, "gc", "collecting"))


class Runtime:
    """One reading of _PyRuntime: interpreters, thread states, GILs."""

    def __init__(self, version):
        self.version = version
        rt = gdb.parse_and_eval("_PyRuntime")
        self.value = rt
        self.initialized = _int(rt["initialized"]) == 1
        self.finalizing = (_int(rt["_finalizing"]) or 0) != 0
        self.interpreters = []
        self.threads = []
        interp = rt["interpreters"]["head"]
        guard = 0
        while int(interp) and guard < 1024:
            it = Interpreter(version, interp.dereference(), rt)
            self.interpreters.append(it)
            if version >= PY_3_12:
                self.finalizing = self.finalizing or (_int(_field(interp, "_finalizing")) or 0) != 0
            ts = interp["threads"]["head"]
            count = 0
            while int(ts) and count < 100000:
                t = ThreadState(version, ts.dereference(), it)
                it.threads.append(t)
                self.threads.append(t)
                ts = ts["next"]
                count += 1
            interp = interp["next"]
            guard += 1
        if version < PY_3_12:
            current = _int(rt["gilstate"]["tstate_current"]) or 0
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
        rt, interp = self.value, tstate.interp.value
        if self.version >= PY_3_13:
            return [Field("eval_breaker", tstate.value["eval_breaker"])]
        paths = [
            ("gil_drop_request", interp, ("ceval", "gil_drop_request")),
            ("eval_breaker", interp, ("ceval", "eval_breaker")),
            ("signals_pending", rt, ("ceval", "signals_pending")),
            ("pending calls", interp, ("ceval", "pending", "calls_to_do")),
            ("async_exc", interp, ("ceval", "pending", "async_exc")),
            ("gc_scheduled", interp, ("ceval", "gc_scheduled")),
            ("main-thread pending calls", rt, ("ceval", "pending_mainthread", "calls_to_do")),
        ]
        fields = []
        for label, base, path in paths:
            value = _field(base, *path)
            if value is not None:
                fields.append(Field(label, value))
        return fields

    def pending_calls_queued(self, tstate):
        """3.13: pending calls that taking the GIL would schedule on this thread."""
        n = _int(_field(tstate.interp.value, "ceval", "pending", "npending")) or 0
        if not n:
            n = _int(_field(self.value, "ceval", "pending_mainthread", "npending")) or 0
        return n


_version_cache = (None, None)


def python_version():
    """PY_VERSION_HEX of the target, from Py_Version (no debug info needed), or None.

    Cached per process and set of loaded objfiles: it cannot change otherwise."""
    global _version_cache
    inferior = gdb.selected_inferior()
    key = (inferior.pid, len(gdb.objfiles()))
    if _version_cache[0] == key:
        return _version_cache[1]
    try:
        version = int(gdb.parse_and_eval("*(unsigned int *) &Py_Version")) & 0xFFFFFFFF
    except gdb.error:
        version = None
    _version_cache = (key, version)
    return version


def read(version=None):
    """A Runtime, or raises Unavailable with the reason."""
    if version is None:
        version = python_version()
    if version is None:
        raise Unavailable("the process has no Py_Version symbol (not CPython 3.11+)")
    try:
        gdb.lookup_type("PyThreadState")
    except gdb.error:
        raise Unavailable(
            "CPython's debug information is not loaded (install python3.%d-dbg, or use a "
            "build with -g)" % ((version >> 16) & 0xFF)
        )
    try:
        return Runtime(version)
    except (gdb.error, gdb.MemoryError) as e:
        raise Unavailable("reading _PyRuntime failed: %s" % e)
