"""Argument parsing shared by the commands."""

import gdb

from .errors import usage


def frame_number(text, command, usage_line, what="frame number"):
    """TEXT as a frame number (or, with WHAT="count", a count of frames)."""
    try:
        n = int(text, 10)
    except ValueError:
        raise usage(command, "%r is not a %s" % (text, what), usage_line)
    if n < 0:
        if what == "count":
            raise usage(command, "COUNT must be 0 or more, got %d (to go the other way, use "
                        "the other command)" % n, usage_line)
        if what == "level":
            raise usage(command, "levels start at 0 (the task's coroutine), got %d" % n,
                        usage_line)
        raise usage(command, "frame numbers start at 0 (innermost), got %d" % n, usage_line)
    if n >= 2**32:
        raise usage(command, "%s %d is out of range" % (what, n), usage_line)
    return n


def split(arg, command, usage_line):
    try:
        return gdb.string_to_argv(arg)
    except Exception as e:  # unbalanced quotes
        raise usage(command, str(e), usage_line)


def reject_options(argv, command, usage_line, allowed=(), what="frame number"):
    for a in argv:
        if a.startswith("-") and a not in allowed and not a.lstrip("-").isdigit():
            raise usage(command, "unknown option %r" % a, usage_line)
        if a.startswith("-") and a.lstrip("-").isdigit():
            frame_number(a, command, usage_line, what)


def take_flag(argv, flag):
    """Removes every FLAG from ARGV; whether there was one."""
    found = flag in argv
    argv[:] = [a for a in argv if a != flag]
    return found


def optional_number(arg, command, usage_line, default, what="frame number", flags=()):
    """(the one optional number argument of COMMAND or DEFAULT, the set of
    options given among --force, --memory and FLAGS)."""
    argv = split(arg, command, usage_line)
    given = {flag for flag in ("--force", "--memory") + tuple(flags) if take_flag(argv, flag)}
    if {"--force", "--memory"} <= given:
        raise usage(command, "--force and --memory exclude each other: --force makes a call "
                    "where py-hook finds it unsafe, --memory makes none", usage_line)
    reject_options(argv, command, usage_line, what=what)
    if len(argv) > 1:
        raise usage(command, "too many arguments", usage_line)
    number = frame_number(argv[0], command, usage_line, what) if argv else default
    return number, given
