"""py-hook-inject and py-hook-attach: the helper for a process started without it.

Injection is one dlopen of libhookhelper.so, made by the stopped thread:

1. Refuse where dlopen could deadlock or corrupt: the thread inside the C
   allocator, the dynamic loader, fork or a signal handler (dlopen
   allocates and takes the loader's lock, and is not async-signal-safe),
   or another thread inside the allocator or the loader (with only this
   thread running, it would wait for their locks for good).
2. mmap one page, readable and executable, and write into it, through
   ptrace, the stub of helper/inject.S and the library's path.  mmap and
   munmap are plain system-call wrappers, so gdb's own calls of them leave
   the extended register state alone.
3. Call the stub, which calls dlopen (and dlerror on failure) with the
   extended state saved and restored around it, like the helper's own
   entry points: gdb 13 cannot write that state back on AMX CPUs.
4. munmap the page; handshake with the loaded helper as for any command.

The helper's constructor only looks up CPython's C API with dlsym; no
Python code runs and the GIL is not needed, so any Python thread, holding
the GIL or not, may load it.
"""

import os
import re

import gdb

from . import abi, args, context, inferior, runtime, target
from .errors import fail, usage

# helper/inject.S, assembled (make build/inject.bin; tests/once/stub.bats
# checks the two agree).
STUB = bytes.fromhex(
    "554889e5534154415541564989fc4989f54989d6fcb80100000031c90fa20fbae11b7370"
    "b80d00000031c90fa24889e04829d84883e0c04839c476164881ec001000004839c47303"
    "4889c448830c2400ebe531c0b908000000488984ccf8010000ffc975f4b8ffffffffbaff"
    "ffffff480fae24244c89ef4c89f641ffd44989c4b8ffffffffbaffffffff480fae2c244c"
    "89e0eb0d4883e4f04c89ef4c89f641ffd4488d65e0415e415d415c5b5dc3"
)

_PAGE = 4096
_PATH_AT = 256  # the library's path, after the stub
_PROT_READ_EXEC = 0x1 | 0x4
_MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20
_RTLD_NOW = 0x2
_MAP_FAILED = 0xFFFFFFFFFFFFFFFF

# Where dlopen must not run: in the calling thread, inside these (CPython's
# allocator and collector do not matter, dlopen runs no Python code) ...
_UNSAFE_HERE = (context.ALLOCATOR, context.LOADER, context.FORK, context.SIGNAL, context.CALL)
# ... and in another thread, inside these: it may hold a lock dlopen takes.
_BLOCKING_ELSEWHERE = (context.ALLOCATOR, context.LOADER, context.FORK)


def _hazards_of_other_threads(selected):
    found = []
    for t in gdb.selected_inferior().threads():
        if t.ptid == selected.ptid or not t.is_valid():
            continue
        t.switch()
        for h in context.examine().hazards:
            if h.kind in _BLOCKING_ELSEWHERE:
                found.append((t, h))
    return found  # the caller selects its thread and frame again


def _check_safe(thread, force):
    frame = gdb.selected_frame()
    try:
        mine = [h for h in context.examine().hazards if h.kind in _UNSAFE_HERE]
        others = _hazards_of_other_threads(thread)
    finally:
        thread.switch()
        frame.select()
    lines = ["thread %d is inside %s" % (thread.num, h.describe()) for h in mine]
    lines += ["thread %d is inside %s" % (t.num, h.describe()) for t, h in others]
    if not lines:
        return
    if force:
        gdb.write("py-hook: warning: --force: loading the helper although %s\n"
                  % "; ".join(lines), gdb.STDERR)
        return
    raise fail(
        "not loading the helper now: dlopen allocates and takes the loader's lock, and\n  "
        + "\n  ".join(lines)
        + "\nLet the program run to a better place and stop again (a breakpoint on a function "
        "its Python code calls, such as 'break getppid' or 'break PyObject_Vectorcall', then "
        "'continue'), or repeat with --force, which may deadlock or corrupt the program."
    )


def _older_python():
    """'CPython 3.X (from FILE)' for a process running a CPython too old to
    have Py_Version (before 3.11), told by its library's or program's name;
    None when it shows no CPython at all."""
    if target.symbol_address("Py_Initialize") is None:
        return None
    names = [o.filename for o in gdb.objfiles() if o.is_valid() and o.filename]
    names.append(gdb.current_progspace().filename or "")
    for pattern in (r"libpython(\d+)\.(\d+)", r"python(\d+)\.(\d+)"):
        for name in names:
            m = re.search(pattern, os.path.basename(name))
            if m:
                return "CPython %s.%s (from %s)" % (m.group(1), m.group(2), os.path.basename(name))
    return "a CPython older than 3.11"


