#!/usr/bin/env python3
"""Arbiter's fork server for LiveCodeBench grading (the driver's `lcb` op).

Started once per container by the driver (driver.py), by fork and exec, with LiveCodeBench's
prelude modules already imported so that each child starts warm. It never sees a job's code or
data: the driver writes those into the job's own directory and sends the zygote only where that
directory is and which limits apply. For each job the zygote forks a child, passes the driver the
read end of the child's event pipe, waits for the child, and reports how it ended. The child sets
up its streams and limits, reads its job, and runs LiveCodeBench's harness on it.

Because the zygote was started by exec, not forked from the driver, a job's process holds no other
job's code, inputs or expected outputs in its memory.

Protocol on fd 3 (SOCK_SEQPACKET), as for zygote_plain.py:
  request  dir NUL work NUL address-space bytes NUL cpu seconds NUL file-size bytes
  answer   b"pid <pid>" with the event pipe's read end attached, then
           b"exit <wait status> <cpu ms> <max rss kB>" when the child has ended
"""

import ast
import ctypes
import gc
import json
import os
import resource
import signal
import socket
import sys
import time

CONTROL_FD = 3


def make_undumpable():
    """Same-uid processes may not ptrace or read the memory of a non-dumpable process."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
    except OSError:
        pass


def apply_rlimits(mem, cpu, fsize):
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def fresh_std_streams(stdin_path, out_path, err_path):
    """Point fds 0-2 at the job's files and rebuild sys.std* around them."""
    fd = os.open(stdin_path, os.O_RDONLY)
    os.dup2(fd, 0)
    os.close(fd)
    for target, path in ((1, out_path), (2, err_path)):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, target)
        os.close(fd)
    # An explicit encoding spares a locale lookup per child (several ms of copy-on-write faults).
    sys.stdin = open(0, "r", encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr


def child(fields, event_fd):
    """In the forked child: never returns."""
    code = 70
    try:
        d, work = fields[0], fields[1]
        limits = [int(x) for x in fields[2:5]]
        os.setsid()
        os.chdir(work)
        with open(os.path.join(d, "job.json"), encoding="utf-8") as f:
            job = json.load(f)
        fresh_std_streams(os.path.join(d, "stdin"), os.path.join(d, "stdout"), os.path.join(d, "stderr"))
        os.closerange(3, event_fd)
        os.closerange(event_fd + 1, 1 << 16)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        # Python ignores SIGXFSZ; restore the default so exceeding the file limit ends the job.
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
        apply_rlimits(*limits)
        code = lcb_child(job, event_fd)
    except SystemExit as e:
        if isinstance(e.code, int):
            code = e.code
        elif e.code is None:
            code = 0
        else:
            code = 1
            try:
                print(e.code, file=sys.stderr)
            except BaseException:
                pass
    except BaseException as e:
        code = 1
        try:
            import traceback

            # Show the program's frames, not ours.
            tb = e.__traceback__
            while tb is not None and tb.tb_frame.f_code.co_filename != "main.py":
                tb = tb.tb_next
            traceback.print_exception(type(e), e, tb)
        except BaseException:
            pass
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(code if isinstance(code, int) else 0)


# ---------------------------------------------------------------------------------------------
# LiveCodeBench grading, reproducing lcb_runner/evaluation/testing_util.py's observable behaviour:
# the prelude, the stdin wrapping, the mocked stdin, Python == for call-based answers, SIGALRM per
# test, and the stop at the first failure. Stdin answers are compared by the driver, which alone
# holds the expected outputs.

LCB_PRELUDE_MODULES = [
    "string", "re", "datetime", "collections", "heapq", "bisect", "copy", "math", "random", "statistics",
    "itertools", "functools", "operator", "io", "sys", "json", "builtins", "typing",
]
LCB_PRELUDE = (
    "".join("from %s import *\n" % m for m in LCB_PRELUDE_MODULES)
    + "".join("import %s\n" % m for m in LCB_PRELUDE_MODULES if m not in ("builtins", "typing"))
    + "sys.setrecursionlimit(50000)\n"
)


class TimeoutException(Exception):
    pass


def _on_timer(signum, frame):
    raise TimeoutException


def lcb_unwrap_main(code):
    """Inline a trailing `if __name__ == '__main__':` block, as LCB does before wrapping."""
    try:
        tree = ast.parse(code)
        last = tree.body[-1]
        if isinstance(last, ast.If) and ast.unparse(last.test).strip() == "__name__ == '__main__'":
            code = ast.unparse(tree.body[:-1]) + "\n" + ast.unparse(last.body)
    except Exception:
        pass
    return code


def lcb_wrap_stdin_program(code):
    """Hoist top-level imports; put every other top-level statement into wrapped_function()."""
    try:
        tree = ast.parse(code)
        imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
        body = [s for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom))]
        func = ast.FunctionDef(
            name="wrapped_function",
            args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
            body=body,
            decorator_list=[],
            lineno=-1,
        )
        return LCB_PRELUDE + "\n" + ast.unparse(imports) + "\n" + ast.unparse(func)
    except Exception:
        return code


