#!/usr/bin/env python3
"""Arbiter's fork server for LiveCodeBench grading (the driver's `lcb` op).

Started once per container by the driver (driver.py), by fork and exec. Before serving it runs
LiveCodeBench's prelude into the module that each child will execute its program in, and applies
LiveCodeBench's reliability guard to itself, so that every child starts with both done. On this
kind of machine a child's cost is mostly copy-on-write page faults (about 20 us each, measured),
so work done once here, instead of in every child, is most of the speed of grading. It never sees
a job's code or data: the driver writes those into the job's own directory (with the program
already wrapped as LCB wraps it) and sends the zygote only where that directory is and which
limits apply. For each job the zygote forks a child, passes the driver the
read end of the child's event pipe, waits for the child, and reports how it ended. The child sets
up its streams and limits, reads its job, and runs LiveCodeBench's harness on it.

Because the zygote was started by exec, not forked from the driver, a job's process holds no other
job's code, inputs or expected outputs in its memory.

Protocol on fd 3 (SOCK_SEQPACKET), as for zygote_plain.py, except that the hello also gives the
prelude's line count (b"ready <pid> <lines>"), which the driver needs to wrap programs as LCB does:
  request  dir NUL work NUL address-space bytes NUL cpu seconds NUL file-size bytes
  answer   b"pid <pid>" with the event pipe's read end attached, then
           b"exit <wait status> <cpu ms> <max rss kB>" when the child has ended
"""

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


def std_streams():
    """sys.std* on fds 0-2, made once in the zygote (whose fds 0-2 are /dev/null and are never
    used): a child points the fds at its job's files and inherits the objects unread and unwritten.
    An explicit encoding spares a locale lookup."""
    sys.stdin = open(0, "r", encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr


def read_file(path):
    """A file's text by bare reads: a text-mode open() in a child costs about 2 ms of page faults."""
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks).decode("utf-8")
            chunks.append(chunk)
    finally:
        os.close(fd)


def redirect_std_fds(stdin_path, out_path, err_path):
    """Point fds 0-2 at the job's files."""
    fd = os.open(stdin_path, os.O_RDONLY)
    os.dup2(fd, 0)
    os.close(fd)
    for target, path in ((1, out_path), (2, err_path)):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, target)
        os.close(fd)


def child(fields, event_fd):
    """In the forked child: never returns."""
    code = 70
    try:
        d, work = fields[0], fields[1]
        limits = [int(x) for x in fields[2:5]]
        os.setsid()
        _chdir(work)
        job = json.loads(read_file(os.path.join(d, "job.json")))
        redirect_std_fds(os.path.join(d, "stdin"), os.path.join(d, "stdout"), os.path.join(d, "stderr"))
        os.closerange(3, event_fd)
        os.closerange(event_fd + 1, 1 << 16)
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


# The module each child's program runs in. Built once, with the prelude already run in it; every
# child has its own copy-on-write copy, so no program sees another's definitions.
SOLUTION_MODULE = None


def prepare_solution_module():
    import types

    global SOLUTION_MODULE
    SOLUTION_MODULE = types.ModuleType("tmp_sol", "")
    exec(compile(LCB_PRELUDE, "<string>", "exec"), SOLUTION_MODULE.__dict__)


def lcb_compile(source, pad_lines, timeout, arm):
    """The program after the prelude. A `pass` stands in for each of the prelude's lines, so that
    line numbers in errors are the ones LCB reports for prelude + program, and the program is not
    at the start of its file (a `from __future__` import fails there, as in LCB). LCB looks for
    "class Solution" in what it compiles: for stdin programs that is the rewritten source, without
    comments."""
    arm(timeout)
    try:
        module = SOLUTION_MODULE
        exec(compile("pass\n" * pad_lines + source, "<string>", "exec"), module.__dict__)
        return module.Solution() if "class Solution" in source else module
    finally:
        arm(0)


# The zygote keeps what it and its children's setup need before the guard takes them from os.
_fork = os.fork
_chdir = os.chdir


def lcb_reliability_guard():
    """The same disabling of destructive functions that LCB applies before running a generation.
    Applied once, in the zygote: each child inherits it, as it inherits the prelude."""
    import builtins
    import shutil as _shutil

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
    disable_popen()
    builtins.quit = None
    builtins.help = None


def lcb_block_modules():
    """The guard's last step, taken in each child: the zygote itself still needs `resource`, which
    os.wait4 imports."""
    for mod in ("ipdb", "joblib", "resource", "psutil", "tkinter"):
        sys.modules[mod] = None


class _PopenDisabled:
    """Finds `subprocess` for a program that imports it, and sets its Popen to None once loaded."""

    def find_spec(self, name, path=None, target=None):
        if name != "subprocess":
            return None
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _PopenDisablingLoader(spec.loader)
        return spec


class _PopenDisablingLoader:
    def __init__(self, inner):
        self._inner = inner

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        self._inner.exec_module(module)
        module.Popen = None


def disable_popen():
    """LCB's guard sets subprocess.Popen to None. The zygote does not import subprocess: it brings
    threading, whose fork hooks cost every child about 3 ms (measured). Popen is cleared when a
    program imports subprocess instead, which the program cannot tell apart."""
    loaded = sys.modules.get("subprocess")
    if loaded is not None:
        loaded.Popen = None
    else:
        sys.meta_path.insert(0, _PopenDisabled())


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
    def emit(obj):
        data = memoryview((json.dumps(obj) + "\n").encode("utf-8"))
        while data:
            data = data[os.write(wfd, data):]

    timeout = int(req.get("timeout_s", 6))
    cpu_clock = req.get("clock", "wall") == "cpu"

    def arm(seconds):
        if cpu_clock:
            signal.setitimer(signal.ITIMER_PROF, seconds)
        else:
            signal.alarm(seconds)

    fn_name = req.get("fn_name")
    inputs = req["inputs"]
    lcb_block_modules()
    try:
        compiled = lcb_compile(req["source"], int(req["pad_lines"]), timeout, arm)
        method = getattr(compiled, fn_name if fn_name else "wrapped_function")
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

    for name in LCB_PRELUDE_MODULES + ["types", "traceback", "shutil", "importlib.machinery"]:
        importlib.import_module(name)
    for _ in range(2):
        with open(os.devnull, "w", encoding="utf-8") as sink, open(os.devnull, "r", encoding="utf-8"):
            saved = sys.stdout
            sys.stdout = sink
            try:
                exec(compile("print(1)", "main.py", "exec"), {"__name__": "__main__"})
            finally:
                sys.stdout = saved
        io.StringIO("x").read()


def main():
    warm_up()
    make_undumpable()
    prepare_solution_module()
    std_streams()
    sys.set_int_max_str_digits(50000)
    lcb_reliability_guard()
    gc.freeze()  # children inherit a frozen heap: their collector never walks (and copies) our objects
    # The dispositions every child needs, set once here. A signal that reaches the zygote itself
    # ends it, and the driver starts another.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGALRM, _on_timer)
    signal.signal(signal.SIGPROF, _on_timer)
    # Python ignores SIGXFSZ; restore the default so exceeding the file limit ends the job.
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    ctl = socket.socket(fileno=CONTROL_FD)
    ctl.sendall(b"ready %d %d" % (os.getpid(), LCB_PRELUDE.count("\n")))

    while True:
        msg = ctl.recv(1 << 16)
        if not msg:
            return
        fields = msg.decode("utf-8", "surrogateescape").split("\0")
        r, w = os.pipe()
        pid = _fork()
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
