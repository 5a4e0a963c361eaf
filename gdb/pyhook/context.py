"""Where on its native stack the selected thread stopped, and whether that is
a place where py-hook may call into the target.

A helper call allocates (frame objects, reply text) and may run Python code
(py-hook-set evaluates EXPR).  Neither is safe when the thread stopped
half-way through code that holds a lock those need, or left a data
structure half-updated:

- the C allocator: glibc's arena lock is not recursive, so a malloc from
  the same thread deadlocks (observed: stopped in _int_malloc with two
  threads, compiling an expression hangs);
- CPython's allocators: pymalloc's pools are updated without a lock, under
  the GIL, on the assumption that nothing re-enters them;
- a garbage collection: objects are linked in temporary lists with tagged
  pointers while the collector runs;
- the dynamic loader: it holds its own recursive lock, and lazy binding of
  a symbol the call needs would take it from inside itself;
- fork: glibc holds every malloc arena lock around fork;
- a signal handler: the interrupted code may be any of the above;
- an unfinished call gdb made earlier (the user stopped inside it).

Only the frames between the innermost one and the innermost frame of
CPython's bytecode interpreter are examined: below that frame, Python code
is already running, which is exactly as safe as running more of it.  A
thread not running Python code is examined to its outermost frame.  Frames
are recognised by name (glibc's and CPython's internal names with debug
symbols, the exported entry points without: an internal function is always
reached from one of those), by gdb's signal-trampoline and dummy frame
types, and, for the loader, by the library the code is in.
"""

import os

import gdb

