"""The seed scenario: a local edited at a native stop changes what follows.

Stop it in gdb with `break getppid` (os.getppid() is the native call that
main() makes), then `py-hook-set a 1000` and `continue`: it prints 1000, 1001
and 101 instead of 1, 2 and 101.
"""

import os

GLOBAL_VAR = 100


def f(n):
    return n + 1


def main():
    a = 1
    os.getppid()  # the native stop: break getppid
    b = f(a)
    c = f(GLOBAL_VAR)
    print(a)
    print(b)
    print(c)


if __name__ == "__main__":
    main()
