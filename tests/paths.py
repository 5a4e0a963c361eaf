# Sourced into gdb by tests/paths.bats (after py-hook): at every stop of a
# sample, lists the selected thread's frames with their variables from
# memory, through the helper, and from memory again, and prints one line
# per stop: "paths: stop N: same (K lines)" or "paths: stop N: DIFFER"
# followed by a unified diff.  The program then continues to its end, and
# its exit code is printed.
import difflib

import gdb

_stops = [0]


def _listing(option):
    try:
        text = gdb.execute("py-hook-bt --full" + option, to_string=True)
    except gdb.error as e:
        return "ERROR %s\n" % e
    # The helper's own frame objects may exist only after its first call;
    # nothing else may differ.
    return "".join(line + "\n" for line in text.splitlines()
                   if not line.startswith("py-hook: read from memory"))


def _compare(_event=None):
    _stops[0] += 1
    n = _stops[0]
    first = _listing(" --memory")
    helper = _listing("")
    second = _listing(" --memory")
    if first == helper == second and not helper.startswith("ERROR"):
        gdb.write("paths: stop %d: same (%d lines)\n" % (n, helper.count("\n")))
        return
    gdb.write("paths: stop %d: DIFFER\n" % n)
    for label, other in (("memory", first), ("memory-after", second)):
        for line in difflib.unified_diff(helper.splitlines(), other.splitlines(), "helper",
                                         label, lineterm=""):
            gdb.write(line + "\n")


class PathsCompare(gdb.Command):
    """paths-compare: compare the two paths at this stop."""

    def __init__(self):
        super().__init__("paths-compare", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        _compare()


class PathsRun(gdb.Command):
    """paths-run [MOST]: run the program, comparing at every stop (the first
    MOST, 100 by default), to its end; at the MOST-th stop every breakpoint
    is deleted."""

    def __init__(self):
        super().__init__("paths-run", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        # Counted afresh each run: one session may run several samples.
        most = int(arg) if arg.strip() else 100
        _stops[0] = 0
        exits = []

        def exited(event):
            exits.append(getattr(event, "exit_code", None))

        gdb.events.exited.connect(exited)
        try:
            gdb.execute("run", to_string=True)
            while gdb.selected_inferior().pid and _stops[0] < most:
                _compare()
                if _stops[0] == most:
                    gdb.execute("delete", to_string=True)
                gdb.execute("continue", to_string=True)
        finally:
            gdb.events.exited.disconnect(exited)
        gdb.write("paths: %d stops compared\n" % _stops[0])
        gdb.write("paths: exit code %s\n" % (exits[0] if exits else "none"))


PathsCompare()
PathsRun()