def _check_python(inf):
    version = runtime.python_version()
    if version is None:
        older = _older_python()
        if older:
            raise fail("process %d runs %s, which py-hook does not support (it serves 3.11 to "
                       "3.15); nothing was loaded" % (inf.pid, older))
        raise fail(
            "process %d shows no CPython in it (no Py_Initialize symbol): py-hook serves "
            "CPython 3.11 to 3.15 only; nothing was loaded" % inf.pid
        )
    if not runtime.supported(version):
        raise fail(
            "process %d runs CPython %d.%d, which py-hook does not support (it serves 3.11 to "
            "3.15); nothing was loaded" % (inf.pid, (version >> 24) & 0xFF, (version >> 16) & 0xFF)
        )


def _library(path):
    path = os.path.abspath(os.path.expanduser(path or inferior.library_path()))
    if not os.path.isfile(path):
        raise fail("%s does not exist; build it with 'make', or name the library: "
                   "py-hook-inject /path/to/libhookhelper.so" % path)
    if len(path.encode()) + 1 > _PAGE - _PATH_AT:
        raise fail("the library's path is longer than %d bytes; install it somewhere shorter"
                   % (_PAGE - _PATH_AT - 1))
    return path


def _must(name):
    address = target.symbol_address(name)
    if address is None:
        raise fail("the process has no %s (is it linked against glibc?); cannot load the "
                   "helper into it" % name)
    return address


def _read_c_string(inf, address, limit=1024):
    if not address:
        return ""
    data = bytes(inf.read_memory(address, limit))
    return data.split(b"\0", 1)[0].decode("utf-8", "replace")


def _call(what, address, arguments):
    return inferior.call_function(address, arguments, what, "the process")


def load(path=None, force=False):
    """Loads the helper into the selected process unless it is there."""
    inf, thread = target.require_stopped_process()
    target.require_live("py-hook-inject")
    loaded = target.helper_objfile()
    if loaded is not None:
        gdb.write("py-hook: %s is already loaded in process %d (%s); nothing to do.\n"
                  % (os.path.basename(loaded), inf.pid, loaded))
        return
    _check_python(inf)
    library = _library(path)
    _check_safe(thread, force)
    mmap, munmap = _must("mmap"), _must("munmap")
    dlopen = target.symbol_address("dlopen") or _must("__libc_dlopen_mode")
    dlerror = target.symbol_address("dlerror")
    page = _call("mmap", mmap, (0, _PAGE, _PROT_READ_EXEC, _MAP_PRIVATE_ANONYMOUS, -1, 0))
    if page == _MAP_FAILED or page == 0:
        raise fail("mmap of one page failed in process %d; nothing was loaded" % inf.pid)
    try:
        inf.write_memory(page, STUB)
        inf.write_memory(page + _PATH_AT, library.encode() + b"\0")
        handle = _call("dlopen", page, (dlopen, page + _PATH_AT, _RTLD_NOW))
        reason = ""
        if not handle and dlerror:
            reason = _read_c_string(inf, _call("dlerror", page, (dlerror, 0, 0)))
    finally:
        try:
            _call("munmap", munmap, (page, _PAGE))
        except gdb.GdbError as e:
            gdb.write("py-hook: warning: could not unmap the loader stub's page at 0x%x: %s\n"
                      % (page, e), gdb.STDERR)
    if not handle:
        raise fail("dlopen(%s) failed in process %d: %s" % (library, inf.pid, reason or "no reason given"))
    inferior.forget()
    channel = inferior.handshake_only(inf)
    gdb.write("py-hook: loaded %s into process %d (helper %s, ABI %d); the py-hook commands "
              "work now.\n" % (library, inf.pid, abi.version_text(channel.helper_version),
                               channel.abi_version))


