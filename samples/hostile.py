"""Huge and hostile values, for listing them both ways (tests/paths.bats).

`break getppid` stops in hostile(), whose locals are: a dict of 2,000,000
items, a set of 1,000,000, a list of 5,000,000, a 50 MB str, an int of
100,000 digits, an instance with an attribute whose name is 100,000
characters long, and a deeply nested list.  Prints "hostile done".
"""

import os


class Bag:
    pass


def hostile():
    big_dict = {i: i for i in range(2_000_000)}
    big_set = set(range(1_000_000))
    big_list = list(range(5_000_000))
    big_str = "x" * 50_000_000
    big_int = 10**100_000
    bag = Bag()
    setattr(bag, "n" * 100_000, 1)
    nested = []
    for _ in range(100_000):
        nested = [nested]
    os.getppid()  # the native stop: break getppid
    return len(big_dict) + len(big_set) + len(big_list) + len(big_str) + (big_int > 0)


hostile()
print("hostile done")
