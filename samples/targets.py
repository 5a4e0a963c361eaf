"""Attribute and item targets for py-hook-set.

`break getppid` stops in run() (line 22), whose locals are cfg (a Config
with .timeout 30), table (a dict) and items (a list).  Unedited it prints:
  timeout 30
  table {'k': 1, 'a b': 2}
  items ['a', 'b']
"""

import os


class Config:
    def __init__(self):
        self.timeout = 30


def run():
    cfg = Config()
    table = {"k": 1, "a b": 2}
    items = ["a", "b"]
    os.getppid()  # the native stop: break getppid
    print("timeout", cfg.timeout)
    print("table", table)
    print("items", items)


run()
