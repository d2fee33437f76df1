#!/usr/bin/env python3
"""Arbiter's fork server for LiveCodeBench grading (the driver's `lcb` op).

Started once per container by the driver (driver.py), by fork and exec; it runs as root, like the
driver. Before serving it runs LiveCodeBench's prelude into the module that each child will execute
its program in, and applies LiveCodeBench's reliability guard to itself, so that every child starts
with both done. On this kind of machine a child's cost is mostly page faults, and every page this
server writes between two forks faults again after the next one, so work done once here, instead
of in every child, and the fewest objects touched per job on both sides of the fork, are most of
the speed of grading.

It never sees a job's data. The driver writes the program (already wrapped and compiled as LCB's
runner would) into the job's folder and sends the zygote only where that folder is and which
limits apply. For each job the zygote opens the job's files and channels (it never reads them),
forks a child, waits for it, and reports how it ended. The child becomes the job's uid
(jobfiles.become_job), loads the program, and then serves the driver: the driver sends one test's
input at a time and the child answers with what the program printed (stdin problems) or with the
return value in a plain data encoding (call-based problems). The driver alone holds the expected
outputs, counts the tests, keeps the clocks and decides every verdict; nothing the child writes is
believed beyond "this is the program's answer to the test the driver just sent".

Because the zygote was started by exec, not forked from the driver, a job's process holds no other
job's code, inputs or expected outputs in its memory.

Protocol on fd 3 (SOCK_SEQPACKET, one message each), as for zygote_plain.py, except that the
hello also gives the prelude's line count (b"ready <pid> <lines>"), which the driver needs to wrap
programs as LCB does:
  request  dir NUL address-space bytes NUL cpu seconds NUL file-size bytes; the directory holds
           stdin, job.marshal and the FIFOs cmd and res, whose other ends the driver holds open
  answer   b"pid <pid>", then b"exit <wait status> <cpu ms> <max rss kB>" when the child has ended;
           or b"error <why>" when the job's files cannot be opened
Channels, in frames of b"<kind> <n>\n" + n bytes (driver to child: b"<n>\n" + n bytes of one
test's input). Child to driver: P (numpy is loaded; first, and only when the request asks, before
any of the program's code has run), L (loaded), E (the program did not compile or load; the error),
O (stdout of a stdin test), V (a call-based test's return value, encoded by encode_value), N (a
return value that is not plain data; its type), T (the test ran out of time), X (the test raised;
the error).
"""

import builtins
import gc
import io
import json
import marshal
import os
import resource
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves this folder off the path
from jobfiles import Job, become_job, make_undumpable  # noqa: E402

del sys.path[0]  # and off it again before any job runs

CONTROL_FD = 3