class PyHookInject(gdb.Command):
    """Load the py-hook helper into a process that was started without it.

Usage: py-hook-inject [--force] [LIBRARY]
For a process attached with 'gdb -p PID' (or 'attach PID') that was not
started with LD_PRELOAD=libhookhelper.so: loads LIBRARY (default: the
libhookhelper.so of this py-hook) with dlopen, called by the selected
thread, after which every py-hook command works as if it had been preloaded.
Does nothing when the helper is loaded already.
Refuses while a thread is inside the C allocator, the dynamic loader, fork
or (the selected one) a signal handler, where dlopen could deadlock; stop
the program somewhere else, or give --force."""

    USAGE = "py-hook-inject [--force] [LIBRARY]"

    def __init__(self):
        super().__init__("py-hook-inject", gdb.COMMAND_RUNNING, gdb.COMPLETE_FILENAME)

    def invoke(self, arg, from_tty):
        argv = args.split(arg, "py-hook-inject", self.USAGE)
        force = args.take_flag(argv, "--force")
        args.reject_options(argv, "py-hook-inject", self.USAGE)
        if len(argv) > 1:
            raise usage("py-hook-inject", "too many arguments", self.USAGE)
        load(argv[0] if argv else None, force)


_YAMA = "/proc/sys/kernel/yama/ptrace_scope"


def _yama_scope():
    try:
        with open(os.environ.get("PYHOOK_TEST_YAMA_FILE", _YAMA)) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def ptrace_refusal(pid, detail):
    """The explanation of an attach that ptrace refused (EPERM)."""
    scope = _yama_scope()
    lines = ["attaching to process %d failed: %s" % (pid, detail)]
    if scope is None:
        lines.append(
            "The kernel has no Yama ptrace_scope setting, so the refusal comes from ordinary "
            "permissions: gdb may only trace processes of its own user, and not setuid ones, "
            "unless it runs as root or with CAP_SYS_PTRACE.  Fix: run gdb as the process's user, "
            "or 'sudo gdb -p %d' (in a container: --cap-add=SYS_PTRACE)." % pid)
    elif scope == 1:
        lines.append(
            "Yama's kernel.yama.ptrace_scope is 1: a process may only be traced by its parent "
            "(or a debugger it allowed with prctl(PR_SET_PTRACER)).  Fix, any one of: "
            "'sudo sysctl kernel.yama.ptrace_scope=0' (until reboot), 'sudo gdb -p %d', or "
            "start the program under gdb ('py-hook run')." % pid)
    elif scope == 2:
        lines.append(
            "Yama's kernel.yama.ptrace_scope is 2: only root (CAP_SYS_PTRACE) may attach.  "
            "Fix: 'sudo gdb -p %d', or 'sudo sysctl kernel.yama.ptrace_scope=1' or 0." % pid)
    elif scope >= 3:
        lines.append(
            "Yama's kernel.yama.ptrace_scope is %d: attaching is disabled for everyone until the "
            "machine reboots.  Fix: start the program under gdb instead ('py-hook run'), or "
            "reboot with a lower setting." % scope)
    else:
        lines.append(
            "Yama's ptrace_scope is 0, so the refusal comes from ordinary permissions: gdb may "
            "only trace processes of its own user, unless it runs as root or with CAP_SYS_PTRACE.  "
            "Fix: run gdb as the process's user, or 'sudo gdb -p %d'." % pid)
    return fail("\n".join(lines))


class PyHookAttach(gdb.Command):
    """Attach to a running Python process and load the helper if it lacks it.

Usage: py-hook-attach [--force] PID
'attach PID', then py-hook-inject unless the program was started with the
helper preloaded.  When the kernel refuses the attach (ptrace permissions,
Yama's ptrace_scope), says why and how to allow it.  --force: as for
py-hook-inject."""

    USAGE = "py-hook-attach [--force] PID"

    def __init__(self):
        super().__init__("py-hook-attach", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        argv = args.split(arg, "py-hook-attach", self.USAGE)
        force = args.take_flag(argv, "--force")
        args.reject_options(argv, "py-hook-attach", self.USAGE)
        if len(argv) != 1:
            raise usage("py-hook-attach", "one PID is needed" if not argv else "too many arguments",
                        self.USAGE)
        try:
            pid = int(argv[0], 10)
        except ValueError:
            raise usage("py-hook-attach", "%r is not a process ID" % argv[0], self.USAGE)
        if pid <= 0 or not os.path.exists("/proc/%d" % pid):
            raise fail("there is no process %d (see 'ps' or 'pgrep -f app.py')" % pid)
        if gdb.selected_inferior().pid != 0:
            raise fail("gdb already has process %d; 'detach' first" % gdb.selected_inferior().pid)
        try:
            gdb.execute("attach %d" % pid, to_string=not from_tty)
        except gdb.error as e:
            text = str(e)
            if "not permitted" in text or "EPERM" in text:
                raise ptrace_refusal(pid, text)
            raise fail("attaching to process %d failed: %s" % (pid, text))
        load(None, force)


COMMANDS = (PyHookInject, PyHookAttach)
