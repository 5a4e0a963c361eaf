"""py-hook-status and py-hook-recover: what py-hook sees and what it can do
at this stop, and the way out of an unfinished call.

Everything py-hook-status shows is read from memory, Python's thread names
included (objects.py), apart from the helper's handshake, which runs no
Python code and allocates nothing, and is not made in a core file.  So it
works at any stop, including the ones where the other commands refuse, and
in a core file.
"""

import gdb

from . import VERSION, abi, context, inferior, objects, runtime, safety, target, threadinfo, view
from .errors import PyHookError, fail


def _python_text(version):
    if version is None:
        if _has_symbol("Py_GetVersion"):
            return "CPython older than 3.11 (no Py_Version): NOT SUPPORTED, py-hook supports 3.11 to 3.15"
        return "not found (no CPython C API in this process)"
    major, minor, micro = version >> 24, (version >> 16) & 0xFF, (version >> 8) & 0xFF
    level = {0xA: "a", 0xB: "b", 0xC: "rc"}.get((version >> 4) & 0xF, "")
    serial = version & 0xF
    text = "CPython %d.%d.%d%s" % (major, minor, micro, "%s%d" % (level, serial) if level else "")
    if not runtime.supported(version):
        return text + ": NOT SUPPORTED, py-hook supports 3.11 to 3.15"
    debug = _has_symbol("_Py_RefTotal") or _has_symbol("_Py_NegativeRefcount")
    text += ", %s build" % ("debug (Py_DEBUG)" if debug else "release")
    where = _library_of("Py_Version")
    text += ", %s" % ("in " + where if where else "linked into the executable")
    return text


def _has_symbol(name):
    return target.symbol_address(name) is not None


def _library_of(name):
    address = target.symbol_address(name)
    return gdb.solib_name(address) if address is not None else None


def _helper_text(inf):
    if target.is_core():
        loaded = target.helper_objfile()
        return ("%s (a core file: py-hook makes no calls in it)" % loaded) if loaded else \
            "not loaded (a core file: py-hook makes no calls in it)"
    try:
        channel = inferior.handshake_only(inf)
    except PyHookError as e:
        return "not usable: %s" % str(e).replace("py-hook: ", "", 1).split("\n")[0]
    path = _library_of("hook_handshake") or "libhookhelper.so"
    text = "libhookhelper.so %s (ABI %d), %s" % (
        abi.version_text(channel.helper_version), channel.abi_version, path)
    try:
        unfinished = inferior.unfinished_call(inf)
    except PyHookError:
        unfinished = 0
    if unfinished:
        text += "; an earlier call is unfinished (in-flight flags 0x%x): py-hook-recover" % unfinished
    return text


def _gil_column(ts, thread):
    if ts is None:
        return "-"
    gil = threadinfo.gil_state(ts, thread)
    # The innermost function with a name; without glibc's debug symbols
    # the innermost frames (inside glibc) have none, and the innermost
    # named one outside it (CPython's, such as pysleep) says where.
    where = gil.blocked_in or gil.released_in
    if gil.state == "released it" and where:
        return "released it (in %s)" % where
    return gil.state