def std_streams():
    """sys.std* on fds 0-2, made once in the zygote (whose fds 0-2 are /dev/null and are never
    used): a child points the fds at its job's files and inherits the objects unread and unwritten.
    An explicit encoding spares a locale lookup."""
    sys.stdin = open(0, "r", encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr


def child(job):
    """In the forked child: never returns."""
    code = 70
    try:
        blob = os.read(job.fds[3], job.size)  # one read: the file is on a tmpfs, size known
        become_job(job, keep=job.fds[4:6])
        req = marshal.loads(blob)
        del blob
        code = lcb_child(req, 3, 4)
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


def lcb_compile(req, timeout, arm):
    """The program after the prelude, run in the solution module. The driver has usually compiled
    it already (see lcb_code in driver.py) and sends the code object; when the driver's compile
    failed, the source comes instead and is compiled here, under the timer, so that the error is
    the one LCB's own compile gives."""
    arm(timeout)
    try:
        module = SOLUTION_MODULE
        code = req["code"]
        if isinstance(code, str):
            code = compile("pass\n" * req["pad_lines"] + code, "<string>", "exec")
        exec(code, module.__dict__)
        return module.Solution() if req["has_solution"] else module
    finally:
        arm(0)


# The zygote keeps what it and its children's setup need before the guard takes them from os.
_fork = os.fork


# What the guard took, so that numpy's import can run without it (see _load_unguarded).
_GUARDED = []


def lcb_reliability_guard():
    """The same disabling of destructive functions that LCB applies before running a generation.
    Applied once, in the zygote: each child inherits it, as it inherits the prelude. It is LCB's
    behaviour, not our protection: that is the job's uid and the seccomp profile."""
    import builtins
    import shutil as _shutil

    os.environ["OMP_NUM_THREADS"] = "1"
    for name in (
        "kill", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir", "setuid", "fork", "forkpty",
        "killpg", "rename", "renames", "truncate", "replace", "unlink", "fchmod", "fchown", "chmod", "chown",
        "chroot", "lchflags", "lchmod", "lchown", "getcwd", "chdir",
    ):
        _GUARDED.append((os, name, getattr(os, name, None)))
    _GUARDED.extend((_shutil, name, getattr(_shutil, name)) for name in ("rmtree", "move", "chown"))
    _GUARDED.extend((builtins, name, getattr(builtins, name, None)) for name in ("quit", "help"))
    guard(True)
    disable_popen()
    sys.meta_path.insert(0, _OnImport("numpy", _load_unguarded))


def guard(on):
    for owner, name, original in _GUARDED:
        setattr(owner, name, None if on else original)


class _OnImport:
    """Finds one module for a program that imports it, and has `load(loader, module)` run its
    loading, so that the zygote itself never imports it."""

    def __init__(self, name, load):
        self._name = name
        self._load = load

    def find_spec(self, name, path=None, target=None):
        if name != self._name:
            return None
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _LoadThrough(spec.loader, self._load)
        return spec


class _LoadThrough:
    def __init__(self, inner, load):
        self._inner = inner
        self._load = load

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        self._load(self._inner, module)


def _load_unguarded(loader, module):
    """LCB's runner imports numpy before its guard, so a program's `import numpy` finds it loaded;
    numpy's own import needs what the guard takes. Loading numpy in the zygote would make every
    fork copy its pages, so it is imported when a program asks, with the guard lifted for the
    length of numpy's own import and put back after. The program's clocks keep running: numpy's
    import consults the program's own import hooks, so any pause would time none of what they do.
    A program that names numpy has it loaded before any of its code and before its clocks start
    (lcb_child), as in LCB, where the import costs a program none of its time."""
    guard(False)
    try:
        loader.exec_module(module)
    finally:
        guard(True)


def _load_without_popen(loader, module):
    loader.exec_module(module)
    module.Popen = None


def lcb_block_modules():
    """The guard's last step, taken in each child: the zygote itself still needs `resource`, which
    os.wait4 imports."""
    for mod in ("ipdb", "joblib", "resource", "psutil", "tkinter"):
        sys.modules[mod] = None


def disable_popen():
    """LCB's guard sets subprocess.Popen to None. The zygote does not import subprocess: it brings
    threading, whose fork hooks cost every child about 3 ms (measured). Popen is cleared when a
    program imports subprocess instead, which the program cannot tell apart."""
    loaded = sys.modules.get("subprocess")
    if loaded is not None:
        loaded.Popen = None
    else:
        sys.meta_path.insert(0, _OnImport("subprocess", _load_without_popen))


class _MockBytes:
    def __init__(self, text):
        self._data = text.encode("utf-8")

    def read(self, *args):
        return self._data

    def readline(self, *args):
        return self._data.split(b"\n")[0] + b"\n"


class _MockStdin:
    """Stands in for sys.stdin the way LCB's MockStdinWithBuffer does: readline is its StringIO's
    (it keeps the newline and gives "" at end of input, so input() raises EOFError there), read
    gives the whole input, readlines splits on newlines, and it cannot be iterated. LCB also
    patches sys.stdin.readline, but that patch lands on the real stdin before the swap and never
    takes effect (checked against LCB's own run_test)."""

    def __init__(self, text):
        self._text = text
        self._sio = io.StringIO(text)

    @property
    def buffer(self):
        return _MockBytes(self._text)

    def read(self, *args):
        return self._text

    def readline(self, *args):
        return self._sio.readline(*args)

    def readlines(self, *args):
        return self._text.split("\n")

    def __getattr__(self, name):
        return getattr(self._sio, name)


def _open_returning(text):
    """Stands in for builtins.open during a test: any file opened reads as the test input."""

    def fake_open(*args, **kwargs):
        return io.StringIO(text)

    return fake_open


def lcb_call_stdin(method, text):
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


# Builtins the harness calls after a program has run, held here: a program that replaces them in
# builtins spoils only its own answers.
_len, _memoryview, _type, _isinstance, _list, _format = len, memoryview, type, isinstance, list, format
_read, _write = os.read, os.write


def _send(wfd, kind, body):
    """One frame to the driver: kind, length, then the bytes."""
    data = _memoryview(b"%s %d\n" % (kind, _len(body)) + body)
    while data:
        data = data[_write(wfd, data):]


class _Inputs:
    """The driver's frames on the command channel: b"<n>\n" then n bytes of one test's input."""

    def __init__(self, fd):
        self.fd = fd
        self.buf = b""

    def _fill(self):
        chunk = _read(self.fd, 1 << 16)  # below malloc's mmap threshold: no map and unmap per read
        if not chunk:
            return False
        self.buf += chunk
        return True

    def next(self):
        """The next input as text, or None when the driver is done."""
        while b"\n" not in self.buf:
            if not self._fill():
                return None
        head, _, self.buf = self.buf.partition(b"\n")
        n = int(head)
        while _len(self.buf) < n:
            if not self._fill():
                return None
        body, self.buf = self.buf[:n], self.buf[n:]
        return body.decode("utf-8", "surrogatepass")


class NotPlainData(Exception):
    pass


# A return value becomes at most this many tokens; a larger (or self-containing) one is not an answer.
MAX_TOKENS = 4_000_000


def encode_value(value):
    """The return value as a flat list of tokens, in prefix order, as JSON text: n (None), T, F, i<hex>
    (int), f<float.hex> (float), s<text>, b<hex> (bytes), and l<count>, t<count>, d<count> (count
    key-value pairs), S<count> (set), F<count> (frozenset) before their items. Only plain data
    survives: the exact type is kept at every depth (a tuple stays a tuple, True stays True, 1.0
    stays a float, ints and floats exactly), subclasses of the builtin types are reduced to their
    builtin contents (so an overridden __eq__ is gone), numpy scalars become their Python value, and
    anything else raises NotPlainData. The driver decodes it and compares, outside this process."""
    out = []
    stack = [value]
    while stack:
        x = stack.pop()
        if _len(out) >= MAX_TOKENS:
            raise NotPlainData("a return value of more than %d items" % MAX_TOKENS)
        if x is None:
            out.append("n")
        elif x is True:
            out.append("T")
        elif x is False:
            out.append("F")
        elif _isinstance(x, int):
            v = int.__index__(x)
            out.append("i-" + _format(-v, "x") if v < 0 else "i" + _format(v, "x"))
        elif _isinstance(x, float):
            out.append("f" + float.hex(x))
        elif _isinstance(x, str):
            out.append("s" + str.__str__(x))
        elif _isinstance(x, bytes):
            out.append("b" + bytes.hex(x))
        elif _isinstance(x, (list, tuple)):
            items = _list(list.__iter__(x) if _isinstance(x, list) else tuple.__iter__(x))
            out.append(("l%d" if _isinstance(x, list) else "t%d") % _len(items))
            stack.extend(reversed(items))
        elif _isinstance(x, dict):
            pairs = _list(dict.items(x))
            out.append("d%d" % _len(pairs))
            for k, v in reversed(pairs):
                stack.append(v)
                stack.append(k)
        elif _isinstance(x, (set, frozenset)):
            items = _list(set.__iter__(x) if _isinstance(x, set) else frozenset.__iter__(x))
            out.append(("S%d" if _isinstance(x, set) else "F%d") % _len(items))
            stack.extend(items)
        else:
            numpy = sys.modules.get("numpy")
            if numpy is not None and _isinstance(x, numpy.generic):
                stack.append(x.item())
            else:
                t = _type(x)
                raise NotPlainData("%s.%s" % (t.__module__, t.__qualname__))
    return json.dumps(out).encode("ascii")


def _error_text(e):
    return repr(e)[:2000].encode("utf-8", "surrogatepass")


def lcb_child(req, cmd_fd, res_fd):
    """Runs in the forked child, as the job: load the program, then answer the driver's tests one
    by one until it closes the channel. A test runs under LCB's own timer (SIGALRM, or the CPU
    timer for --clock cpu); the driver keeps its own clocks as well, which the program cannot stop."""
    timeout = int(req.get("timeout_s", 6))
    cpu_clock = req.get("clock", "wall") == "cpu"

    def arm(seconds):
        if cpu_clock:
            signal.setitimer(signal.ITIMER_PROF, seconds)
        else:
            signal.alarm(seconds)

    fn_name = req.get("fn_name")
    lcb_block_modules()
    if req.get("numpy"):
        # The program names numpy: load it now, before any of the program's code and before its
        # clocks (LCB's runner has it loaded), and say so; the driver starts its own clock on P.
        __import__("numpy")
        _send(res_fd, b"P", b"")
    try:
        compiled = lcb_compile(req, timeout, arm)
        method = getattr(compiled, fn_name if fn_name else "wrapped_function")
    except BaseException as e:
        _send(res_fd, b"E", _error_text(e))
        return 0
    _send(res_fd, b"L", b"")
    inputs = _Inputs(cmd_fd)
    while True:
        text = inputs.next()
        if text is None:
            return 0
        try:
            if fn_name:
                args = [json.loads(line) for line in text.split("\n")]
                arm(timeout)
                prediction = method(*args)
            else:
                arm(timeout)
                with _Capture() as cap:
                    lcb_call_stdin(method, text)
            arm(0)
        except BaseException as e:
            arm(0)
            _send(res_fd, b"T" if _isinstance(e, TimeoutException) else b"X", _error_text(e))
            continue
        if not fn_name:
            _send(res_fd, b"O", cap.value.encode("utf-8", "surrogatepass"))
            continue
        try:
            _send(res_fd, b"V", encode_value(prediction))
        except NotPlainData as e:
            _send(res_fd, b"N", str(e).encode("utf-8", "surrogatepass"))
        except BaseException as e:
            # Reading the value ran the program's code (a numpy scalar's item, say), and that raised.
            _send(res_fd, b"X", _error_text(e))


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
    os.write(CONTROL_FD, b"ready %d %d" % (os.getpid(), LCB_PRELUDE.count("\n")))
    while True:
        msg = os.read(CONTROL_FD, 1 << 16)
        if not msg:
            return
        try:
            job = Job(msg.decode("utf-8", "surrogateescape").split("\0"), "job.marshal", channels=True)
        except (OSError, ValueError, IndexError) as e:
            os.write(CONTROL_FD, b"error %s" % str(e).encode("utf-8", "replace"))
            continue
        pid = _fork()
        if pid == 0:
            child(job)
        job.close()
        os.write(CONTROL_FD, b"pid %d" % pid)
        _, status, ru = os.wait4(pid, 0)
        os.write(CONTROL_FD, b"exit %d %d %d" % (status, int((ru.ru_utime + ru.ru_stime) * 1000), ru.ru_maxrss))


if __name__ == "__main__":
    main()