# Frame names are compared after stripping glibc's aliases (__GI_, __libc_).
_C_ALLOCATOR = {
    "malloc", "free", "calloc", "realloc", "reallocarray", "memalign", "valloc",
    "pvalloc", "posix_memalign", "aligned_alloc", "malloc_trim", "malloc_usable_size",
    "mallinfo", "mallinfo2", "malloc_stats", "malloc_info", "mallopt", "cfree",
    "_int_malloc", "_int_free", "_int_realloc", "_int_memalign", "malloc_consolidate",
    "sysmalloc", "systrim", "arena_get2", "arena_get_retry", "reused_arena",
    "get_free_list", "tcache_init", "tcache_get", "tcache_put", "tcache_thread_shutdown",
    "ptmalloc_init", "malloc_hook_ini", "unlink_chunk", "_int_free_merge_chunk",
    "_int_free_create_chunk", "_int_free_maybe_consolidate", "heap_trim",
    "new_heap", "alloc_new_heap", "grow_heap", "shrink_heap", "mremap_chunk",
    "munmap_chunk", "_mid_memalign", "int_mallinfo", "checked_request2size",
    "sysmalloc_mmap", "sysmalloc_mmap_fallback", "detach_arena", "malloc_printerr",
    "malloc_arena_thread_freeres", "glibc_morecore", "mallinfo2",
}
_PY_ALLOCATOR = {
    "PyMem_Malloc", "PyMem_Calloc", "PyMem_Realloc", "PyMem_Free",
    "PyMem_RawMalloc", "PyMem_RawCalloc", "PyMem_RawRealloc", "PyMem_RawFree",
    "PyObject_Malloc", "PyObject_Calloc", "PyObject_Realloc", "PyObject_Free",
    "_PyObject_Malloc", "_PyObject_Calloc", "_PyObject_Realloc", "_PyObject_Free",
    "_PyMem_RawMalloc", "_PyMem_RawCalloc", "_PyMem_RawRealloc", "_PyMem_RawFree",
    "_PyMem_DebugMalloc", "_PyMem_DebugCalloc", "_PyMem_DebugRealloc", "_PyMem_DebugFree",
    "_PyMem_DebugRawMalloc", "_PyMem_DebugRawCalloc", "_PyMem_DebugRawRealloc",
    "_PyMem_DebugRawFree", "_PyMem_DebugRawAlloc",
    "pymalloc_alloc", "pymalloc_free", "pymalloc_realloc", "allocate_from_new_pool",
    "insert_to_usedpool", "insert_to_freepool", "new_arena", "_PyObject_VirtualAlloc",
    # pymalloc's other static helpers (Objects/obmalloc.c): a call unwound
    # inside one of them was seen to leave the pools corrupt.
    "pymalloc_pool_extend", "address_in_range", "arena_map_get", "arena_map_mark_used",
    "arena_map_is_used",
    "_PyObject_VirtualFree", "_PyObject_ArenaMmap", "_PyObject_ArenaMunmap",
    "_PyObject_GC_Link", "gc_alloc", "_PyObject_GC_New", "_PyObject_GC_NewVar",
    "_PyObject_GC_Resize", "PyObject_GC_Del", "_PyObject_GC_Alloc",
    "_PyObject_MiMalloc", "_PyObject_MiCalloc", "_PyObject_MiRealloc", "_PyObject_MiFree",
    "_PyMem_MiMalloc", "_PyMem_MiCalloc", "_PyMem_MiRealloc", "_PyMem_MiFree",
}
# mimalloc, inside CPython 3.13.
_PY_ALLOCATOR_PREFIXES = ("mi_", "_mi_")
_GC = {
    "gc_collect_main", "gc_collect_with_callback", "gc_collect_generations",
    "gc_collect_impl", "gc_collect_region", "gc_collect_full", "gc_collect_young",
    "gc_collect_increment", "_PyGC_Collect", "_PyGC_CollectNoFail", "PyGC_Collect",
    "PyUnstable_GC_VisitObjects", "_Py_RunGC", "_PyGC_CollectIfEnabled",
    "collect", "collect_with_callback", "collect_generations",
    "update_refs", "subtract_refs", "visit_decref", "visit_reachable",
    "move_unreachable", "deduce_unreachable", "move_legacy_finalizers",
    "move_legacy_finalizer_reachable", "handle_weakrefs", "finalize_garbage",
    "delete_garbage", "handle_legacy_finalizers", "check_garbage",
    "untrack_tuples", "untrack_dicts", "gc_list_merge", "invoke_gc_callback",
}
_LOADER = {
    "dlopen", "dlmopen", "dlclose", "dlsym", "dlvsym", "dladdr", "dladdr1", "dlinfo",
    "dl_iterate_phdr", "_dl_open", "_dl_close", "_dl_catch_error", "_dl_catch_exception",
    "dlopen_doit", "dlclose_doit", "dlsym_doit", "_dl_sym", "_dl_vsym",
    "_dl_runtime_resolve_xsave", "_dl_runtime_resolve_xsavec", "_dl_runtime_resolve_fxsave",
    "_dl_fixup", "_dl_lookup_symbol_x", "_dl_map_object", "_dl_relocate_object",
    "_dl_init", "call_init", "_dl_fini", "__tls_get_addr", "_dl_update_slotinfo",
    "_dl_allocate_tls", "_dl_deallocate_tls", "_dlerror_run", "dlopen_implementation",
    "dlopen_mode",
}
_FORK = {
    "fork", "_Fork", "vfork", "arch_fork", "run_prefork_handlers", "run_postfork_handlers",
    "__run_fork_handlers", "malloc_fork_lock_parent", "malloc_fork_unlock_parent",
    "malloc_fork_unlock_child", "nss_database_fork_prepare_parent",
    "PyOS_BeforeFork", "PyOS_AfterFork_Parent", "PyOS_AfterFork_Child",
}
# CPython's own signal handlers (they run in signal context too; the
# trampoline frame below them is what is matched first).
_SIGNAL = {"signal_handler", "trip_signal", "faulthandler_fatal_error", "faulthandler_user"}

# The bytecode interpreter's frame function in 3.11 to 3.15.
_EVAL = {"_PyEval_EvalFrameDefault"}

