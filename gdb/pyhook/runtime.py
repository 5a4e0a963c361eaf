"""CPython's runtime state, read from the stopped target's memory.

Nothing here calls into the target: every fact comes from memory reads at
offsets of the process's Layout (layout.py: CPython's debug information
when gdb has it, else the offsets the process publishes and py-hook's
table for the version, facts.py), so it works at any stop, in a core file
too, with or without python3.X-dbg.

Field paths differ by version (3.11: one GIL in _PyRuntime.ceval and the
holder in _PyRuntime.gilstate.tstate_current; 3.12: a GIL per interpreter
and tstate->_status.active; 3.13 and later: tstate->state, and the eval
breaker per thread).  See docs/safety.md for how each was checked.
"""

import struct

import gdb

from . import layout
from .target import epoch, symbol_address

PY_3_11 = layout.PY_3_11
PY_3_12 = layout.PY_3_12
PY_3_13 = layout.PY_3_13
PY_3_14 = layout.PY_3_14
PY_END = layout.PY_END


def supported(version):
    return version is not None and PY_3_11 <= version < PY_END

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
    """A structure at ADDRESS whose fields the Layout FIELDS names, with a PREFIX."""

    def __init__(self, fields, prefix, address):
        self._fields = fields
        self._prefix = prefix
        self.address = address

    @property
    def layout(self):
        return self._fields

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
            self.attached = self.get("state") == fields["tstate.state.attached"]
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
            bit = ts.layout["eval_breaker.async_exception_bit"]
            f.write(f.read() | bit if on else f.read() & ~bit)
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
    """struct _gil_runtime_state, with glibc's mutexes and condition
    variables in it read with GLIBC (layout.glibc_layout())."""

    def __init__(self, fields, address, glibc):
        super().__init__(fields, "gil.", address)
        self.glibc = glibc
        self.locked = _signed32(self.get("locked"))
        self.last_holder = self.get("last_holder")
        self.switch_number = self.get("switch_number")
        self.mutex_owner = _mutex_owner(glibc, self._member("mutex"))
        self.switch_mutex_owner = _mutex_owner(glibc, self._member("switch_mutex"))
        self.cond_ok = _cond_signal_cannot_wait(glibc, self._member("cond"))
        self.switch_cond_ok = _cond_signal_cannot_wait(glibc, self._member("switch_cond"))

    def _member(self, name):
        return self.address + self._fields["gil." + name].offset

    def waiters(self):
        """Threads counted as waiting on the GIL's two condition variables
        (glibc's __wrefs >> 3), cond and switch_cond."""
        wrefs = self.glibc["cond.wrefs"].offset
        return tuple(_read(self._member(name) + wrefs, 4) >> 3
                     for name in ("cond", "switch_cond"))

    @property
    def created(self):
        return self.locked is not None and self.locked >= 0


def _mutex_owner(glibc, mutex):
    """0 when the pthread mutex at MUTEX is free, else its owner's LWP (or -1 if unknown)."""
    if _read(mutex + glibc["mutex.lock"].offset, 4) == 0:
        return 0
    owner = _signed32(_read(mutex + glibc["mutex.owner"].offset, 4))
    return owner if owner > 0 else -1


def _cond_signal_cannot_wait(glibc, cond):
    """Whether pthread_cond_signal on the condvar at COND returns without
    waiting (glibc 2.25 and later).

    It waits for the condvar's internal lock (the low two bits of
    __g1_orig_size), and before glibc 2.41, when it must switch groups,
    for signalled waiters to leave the group (__g_refs); a waiter stopped
    by the debugger never leaves.  Conservative: no waiters at all, or the
    internal lock free and (before 2.41) no waiter still referencing the
    group to be closed."""
    wrefs = _read(cond + glibc["cond.wrefs"].offset, 4)
    if wrefs >> 3 == 0:
        return True
    if _read(cond + glibc["cond.g1_orig_size"].offset, 4) & 3:
        return False
    g_refs = glibc["cond.g_refs"]
    if g_refs is None:
        return True  # glibc 2.41+: signalling no longer waits for a group to drain
    g1 = (_read(cond + glibc["cond.wseq"].offset, 8) & 1) ^ 1
    return (_read(cond + g_refs.offset + 4 * g1, 4) >> 1) == 0


