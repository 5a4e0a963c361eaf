#!/usr/bin/env bats
# Completion of py-hook's commands, through gdb's own 'complete' command:
# variable names, attributes after a dot (read from memory), frame
# numbers and options.  samples/explain.py stops in Worker.run(self, table).

load helper

completions() {
    gdb_session "$(sample explain.py)" < <(printf '%s\n' "break getppid" run "$@" continue)
}

@test "variable and global names complete for set, eval, exec, save and load; attributes after a dot, through chains and modules" {
    completions "complete py-hook-set se" "complete py-hook-eval SC" "complete py-hook-exec ta" \
        "complete py-hook-save self.co" "complete py-hook-load self.conf." "complete py-hook-eval len(self.conf.l" \
        "complete py-hook-exec x = os.getpp" "complete py-hook-print Wor"
    assert_success
    refute_traceback
    assert_line "py-hook-set self"
    assert_line "py-hook-eval SCALE"
    assert_line "py-hook-exec table"
    assert_line "py-hook-save self.conf"
    assert_line "py-hook-load self.conf.limit"
    assert_line "py-hook-load self.conf.name"
    assert_line "py-hook-eval len(self.conf.limit"
    assert_line "py-hook-exec x = os.getppid"
    assert_line "py-hook-print Worker"
    refute_line --partial "self.__"
    assert_equal "$(program_output)" "over True size 3"
}

@test "frame numbers and options complete; --frame N completes the names of frame N; dunder names only when asked" {
    completions "complete py-hook-eval --f" "complete py-hook-eval --frame " "complete py-hook-eval --frame 1 Wo" \
        "complete py-hook-locals --g" "complete py-hook-locals " "complete py-hook-frame 1" "complete py-hook-bt --a" \
        "complete py-hook-explain " "complete py-hook-catch d" "complete py-hook-eval self.__d" \
        "complete py-hook-eval nothing.x" "complete py-hook-eval SCALE.real.x"
    assert_success
    refute_traceback
    assert_line "py-hook-eval --force"
    assert_line "py-hook-eval --frame"
    assert_line "py-hook-eval --frame 0"
    assert_line "py-hook-eval --frame 1"
    assert_line "py-hook-eval --frame 1 Worker"
    assert_line "py-hook-locals --globals"
    assert_line "py-hook-locals 0"
    assert_line "py-hook-locals 1"
    assert_line "py-hook-frame 1"
    assert_line "py-hook-bt --all"
    assert_line "py-hook-explain 1"
    assert_line "py-hook-catch delete"
    assert_line "py-hook-eval self.__dict__"
    refute_line --partial "nothing.x"
    assert_equal "$(program_output)" "over True size 3"
}

@test "with no process, completion offers nothing and says nothing" {
    gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex "complete py-hook-set a" -ex "complete py-hook-locals " \
        -ex "complete py-hook-eval x."
    assert_success
    refute_traceback
    assert_output ""
}

@test "after a dot that follows no name chain nothing completes; a repeated catchpoint number is deleted once" {
    completions "complete py-hook-eval ()." "complete py-hook-eval 1." "py-hook-catch raise KeyError" \
        "py-hook-catch delete 1 1" "py-hook-catch"
    assert_success
    refute_traceback
    refute_line --partial "()."
    refute_line --partial "py-hook-eval 1."
    assert_line "deleted 1 catchpoint"
    assert_line "No py-hook catchpoints."
    assert_equal "$(program_output)" "over True size 3"
}