# What each hazard is called in messages.
ALLOCATOR = "the C allocator"
PY_ALLOCATOR = "CPython's memory allocator"
GC = "a garbage collection"
LOADER = "the dynamic loader"
FORK = "fork"
SIGNAL = "a signal handler"
CALL = "a function gdb called (an unfinished 'call' or 'print')"

WHY = {
    ALLOCATOR: "it may hold the allocator's lock, and the call allocates: it would deadlock",
    PY_ALLOCATOR: "its pools may be half-updated, and the call allocates from them",
    GC: "objects are in the collector's temporary lists, and the call creates and frees objects",
    LOADER: "it holds the loader's lock and may have half-loaded a library",
    FORK: "glibc holds every malloc lock while it forks",
    SIGNAL: "the code it interrupted may hold any lock the call needs",
    CALL: "a helper call would nest inside it",
}

_MAX_FRAMES = 4096


_KNOWN = _C_ALLOCATOR | _LOADER | _FORK


def _plain(name):
    """NAME without a compiler suffix (.isra.0, .lto_priv.0, .cold) and
    without glibc's alias prefixes (__GI___libc_malloc, ___dlopen, __GI__Fork)."""
    name = name.split(".", 1)[0]
    if name in _KNOWN:
        return name
    for prefix in ("__GI___libc_", "__GI___", "__GI__", "__GI_", "__libc_", "___", "__"):
        if name.startswith(prefix) and name[len(prefix):] in _KNOWN:
            return name[len(prefix):]
    return name


def classify(frame):
    """The hazard kind of one native frame (ALLOCATOR, GC, ...), or None."""
    return _classify(frame)


def _classify(frame):
    t = frame.type()
    if t == gdb.SIGTRAMP_FRAME:
        return SIGNAL
    if t == gdb.DUMMY_FRAME:
        return CALL
    name = frame.name()
    if name:
        name = _plain(name)
        if name in _C_ALLOCATOR:
            return ALLOCATOR
        if name in _PY_ALLOCATOR or name.startswith(_PY_ALLOCATOR_PREFIXES):
            return PY_ALLOCATOR
        if name in _GC:
            return GC
        if name in _LOADER:
            return LOADER
        if name in _FORK:
            return FORK
        if name in _SIGNAL:
            return SIGNAL
    try:
        lib = gdb.solib_name(frame.pc())
    except gdb.error:
        lib = None
    if lib and os.path.basename(lib).startswith("ld-linux"):
        return LOADER
    return None


class Hazard:
    def __init__(self, kind, level, function):
        self.kind = kind
        self.level = level  # gdb frame number (0 innermost)
        self.function = function

    def describe(self):
        where = "in %s" % self.function if self.function else "at a frame without a name"
        return "%s (frame #%d %s): %s" % (self.kind, self.level, where, WHY[self.kind])


class NativeContext:
    """What the selected thread's native stack says about calling into it."""

    def __init__(self, hazards, eval_level, complete):
        self.hazards = hazards
        self.eval_level = eval_level  # gdb frame number of the innermost eval frame, or None
        self.complete = complete  # False when the walk gave up before the end

    @property
    def safe(self):
        return not self.hazards and self.complete


def examine():
    """Walks the selected thread's frames up to its innermost eval frame."""
    hazards = []
    try:
        frame = gdb.newest_frame()
    except gdb.error:
        return NativeContext([], None, False)
    seen = set()
    level = 0
    while frame is not None and level < _MAX_FRAMES:
        level = frame.level()
        try:
            name = frame.name()
        except gdb.error:
            name = None
        if name in _EVAL and frame.type() != gdb.INLINE_FRAME:
            return NativeContext(hazards, level, True)
        kind = _classify(frame)
        if kind is not None and kind not in seen:
            seen.add(kind)
            hazards.append(Hazard(kind, level, name))
        try:
            frame = frame.older()
        except gdb.error:
            frame = None
    return NativeContext(hazards, None, frame is None)
