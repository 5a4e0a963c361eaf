"""py-hook: list Python frames, read and edit their locals, from gdb.

register() is called once by gdb/py_hook.py; it is idempotent so that
sourcing the loader twice does not define the commands twice.
"""

import os

import gdb

VERSION = "0.8.0"

from . import catch, cmd_catch, cmd_eval, cmd_explain, cmd_locals, cmd_pickle, cmd_stack, cmd_status, cmd_tasks, inferior, inject, selection, settings, target  # noqa: E402

_registered = False


def _overview(commands):
    lines = [
        "py-hook: inspect and edit the Python frames of the stopped thread.",
        "",
        "Usage: py-hook   (lists the commands, like this help)",
        "",
    ]
    for cls in commands:
        lines.append("%-15s -- %s" % (cls.NAME_FOR_HELP, cls.__doc__.splitlines()[0]))
    lines += [
        "",
        "The target needs libhookhelper.so: preloaded (LD_PRELOAD), or loaded into a",
        "running process with py-hook-inject.  Type 'help COMMAND' for each command's",
        "usage; 'show py-hook' for the settings.",
    ]
    return "\n".join(lines)


def _library_candidates(here):
    # From the source tree: gdb/ -> build/.  Installed: share/py-hook/gdb -> lib/.
    yield os.path.join(here, os.pardir, "build", "libhookhelper.so")
    yield os.path.join(here, os.pardir, os.pardir, os.pardir, "lib", "libhookhelper.so")


def register(here):
    global _registered
    for candidate in _library_candidates(here):
        if os.path.exists(candidate):
            inferior.set_library_hint(os.path.realpath(candidate))
            break
    if _registered:
        return
    _registered = True
    commands = (cmd_stack.COMMANDS + cmd_locals.COMMANDS + cmd_eval.COMMANDS + cmd_pickle.COMMANDS + cmd_catch.COMMANDS
                + cmd_explain.COMMANDS + cmd_tasks.COMMANDS + cmd_status.COMMANDS
                + inject.COMMANDS)
    for cls in commands:
        cls.NAME_FOR_HELP = getattr(cls, "NAME", None) or cls.USAGE.split()[0]
        cls()

    class PyHook(gdb.Command):
        def __init__(self):
            super().__init__("py-hook", gdb.COMMAND_SUPPORT)

        def invoke(self, arg, from_tty):
            gdb.write(self.__doc__ + "\n")

    for cls in cmd_eval.FUNCTIONS:
        cls()

    PyHook.__doc__ = _overview(commands)
    PyHook()
    settings.register()
    selection.register()
    catch.register()
    gdb.events.exited.connect(lambda _e: inferior.forget())
    # exec: same process id, a new image at new addresses (ASLR).
    gdb.events.clear_objfiles.connect(target.new_image)
