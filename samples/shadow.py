"""A frame whose variables shadow builtins py-hook's own source could use.

`break getppid` stops in f() (line 13), whose arguments are named open,
len, __import__, type, exec and dict, and whose local x is {"a": 1}.
Unedited it prints:
  x {'a': 1} open True
"""
import os


def f(open=True, len=3, __import__=None, type=None, exec=None, dict=None):
    x = {"a": 1}
    os.getppid()  # the native stop: break getppid
    print("x", x, "open", open)


f()
