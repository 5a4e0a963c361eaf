"""One gdb that runs many test sessions in turn (sourced by tests/helper.bash).

Starting gdb and reading an interpreter's debug information costs a test
0.4 to 1.5 s; running the program once more in a gdb that has them costs
0.1 s.  So helper.bash's gdb_session hands a session whose commands leave
nothing behind (see served_session there) to a gdb started for the bats
run, the interpreter and the debug files, which runs the sessions of every
test file one after another: serve(DIR, PROGRAM, INODE) waits for
DIR/req.N/ready, runs that session and writes its status to
DIR/req.N/status.

A session runs as `gdb -batch` would run it from -ex options: gdb's stdout
and stderr go to the session's files, each command runs and prints its error
as gdb's top level does, and the status is 1 when the last command failed,
else 0.  Before it, the inferior's environment and gdb's working directory
are made the test's; after it, every process is killed, every breakpoint
deleted and py-hook's settings put back, so the next session starts as a new
gdb would (but for breakpoint numbers, which go on counting, and the value
history: helper.bash gives a session that prints a new gdb once a value is
in it).
"""

import os
import time

import gdb


def _read_env(path):
    with open(path, "rb") as f:
        items = f.read().split(b"\0")
    env = {}
    for item in items:
        if b"=" in item:
            key, value = item.split(b"=", 1)
            env[key.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
    return env


def _read_list(path):
    with open(path, "rb") as f:
        return [c.decode("utf-8", "surrogateescape") for c in f.read().split(b"\0") if c]


def _setting_text(value):
    """VALUE of gdb.parameter as `set` takes it."""
    if value is None:
        return "unlimited"
    if value is True or value is False:
        return "on" if value else "off"
    return str(value)


def _pyhook_settings():
    """py-hook's settings (from `help set py-hook`) and their values now."""
    text = gdb.execute("help set py-hook", to_string=True)
    settings = {}
    for line in text.splitlines():
        if line.startswith("set py-hook ") and " -- " in line:
            name = line[len("set py-hook "):].split(" -- ")[0].strip()
            settings[name] = _setting_text(gdb.parameter("py-hook " + name))
    return settings


def _restore_settings(saved):
    for name, value in saved.items():
        if _setting_text(gdb.parameter("py-hook " + name)) != value:
            gdb.execute("set py-hook %s %s" % (name, value), to_string=True)


def _saved_settings(commands):
    """The gdb settings the session's `set NAME VALUE` commands change
    (NAME one or two words), with their values now."""
    saved = {}
    for command in commands:
        words = command.split()
        if len(words) < 3 or words[0] != "set" or words[1] in ("var", "variable", "py-hook",
                                                                "environment"):
            continue
        for name in (" ".join(words[1:3]), words[1]):
            try:
                saved.setdefault(name, _setting_text(gdb.parameter(name)))
                break
            except RuntimeError:
                continue
    return saved


def _restore_environment(commands, env):
    """Puts back the variables the session's `set environment` and `unset
    environment` commands changed, as the test's environment has them."""
    names = set()
    for command in commands:
        words = command.split(None, 2)
        if len(words) >= 2 and words[0] in ("set", "unset") and words[1] == "environment":
            if len(words) == 2:
                names.update(env)
            else:
                names.add(words[2].split("=")[0].split()[0])
    for name in sorted(names):
        if name in env:
            _quiet("set environment %s=%s" % (name, env[name]))
        else:
            _quiet("unset environment " + name)


def _quiet(command):
    try:
        gdb.execute(command, to_string=True)
    except gdb.error:
        pass


def _kill_all():
    live = [inf for inf in gdb.inferiors() if inf.pid]
    if len(gdb.inferiors()) == 1:
        if live:
            _quiet("kill")
        return
    for inf in live:
        _quiet("inferior %d" % inf.num)
        _quiet("kill")
    _quiet("inferior 1")


def _executable_is(name):
    """Whether the current inferior's executable (as `info inferiors`
    names it, gdb 13 having no Python API for it) is NAME."""
    for line in gdb.execute("info inferiors", to_string=True).splitlines():
        if line.startswith("*"):
            return line.rstrip().endswith(" " + name)
    return False


class _Redirect:
    """gdb's stdout and stderr (fds 1 and 2) go to two files for a while."""

    def __init__(self, out, err):
        self.files = (out, err)

    def __enter__(self):
        gdb.flush(gdb.STDOUT)
        gdb.flush(gdb.STDERR)
        self.saved = (os.dup(1), os.dup(2))
        for fd, path in zip((1, 2), self.files):
            new = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(new, fd)
            os.close(new)

    def __exit__(self, *exc):
        gdb.flush(gdb.STDOUT)
        gdb.flush(gdb.STDERR)
        for fd, saved in zip((1, 2), self.saved):
            os.dup2(saved, fd)
            os.close(saved)


def _session(req, env, settings, program):
    with open(os.path.join(req, "cwd")) as f:
        cwd = f.read()
    setup, commands = (_read_list(os.path.join(req, name)) for name in ("setup", "commands"))
    new_env = _read_env(os.path.join(req, "env"))
    for key in sorted(set(env) | set(new_env)):
        if key not in new_env:
            _quiet("unset environment " + key)
        elif env.get(key) != new_env[key]:
            _quiet("set environment %s=%s" % (key, new_env[key]))
    env.clear()
    env.update(new_env)
    if os.getcwd() != cwd:
        _quiet("cd " + cwd)
    saved = _saved_settings(commands)
    failed = False
    with _Redirect(os.path.join(req, "stdout"), os.path.join(req, "stderr")):
        # What gdb_session gives as -ex options before the test's commands
        # (set args, set environment): they print nothing.
        for command in setup:
            gdb.execute(command, to_string=True)
        for command in commands:
            try:
                gdb.execute(command)
                failed = False
            except KeyboardInterrupt:
                gdb.write("Quit\n", gdb.STDERR)
                failed = True
            except gdb.error as e:
                gdb.write("%s\n" % e, gdb.STDERR)
                failed = True
        # gdb -batch kills what still runs when it exits, silently.
        _kill_all()
    _quiet("delete")
    _restore_settings(settings)
    for name, value in saved.items():
        _quiet("set %s %s" % (name, value))
    _restore_environment(commands, env)
    # A program that exec'd another left that one as the inferior's file,
    # or the same file by another name (the name the next run starts it
    # by).  `file` again, not `exec-file`: gdb 13's exec-file leaves
    # breakpoints on shared libraries unresolved in every later run.
    if gdb.current_progspace().filename != program[1] or \
            not _executable_is(program[0]):
        _quiet("file " + program[0])
    return 1 if failed else 0


def serve(directory, program, inode, idle=120):
    """Runs DIR/req.1, DIR/req.2, ... as they become ready; returns (and
    gdb exits) when DIR/quit appears or DIR is gone (helper.bash's
    retire_served, or bats removing the run's directory at its end), or
    when IDLE seconds pass without a session.  PROGRAM is the program file
    as gdb was given it: gdb runs it by that name (a test that signals its
    program finds it by it) though it keeps the file's real path (pyenv's
    python3 is a link to python3.12).  INODE is DIR's inode when gdb was
    started: retire_served moves DIR aside and the next session makes a new
    DIR for a new gdb, even before this one has started; this one must then
    stop, not serve that one's sessions."""
    env = _read_env(os.path.join(directory, "env"))
    settings = _pyhook_settings()
    program = (program, gdb.current_progspace().filename)
    number = 1
    last = time.monotonic()
    while True:
        try:
            ours = os.stat(directory).st_ino == inode
        except FileNotFoundError:
            ours = False
        if not ours or os.path.exists(os.path.join(directory, "quit")):
            return
        req = os.path.join(directory, "req.%d" % number)
        if os.path.exists(os.path.join(req, "ready")):
            status = _session(req, env, settings, program)
            with open(os.path.join(req, "status.tmp"), "w") as f:
                f.write("%d\n" % status)
            # gdb's value history ($1, $2, ...) cannot be emptied: a later
            # session that prints gets a new gdb (helper.bash).
            if gdb.execute("show values", to_string=True).strip():
                open(os.path.join(directory, "history-used"), "w").close()
            os.rename(os.path.join(req, "status.tmp"), os.path.join(req, "status"))
            number += 1
            last = time.monotonic()
            continue
        if time.monotonic() - last > idle:
            return
        time.sleep(0.01)
