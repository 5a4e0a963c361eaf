"""Dies of SIGSEGV inside a C call (ctypes reads address 0), for core files.

main() holds locals `a` (1) and `label` ("crash") when it crashes.
"""

import ctypes


def main():
    a = 1
    label = "crash"
    ctypes.string_at(0)  # SIGSEGV in the C library
    print(a, label)


main()