class PyHookStatus(gdb.Command):
    """Show what py-hook sees in the process and what it can do at this stop.

Usage: py-hook-status
Shows the helper library and its version, the Python version and build,
whether the interpreter is initialized or shutting down, the GIL, and every
thread: gdb number, OS thread id (LWP), name, whether it has a Python
thread state, and whether it holds the GIL, waits for it, hands it over, or released it
around a blocking call.  Ends with the verdict for the selected thread:
what py-hook can do there now, and why.  Reads memory only (apart from the
helper's handshake, which runs no Python code and allocates nothing), so it
works wherever the other commands refuse."""

    USAGE = "py-hook-status"

    def __init__(self):
        super().__init__("py-hook-status", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise fail("py-hook-status takes no arguments\nUsage: py-hook-status")
        inf, selected = target.require_stopped_process()
        out = ["py-hook %s, process %d" % (VERSION, inf.pid)]
        out.append("Helper: %s" % _helper_text(inf))
        version = runtime.python_version()
        out.append("Python: %s" % _python_text(version))
        rt, why_not = None, None
        if runtime.supported(version):
            try:
                rt = runtime.read(version)
            except runtime.Unavailable as e:
                why_not = str(e)
        if rt is None:
            if why_not:
                out.append("Interpreter state: unknown: %s" % why_not)
        else:
            out.append("Interpreter: %s, %s; %d interpreter%s, %d Python thread state%s" % (
                "initialized" if rt.initialized else
                "shut down or shutting down" if rt.finalizing else "NOT initialized yet",
                "FINALIZING" if rt.finalizing else "not finalizing",
                len(rt.interpreters), "" if len(rt.interpreters) == 1 else "s",
                len(rt.threads), "" if len(rt.threads) == 1 else "s"))
            out.append("Runtime state: read from memory with %s" % rt.source)
            for name, table, published in rt.fields.published_overrides:
                out.append("  %s at %d, as the process publishes it (py-hook's table says %d)"
                           % (name, published, table))
            for interp in rt.interpreters:
                out.append("GIL%s: %s" % (
                    "" if len(rt.interpreters) == 1 else " of interpreter 0x%x" % interp.address,
                    self._gil_text(rt, interp)))
            collecting = any(i.gc_collecting for i in rt.interpreters)
            out.append("Garbage collection: %s" % ("IN PROGRESS" if collecting else "not running"))
        verdict, _ = self._verdict(selected)
        names, names_note = {}, None
        if rt is not None:
            try:
                names = objects.thread_names(rt)
            except (objects.Unreadable, gdb.error) as e:
                names_note = "Python thread names could not be read from memory (%s); OS " \
                    "names are shown" % e
        out.append("Threads:")
        rows = []
        for thread in sorted(inf.threads(), key=lambda t: t.num):
            lwp = thread.ptid[1]
            ts = rt.thread_for_lwp(lwp) if rt else None
            has = "?" if rt is None else ("yes" if ts else "no")
            gil = _gil_column(ts, thread) if rt else "?"
            rows.append((thread, lwp, names.get(lwp) or thread.name or "", has, gil))
        # Names are shown whole (Python's are not cut to the kernel's 16 bytes).
        width = max([16] + [len(row[2]) for row in rows])
        out.append("    %-4s %-8s %-*s %-7s %s" % ("#", "LWP", width, "name", "Python", "GIL"))
        for thread, lwp, name, has, gil in rows:
            out.append("  %s %-4d %-8d %-*s %-7s %s" % (
                "*" if thread.num == selected.num else " ", thread.num, lwp, width,
                view.printable(name), has, gil))
        if names_note:
            out.append("  (%s)" % names_note)
        out.append(verdict)
        gdb.write("\n".join(out) + "\n")

    @staticmethod
    def _gil_text(rt, interp):
        gil = interp.gil
        if gil is None or not gil.created:
            return "not created"
        if gil.locked:
            holder = rt.thread_at(gil.last_holder)
            return "held by %s (switches so far: %d)" % (
                safety.thread_label(holder.lwp) if holder else "a thread state at 0x%x" % gil.last_holder,
                gil.switch_number)
        busy = []
        if gil.mutex_owner or gil.switch_mutex_owner:
            busy.append("its mutexes are held")
        if not gil.cond_ok or not gil.switch_cond_ok:
            busy.append("a woken waiter has not taken it yet")
        return "free%s (switches so far: %d)" % (
            " but being handed over: " + ", ".join(busy) if busy else "", gil.switch_number)

    @staticmethod
    def _verdict(selected):
        head = "Selected thread %d: " % selected.num
        if target.is_core():
            return head + "this is a core file: py-hook reads its memory (this status) but " \
                "cannot call into it or change it.", False
        native = context.examine()
        if native.hazards:
            return head + "py-hook refuses to call into it (--force overrides): it is inside " + \
                "; ".join(h.describe() for h in native.hazards) + ".", False
        try:
            unfinished = inferior.unfinished_call(gdb.selected_inferior())
        except PyHookError:
            unfinished = 0
        if unfinished:
            return head + "py-hook refuses to call into it: an earlier py-hook call has not " \
                "finished; run py-hook-recover on the thread it ran on.", False
        try:
            plan = safety.plan(selected, force=False)
        except PyHookError as e:
            return head + "py-hook refuses to call into it: " + str(e).replace("py-hook: ", "", 1), False
        if not plan.verdict:
            if not runtime.supported(runtime.python_version()):
                return head + "py-hook cannot act: this is not a CPython it supports (3.11 to " \
                    "3.15).", False
            return head + "py-hook leaves the decision to the helper (the interpreter is not " \
                "running normally); a command will say why it cannot act.", False
        return head + "py-hook can read and edit its Python frames now: " + plan.verdict + ".", True


class PyHookRecover(gdb.Command):
    """Undo what an unfinished py-hook call left in the program.

Usage: py-hook-recover
py-hook recovers by itself after a call it interrupts or that crashes.  Use
this command when another one says an earlier py-hook call has not finished
(gdb was killed or detached during a call, or a call was made by hand): on
the thread that call ran on, it gives the thread the GIL as the call found
it, resumes the garbage collector and the thread's tracing, puts its pending
exception back, and lets py-hook calls in again.  Run it on that thread (the
message names it), not while the call is still on its stack."""

    USAGE = "py-hook-recover"

    def __init__(self):
        super().__init__("py-hook-recover", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise fail("py-hook-recover takes no arguments\nUsage: py-hook-recover")
        inf, thread = target.require_stopped_process()
        gdb.write(inferior.recover(inf, thread) + "\n")


COMMANDS = (PyHookStatus, PyHookRecover)