def lcb_compile(code, timeout, arm):
    import types

    arm(timeout)
    try:
        module = types.ModuleType("tmp_sol", "")
        exec(code, module.__dict__)
        return module.Solution() if "class Solution" in code else module
    finally:
        arm(0)


def lcb_reliability_guard():
    """The same disabling of destructive functions that LCB applies before running a generation."""
    import builtins
    import shutil as _shutil
    import subprocess

    os.environ["OMP_NUM_THREADS"] = "1"
    for name in (
        "kill", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir", "setuid", "fork", "forkpty",
        "killpg", "rename", "renames", "truncate", "replace", "unlink", "fchmod", "fchown", "chmod", "chown",
        "chroot", "lchflags", "lchmod", "lchown", "getcwd", "chdir",
    ):
        setattr(os, name, None)
    _shutil.rmtree = None
    _shutil.move = None
    _shutil.chown = None
    subprocess.Popen = None
    builtins.quit = None
    builtins.help = None
    for mod in ("ipdb", "joblib", "resource", "psutil", "tkinter"):
        sys.modules[mod] = None


class _MockBytes:
    def __init__(self, text):
        self._data = text.encode("utf-8")

    def read(self, *args):
        return self._data

    def readline(self, *args):
        return self._data.split(b"\n")[0] + b"\n"


class _MockStdin:
    """Stands in for sys.stdin the way LCB's does: readline walks the lines without their newline."""

    def __init__(self, text):
        import io

        self._text = text
        self._sio = io.StringIO(text)
        self._lines = iter(text.split("\n"))

    @property
    def buffer(self):
        return _MockBytes(self._text)

    def read(self, *args):
        return self._text

    def readline(self, *args):
        return next(self._lines)

    def readlines(self, *args):
        return self._text.split("\n")

    def __getattr__(self, name):
        return getattr(self._sio, name)


def _open_returning(text):
    """Stands in for builtins.open during a test: any file opened reads as the test input."""
    import io

    def fake_open(*args, **kwargs):
        return io.StringIO(text)

    return fake_open


def lcb_call_stdin(method, text):
    import builtins

    saved_stdin, saved_open = sys.stdin, builtins.open
    sys.stdin = _MockStdin(text)
    builtins.open = _open_returning(text)
    try:
        try:
            return method()
        except SystemExit:
            pass
    finally:
        sys.stdin, builtins.open = saved_stdin, saved_open


class _Capture:
    def __enter__(self):
        import io

        self._saved = sys.stdout
        self._sio = io.StringIO()
        self._sio.close = lambda *a: 1
        sys.stdout = self._sio
        self.value = ""
        return self

    def __exit__(self, *exc):
        self.value = self._sio.getvalue()
        sys.stdout = self._saved
        return False