class Interpreter(_Struct):
    def __init__(self, fields, version, address, runtime):
        super().__init__(fields, "interp.", address)
        self.threads = []
        self.runtime = runtime
        if version >= PY_3_12:
            gil = self.get("gil")
            self.gil = Gil(fields, gil, runtime.glibc) if gil else None
        else:
            self.gil = Gil(fields, runtime.address + fields["runtime.gil"].offset, runtime.glibc)
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
        self.glibc = _glibc()
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


_glibc_cache = (None, None)


def _glibc():
    """layout.glibc_layout(), cached like the layout."""
    global _glibc_cache
    key = (gdb.selected_inferior().pid, len(gdb.objfiles()), epoch())
    if _glibc_cache[0] != key:
        _glibc_cache = (key, layout.glibc_layout())
    return _glibc_cache[1]


def _layout(version, address):
    """The process's layout.Layout; cached like python_version."""
    global _layout_cache
    key = (gdb.selected_inferior().pid, len(gdb.objfiles()), epoch(), version)
    if _layout_cache[0] == key:
        return _layout_cache[1]
    try:
        table = layout.from_table(version)
    except layout.Unknown as e:
        raise Unavailable(str(e))
    name = layout.version_name(version)
    try:
        gdb.lookup_type("PyThreadState")
        have_types = True
    except gdb.error:
        have_types = False
    if have_types:
        values, missing = layout.from_debug_info(version)
        if missing and _debug_build():
            raise Unavailable("CPython's debug information lacks facts py-hook reads (%s), and "
                              "this debug build's layout may differ from py-hook's table"
                              % ", ".join(missing[:5]))
        result = layout.Layout(version, table, "CPython's debug information")
        result.update(values)
        result.fallbacks = missing
    else:
        hint = "install python%s-dbg, or use a build with -g" % name
        if _debug_build():
            raise Unavailable("CPython's debug information is not loaded and this is a debug "
                              "build, whose layout py-hook has no table for (%s)" % hint)
        result = layout.Layout(version, table, "py-hook's built-in layout for %s "
                               "(no debug information)" % name)
        if version >= PY_3_13:
            try:
                published = layout.DebugOffsets(read_pointer, address, table, version)
            except layout.Unknown as e:
                raise Unavailable(str(e))
            layout.apply_published(result, published)
            if result.published_overrides:
                result.source += (", %d offsets as the process publishes them"
                                  % len(result.published_overrides))
    _layout_cache = (key, result)
    return result


def layout_of_process(version=None):
    """The process's layout.Layout; raises Unavailable with the reason."""
    return _located(version)[2]


def _located(version):
    """(version, _PyRuntime's address, Layout) of the process."""
    if version is None:
        version = python_version()
    if version is None:
        raise Unavailable("the process has no Py_Version symbol (not CPython 3.11+)")
    if not supported(version):
        raise Unavailable("py-hook knows no layout of CPython %s (it supports 3.11 to 3.15)"
                          % layout.version_name(version))
    address = symbol_address("_PyRuntime")
    if address is None:
        raise Unavailable("the process has no _PyRuntime symbol")
    try:
        return version, address, _layout(version, address)
    except (gdb.error, gdb.MemoryError) as e:
        raise Unavailable("reading _PyRuntime failed: %s" % e)


def read(version=None):
    """A Runtime, or raises Unavailable with the reason."""
    version, address, fields = _located(version)
    try:
        rt = Runtime(version, fields, address, fields.source)
        if not fields.source.startswith("CPython"):
            rt.check()
        return rt
    except (gdb.error, gdb.MemoryError) as e:
        raise Unavailable("reading _PyRuntime failed: %s" % e)
