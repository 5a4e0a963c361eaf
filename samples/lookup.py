"""Attribute lookups that would run code, for py-hook-explain.

`break getppid` stops in f() (line 27), whose statement reads p.x (p's
class defines __getattribute__), a.d (a data descriptor on the class,
shadowing an instance attribute of that name), a.plain (a class
attribute), a.own (an instance attribute), a.meth (a method), lz.real and
lz.other (lz's class defines __getattr__).  Unedited it prints:
  SIDE EFFECT
  ('proxied-x', 'from-descriptor', 5, 1, 'lazy-other')
"""
import os
class Prop:
    def __get__(self, o, t=None): print("SIDE EFFECT"); return "from-descriptor"
    def __set__(self, o, v): pass
class Proxy:
    def __getattribute__(self, n): return "proxied-" + n
class Lazy:
    def __getattr__(self, n): return "lazy-" + n
class A:
    d = Prop()
    plain = 5
    def meth(self): pass
p = Proxy(); object.__setattr__(p, "x", "raw-x")
a = A(); a.__dict__["d"] = "instance-dict-d"; a.own = 1
lz = Lazy(); lz.real = 2
def f():
    v = (p.x, a.d, a.plain, a.own, a.meth, lz.real, lz.other, os.getppid())
    print((v[0], v[1], v[2], v[3], v[6]))


f()