def lcb_child(req, wfd):
    """Runs in the forked child: compile, then each test under its timer; one line per event on wfd."""
    out = os.fdopen(wfd, "w", buffering=1)

    def emit(obj):
        out.write(json.dumps(obj) + "\n")
        out.flush()

    timeout = int(req.get("timeout_s", 6))
    cpu_clock = req.get("clock", "wall") == "cpu"
    signal.signal(signal.SIGALRM, _on_timer)
    signal.signal(signal.SIGPROF, _on_timer)

    def arm(seconds):
        if cpu_clock:
            signal.setitimer(signal.ITIMER_PROF, seconds)
        else:
            signal.alarm(seconds)

    sys.set_int_max_str_digits(50000)
    import io  # noqa: F401  (imported before the guard, as the harness needs them after it)
    import types  # noqa: F401

    fn_name = req.get("fn_name")
    inputs = req["inputs"]
    lcb_reliability_guard()
    try:
        if fn_name:
            compiled = lcb_compile(LCB_PRELUDE + "\n\n" + req["code"], timeout, arm)
            method = getattr(compiled, fn_name)
        else:
            compiled = lcb_compile(lcb_wrap_stdin_program(lcb_unwrap_main(req["code"])), timeout, arm)
            method = getattr(compiled, "wrapped_function")
        if fn_name:
            args_per_test = [[json.loads(line) for line in text.split("\n")] for text in inputs]
            expected = [json.loads(o) for o in req["outputs"]]
    except BaseException as e:
        emit({"event": "compile_error", "error": repr(e)[:2000]})
        return 0
    emit({"event": "compiled"})
    for idx in range(len(inputs)):
        t0, c0 = time.perf_counter(), time.process_time()
        arm(timeout)
        try:
            if fn_name:
                prediction = method(*args_per_test[idx])
            else:
                with _Capture() as cap:
                    lcb_call_stdin(method, inputs[idx])
            arm(0)
        except BaseException as e:
            arm(0)
            timing = {"wall_ms": int((time.perf_counter() - t0) * 1000), "cpu_ms": int((time.process_time() - c0) * 1000)}
            code = -3 if "timeoutexception" in repr(e).lower() else -4
            emit(dict(event="test", index=idx, code=code, error=repr(e)[:2000], **timing))
            return 0
        timing = {"wall_ms": int((time.perf_counter() - t0) * 1000), "cpu_ms": int((time.process_time() - c0) * 1000)}
        if fn_name:
            if isinstance(prediction, tuple):
                prediction = list(prediction)
            passed = prediction == expected[idx]
            if not isinstance(passed, bool):
                passed = bool(passed)
            emit(dict(event="test", index=idx, code=True if passed else False, output=repr(prediction)[:300], **timing))
            if not passed:
                return 0
        else:
            # The parent compares: the child never sees the expected stdout.
            emit(dict(event="output", index=idx, output=cap.value, **timing))
    return 0



def warm_up():
    """Import and exercise what children use, once, so each fork starts warm."""
    import importlib
    import io

    for name in LCB_PRELUDE_MODULES + ["types", "traceback", "ast", "subprocess", "shutil"]:
        importlib.import_module(name)
    for _ in range(2):
        with open(os.devnull, "w", encoding="utf-8") as sink, open(os.devnull, "r", encoding="utf-8"):
            saved = sys.stdout
            sys.stdout = sink
            try:
                exec(compile("print(1)", "main.py", "exec"), {"__name__": "__main__"})
            finally:
                sys.stdout = saved
        lcb_wrap_stdin_program(lcb_unwrap_main("import sys\nprint(1)\n"))
        io.StringIO("x").read()


def main():
    warm_up()
    gc.freeze()  # children inherit a frozen heap: their collector never walks (and copies) our objects
    make_undumpable()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    ctl = socket.socket(fileno=CONTROL_FD)
    ctl.sendall(b"ready %d" % os.getpid())

    while True:
        msg = ctl.recv(1 << 16)
        if not msg:
            return
        fields = msg.decode("utf-8", "surrogateescape").split("\0")
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            ctl.close()
            os.close(r)
            child(fields, w)
        os.close(w)
        socket.send_fds(ctl, [b"pid %d" % pid], [r])
        os.close(r)
        _, status, ru = os.wait4(pid, 0)
        ctl.sendall(b"exit %d %d %d" % (status, int((ru.ru_utime + ru.ru_stime) * 1000), ru.ru_maxrss))


if __name__ == "__main__":
    main()
