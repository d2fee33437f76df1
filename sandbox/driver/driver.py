#!/usr/bin/env python3
"""Arbiter's in-container driver.

Runs as PID 1 of a sandbox container, reads one JSON job per line on stdin and answers one JSON
line per job on stdout. Every job runs in a fresh child forked from this warm interpreter, in its
own empty working directory, under its own limits; afterwards every process the job left is killed
and every writable place is wiped, so nothing reaches the next job.

Ops:
  ping   -> {"id", "ok": true}
  run    -> run a program once: code, stdin, limits
  tests  -> run a program once per input (fresh child each), returning each stdout
  lcb    -> LiveCodeBench's grading of one generation: all tests in one child, stop at first failure

Being PID 1 matters: signals from inside the container cannot kill us (we install no handlers),
orphans are reparented to us and reaped, and kill(-1) sweeps every other process in one call.
"""

import ast
import ctypes
import decimal
import json
import os
import resource
import select
import shutil
import signal
import sys
import tempfile
import time

IN_CONTAINER = os.getpid() == 1
# Working directories live in /tmp; the driver's own files for a job (stdin, stdout, stderr) on a
# separate tmpfs, so that a job filling /tmp cannot lose its own output.
WORK_ROOT = "/tmp" if IN_CONTAINER else tempfile.mkdtemp(prefix="arbiter-driver-")
FILES_ROOT = "/run/arbiter" if IN_CONTAINER else WORK_ROOT
SCRATCH = ("/tmp", "/dev/shm", FILES_ROOT)

# One test's captured stdout travels to the driver as one line; beyond this it counts as wrong.
MAX_EVENT_BYTES = 64 << 20

DEFAULT_LIMITS = {
    "wall_ms": 10_000,
    "cpu_ms": 10_000,
    "memory_mb": 1024,
    "output_bytes": 8 << 20,
    "file_bytes": 16 << 20,
}


# ---------------------------------------------------------------------------------------------
# Process plumbing


def make_undumpable():
    """Same-uid processes may not ptrace or read the memory of a non-dumpable process."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
    except OSError:
        pass


def limits_of(job):
    lim = dict(DEFAULT_LIMITS)
    lim.update({k: int(v) for k, v in (job.get("limits") or {}).items() if k in DEFAULT_LIMITS and v is not None})
    return lim


def apply_rlimits(lim):
    mem = lim["memory_mb"] << 20
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    cpu = max(1, -(-lim["cpu_ms"] // 1000))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    fsize = max(lim["output_bytes"], lim["file_bytes"])
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def fresh_std_streams(stdin_path, out_path, err_path):
    """Point fds 0-2 at the job's files and rebuild sys.std* so no buffered driver data leaks in."""
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


def spawn(child_main, workdir, stdin_path, out_path, err_path, lim, extra_fds=()):
    """Fork a child that runs child_main() in workdir with the job's limits; returns its pid."""
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            os.setsid()
            os.chdir(workdir)
            fresh_std_streams(stdin_path, out_path, err_path)
            low = 3
            for fd in sorted(extra_fds):
                os.closerange(low, fd)
                low = fd + 1
            os.closerange(low, 1 << 16)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            # Python ignores SIGXFSZ; restore the default so exceeding the file limit ends the job.
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
            apply_rlimits(lim)
            code = child_main()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            if not isinstance(e.code, int) and e.code is not None:
                try:
                    print(e.code, file=sys.stderr)
                except Exception:
                    pass
        except BaseException as e:
            code = 1
            try:
                import traceback

                # Show the program's frames, not the driver's.
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
    return pid


class Requests:
    """Request lines from fd 0. While a job runs we also watch fd 0: end of input there means the
    client is gone (its process died), so the job is killed and the driver exits at once."""

    def __init__(self):
        self.buf = bytearray()
        self.eof = False

    def fill(self):
        chunk = os.read(0, 1 << 16)
        if chunk:
            self.buf.extend(chunk)
        else:
            self.eof = True

    def readline(self):
        while b"\n" not in self.buf:
            if self.eof:
                return None
            self.fill()
        line, _, rest = bytes(self.buf).partition(b"\n")
        self.buf[:] = rest
        return line


