"""Attributes read on classes, and on instances of builtin subclasses, for
py-hook-explain.

`break getppid` stops in f() (line 39).  The metaclass property, the
descriptor and the metaclass __getattribute__ print when the program itself
reads them.  Unedited it prints:
  META SIDE
  DESC SIDE
  DESC SIDE
  ('meta-x', 42, 'ga', 3, 1, 5)
"""
import os
class Meta(type):
    @property
    def x(cls): print("META SIDE"); return "meta-x"
class C(metaclass=Meta):
    x = "class-dict-x"
class Desc:
    def __get__(self, o, t=None): print("DESC SIDE"); return 42
class D:
    d = Desc()
    @classmethod
    def cm(cls): pass
    @staticmethod
    def sm(): pass
    plain = 3
class Sub(D): pass
class GMeta(type):
    def __getattribute__(cls, n): return "ga"
class G(metaclass=GMeta):
    y = 1
class L(list): pass
class AppErr(Exception):
    def __init__(self):
        super().__init__("x"); self.code = 5
l = L(); l.tag = 1
err = AppErr()
def f():
    v = (C.x, D.d, Sub.d, G.y, D.cm, D.sm, Sub.plain, l.tag, err.code, os.getppid())
    print((v[0], v[1], v[3], v[6], v[7], v[8]))
f()