REQUESTS = Requests()


def client_gone():
    sweep()
    os._exit(0)


def wait_child(pid, deadline, on_readable=None, read_fd=None):
    """Wait for pid until deadline (monotonic seconds), feeding read_fd's data to on_readable, which
    may answer "stop" to end the child early. Returns (status, rusage, timed_out)."""
    pidfd = os.pidfd_open(pid)
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                kill_group(pid)
                _, status, ru = os.wait4(pid, 0)
                return status, ru, True
            fds = [pidfd] + ([read_fd] if read_fd is not None else []) + ([] if REQUESTS.eof else [0])
            ready, _, _ = select.select(fds, [], [], remaining)
            if 0 in ready:
                REQUESTS.fill()
                if REQUESTS.eof:
                    kill_group(pid)
                    client_gone()
            if read_fd is not None and read_fd in ready:
                verdict = on_readable(read_fd)
                if verdict == "stop":
                    kill_group(pid)
                    _, status, ru = os.wait4(pid, 0)
                    return status, ru, False
                if verdict == "eof":
                    read_fd = None
            if pidfd in ready:
                _, status, ru = os.wait4(pid, 0)
                return status, ru, False
    finally:
        os.close(pidfd)


def kill_group(pid):
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except OSError:
            pass


def sweep():
    """Kill every process the job left behind, reap them, and wipe the writable places."""
    if IN_CONTAINER:
        for _ in range(50):
            try:
                os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
            reap()
            if not other_processes():
                break
            time.sleep(0.002)
        for root in SCRATCH:
            wipe(root)
    else:
        reap()


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def other_processes():
    me = os.getpid()
    return [p for p in os.listdir("/proc") if p.isdigit() and int(p) != me]


def wipe(root):
    try:
        entries = os.listdir(root)
    except OSError:
        return
    for name in entries:
        path = os.path.join(root, name)
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass


def read_capped(path, cap):
    try:
        with open(path, "rb") as f:
            data = f.read(cap + 1)
    except OSError:
        return "", False
    return data[:cap].decode("utf-8", errors="replace"), len(data) > cap


def classify(status, ru, timed_out, lim, stderr_text):
    cpu_ms = int((ru.ru_utime + ru.ru_stime) * 1000)
    result = {"exit_code": None, "signal": None, "cpu_ms": cpu_ms, "max_rss_kb": ru.ru_maxrss}
    if timed_out:
        result["status"] = "timeout"
        result["signal"] = signal.SIGKILL
        return result
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        result["signal"] = sig
        if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu_ms >= lim["cpu_ms"]):
            result["status"] = "cpu_limit"
        elif sig == signal.SIGXFSZ:
            result["status"] = "output_limit"
        else:
            result["status"] = "killed"
        return result
    code = os.WEXITSTATUS(status)
    result["exit_code"] = code
    if code == 0:
        result["status"] = "ok"
    elif stderr_text.rstrip().endswith("MemoryError"):
        result["status"] = "memory_limit"
    else:
        result["status"] = "runtime_error"
    return result


class Job:
    """A job's private directory with its stdin, stdout and stderr files."""

    def __init__(self, stdin_text):
        self.dir = tempfile.mkdtemp(prefix="job-", dir=FILES_ROOT)
        self.work = tempfile.mkdtemp(prefix="job-", dir=WORK_ROOT)
        self.stdin = os.path.join(self.dir, "stdin")
        self.out = os.path.join(self.dir, "stdout")
        self.err = os.path.join(self.dir, "stderr")
        self.set_stdin(stdin_text)

    def set_stdin(self, text):
        with open(self.stdin, "w", encoding="utf-8") as f:
            f.write(text or "")

    def close(self):
        if not IN_CONTAINER:  # in a container the sweep wipes the scratch places whole
            shutil.rmtree(self.dir, ignore_errors=True)
            shutil.rmtree(self.work, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Plain runs


def run_program(code, lim, job):
    """One run of code as __main__ with the job's stdin; returns the result dict (without id)."""

    def main():
        sys.argv = ["main.py"]
        glb = {"__name__": "__main__", "__file__": "main.py", "__builtins__": __builtins__}
        exec(compile(code, "main.py", "exec"), glb)
        return 0

    start = time.monotonic()
    pid = spawn(main, job.work, job.stdin, job.out, job.err, lim)
    status, ru, timed_out = wait_child(pid, start + lim["wall_ms"] / 1000.0)
    wall_ms = int((time.monotonic() - start) * 1000)
    stdout, out_trunc = read_capped(job.out, lim["output_bytes"])
    stderr, err_trunc = read_capped(job.err, lim["output_bytes"])
    result = classify(status, ru, timed_out, lim, stderr[-2000:])
    if out_trunc and result["status"] == "ok":
        result["status"] = "output_limit"
    result.update({"wall_ms": wall_ms, "stdout": stdout, "stderr": stderr, "truncated": out_trunc or err_trunc})
    return result


def op_run(job_req):
    lim = limits_of(job_req)
    job = Job(job_req.get("stdin", ""))
    try:
        return run_program(job_req["code"], lim, job)
    finally:
        job.close()
        sweep()


def op_tests(job_req):
    """The program once per input, each in a fresh child and directory; stops at the first failure if asked."""
    lim = limits_of(job_req)
    stop_early = bool(job_req.get("stop_on_failure", False))
    runs = []
    for text in job_req["inputs"]:
        job = Job(text)
        try:
            r = run_program(job_req["code"], lim, job)
        finally:
            job.close()
            sweep()
        runs.append(r)
        if stop_early and r["status"] != "ok":
            break
    return {"runs": runs}


# ---------------------------------------------------------------------------------------------
# LiveCodeBench grading, reproducing lcb_runner/evaluation/testing_util.py's observable behaviour:
# the prelude, the stdin wrapping, the mocked stdin, Python == for call-based answers, the
# line/Decimal comparison for stdin answers, SIGALRM per test, and the stop at the first failure.

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


def lcb_lines(text):
    return [line.strip() for line in text.strip().split("\n")]


def lcb_decimals(line):
    try:
        return True, [decimal.Decimal(tok) for tok in line.split()]
    except Exception:
        return False, []


def lcb_compare_stdout(prediction, expected):
    """None if equal, else the reason; exactly LCB's line-by-line rule with Decimal tokens."""
    got, want = lcb_lines(prediction), lcb_lines(expected)
    if len(got) != len(want):
        return "Wrong answer: mismatched output length"
    for idx, (a, b) in enumerate(zip(got, want)):
        if a == b:
            continue
        ok_a, dec_a = lcb_decimals(a)
        ok_b, dec_b = lcb_decimals(b)
        if not ok_a or not ok_b or dec_a != dec_b:
            return "Wrong answer at output_line_idx=%d: %s != %s" % (idx, a[:300], b[:300])
    return None


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


def op_lcb(req):
    lim = limits_of(req)
    inputs = req["inputs"]
    outputs = req["outputs"]
    fn_name = req.get("fn_name")
    timeout = int(req.get("timeout_s", 6))
    budget_s = (timeout + 1) * len(inputs) + 5
    child_req = {k: req[k] for k in ("code", "inputs", "fn_name", "timeout_s", "clock") if k in req}
    if fn_name:
        child_req["outputs"] = outputs
    rfd, wfd = os.pipe()
    job = Job("")
    results, tests, meta = [], [], {}
    buf = bytearray()
    state = {"compiled": False}

    def on_line(line):
        ev = json.loads(line)
        if ev["event"] == "compiled":
            state["compiled"] = True
            return None
        if ev["event"] == "compile_error":
            results.append(-4)
            meta.update(error_code=-4, error_message="Error during testing: " + ev["error"])
            return "stop"
        idx = ev["index"]
        tests.append({"wall_ms": ev["wall_ms"], "cpu_ms": ev["cpu_ms"]})
        if ev["event"] == "output":
            reason = lcb_compare_stdout(ev["output"], outputs[idx])
            if reason is None:
                results.append(True)
                return "stop" if len(results) == len(inputs) else None
            results.append(-2)
            meta.update(error_code=-2, error_message=reason, output=ev["output"][:300], expected=outputs[idx][:300], test=idx)
            return "stop"
        code = ev["code"]
        results.append(code)
        if code is True:
            return "stop" if len(results) == len(inputs) else None
        if code is False:
            meta.update(error_code=-2, error_message="Wrong Answer", output=ev.get("output"), expected=outputs[idx][:300], test=idx)
        elif code == -3:
            meta.update(error_code=-3, error_message="Time Limit Exceeded", error=ev.get("error"), test=idx)
        else:
            meta.update(error_code=-4, error_message="Runtime Error", error=ev.get("error"), test=idx)
        return "stop"

    def on_readable(fd):
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return "eof"
        buf.extend(chunk)
        if len(buf) > MAX_EVENT_BYTES:
            results.append(-2)
            meta.update(error_code=-2, error_message="Wrong answer: output exceeds %d MiB" % (MAX_EVENT_BYTES >> 20))
            return "stop"
        while b"\n" in buf:
            line, _, rest = bytes(buf).partition(b"\n")
            buf[:] = rest
            if on_line(line.decode("utf-8", errors="replace")) == "stop":
                return "stop"
        return None

    try:
        start = time.monotonic()
        pid = spawn(lambda: lcb_child(child_req, wfd), job.work, job.stdin, job.out, job.err, lim, extra_fds=(wfd,))
        os.close(wfd)
        wfd = None
        status, ru, timed_out = wait_child(pid, start + budget_s, on_readable, rfd)
        # Drain what the child wrote just before it exited.
        while not meta and len(results) < len(inputs) and select.select([rfd], [], [], 0)[0]:
            if on_readable(rfd) in ("stop", "eof"):
                break
        wall_ms = int((time.monotonic() - start) * 1000)
        if not meta and len(results) < len(inputs):
            # The child died or ran out of the global budget mid-run: the generation fails (LCB: -1 / -5).
            stderr, _ = read_capped(job.err, 4000)
            if timed_out:
                meta.update(error_code=-1, error_message="Global timeout after %d s" % budget_s)
                results.append(-1)
            else:
                c = classify(status, ru, False, lim, stderr)
                meta.update(error_code=-5, error_message="Test runner died: %s" % c["status"], stderr=stderr[-1000:])
                results.append(-5)
        return {
            "results": results,
            "metadata": meta,
            "tests": tests,
            "wall_ms": wall_ms,
            "cpu_ms": int((ru.ru_utime + ru.ru_stime) * 1000),
            "max_rss_kb": ru.ru_maxrss,
        }
    finally:
        if wfd is not None:
            os.close(wfd)
        os.close(rfd)
        job.close()
        sweep()


# ---------------------------------------------------------------------------------------------
# Main loop

OPS = {"run": op_run, "tests": op_tests, "lcb": op_lcb}


def preload():
    """Import what jobs import, once, so that every forked child starts warm."""
    import importlib

    for name in LCB_PRELUDE_MODULES + ["types", "traceback", "ast", "decimal"]:
        importlib.import_module(name)


def main():
    preload()
    import gc

    gc.freeze()  # children inherit a frozen heap: their collector never walks (and copies) our objects
    make_undumpable()
    # Default dispositions: as PID 1 that makes us immune to signals sent from inside the container.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(sig, signal.SIG_DFL)
    os.umask(0o077)
    out = sys.stdout.buffer

    def send(obj):
        out.write(json.dumps(obj).encode("utf-8") + b"\n")
        out.flush()

    send({"id": "hello", "ready": True, "python": sys.version.split()[0], "pid": os.getpid()})
    while True:
        line = REQUESTS.readline()
        if line is None:
            return
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            jid = req.get("id")
        except ValueError as e:
            send({"id": None, "error": "bad request: %s" % e})
            continue
        op = req.get("op")
        try:
            if op == "ping":
                send({"id": jid, "ok": True})
            elif op in OPS:
                res = OPS[op](req)
                res["id"] = jid
                send(res)
            else:
                send({"id": jid, "error": "unknown op %r" % op})
        except Exception as e:
            send({"id": jid, "error": "driver error: %r" % (e,)})


if __name__ == "__main__":
    main()
