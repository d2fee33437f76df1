#!/usr/bin/env python3
"""Arbiter's in-container driver.

Runs as PID 1 of a sandbox container, reads one JSON job per line on stdin and answers one JSON
line per job on stdout. Every job runs in a fresh child of a fork server (zygote_plain.py for
plain runs, zygote_lcb.py for LiveCodeBench), as its own uid (JOB_UID), in its own empty working
folder, under its own limits. The driver and the fork servers run as root with only the
capabilities to switch uid and to kill; the job has none, so it cannot signal, trace, prlimit or
read them. Afterwards every process of the job's uid is killed and every file, folder, message
queue and IPC object it left is removed, and the driver checks that nothing is left; when it cannot
prove that, it says so and exits, and the client replaces the container.

Ops:
  ping   -> {"id", "ok": true}
  run    -> run a program once: code, stdin, limits
  tests  -> run a program once per input (a fresh child each), returning each run
  lcb    -> LiveCodeBench's grading of one generation: all tests in one child, stop at first failure
  program -> a program in any language of languages.py: compiled once (as the job), then run once
            per input, each in a fresh job, measured for time and peak memory

Answers carry "error" when the harness itself failed (the job says nothing about the program;
the client retries it elsewhere), and "unclean" when the job's answer stands but the container
must not take another job.

Being PID 1 matters: orphans are reparented to us and reaped, and we outlive anything a job does.
"""

import ast
import ctypes
import fcntl
import decimal
import json
import marshal
import os
import reprlib
import resource
import select
import signal
import socket
import stat
import sys
import tempfile
import time
import warnings

IN_CONTAINER = os.getpid() == 1
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from jobfiles import JOB_GID, JOB_UID, JOB_WORK, JUDGE_UID, become_job, make_undumpable  # noqa: E402
from languages import CHECKER, LANGUAGES, language  # noqa: E402

del sys.path[0]

# The driver's own files for a job (the program, stdin, stdout, stderr, the LCB channels) live in a
# folder only root may enter, on a tmpfs of their own, so that a job filling /tmp cannot lose them.
FILES_ROOT = "/run/arbiter" if IN_CONTAINER else tempfile.mkdtemp(prefix="arbiter-driver-")
# A compiled program (and an interpreted one's source) lives here between its tests: root's, on a
# tmpfs the job may read and execute but not write, so no test can change what the next one runs.
PROGRAM_ROOT = "/run/arbiter-bin" if IN_CONTAINER else tempfile.mkdtemp(prefix="arbiter-bin-")
# Where a job can write: each is emptied after every job, and checked empty.
JOB_WRITABLE = ("/tmp", "/dev/shm", "/dev/mqueue")

# Each step of the cleanup gets this long; past it the container is declared unclean and replaced.
CLEAN_BUDGET_S = 5
# A "tests" answer stops taking runs past this many bytes of output; the client asks for the rest.
RESPONSE_BUDGET = 32 << 20
# Of each of those runs' stderr, the end is kept: it says why a run failed.
STDERR_TAIL = 4000
# A result frame's header is a kind and a length; anything longer is not the harness's.
FRAME_HEAD_MAX = 32
# Past its own limit, a test gets this long before the driver kills it: LCB's timer normally ends
# it first, inside the program, and the driver's clock is the one the program cannot stop.
KILL_GRACE_S = 1.0
# How often the driver reads the job's CPU time when the per-test limit counts CPU.
CPU_POLL_S = 0.02
# How long an LCB child may take to load numpy before any of the program's code runs. That is the
# harness's work (LCB's runner has numpy loaded), timed by none of the program's clocks; past this
# the job is a harness failure, never a verdict on the program (and the client, which waits the
# global budget and 30 s more, still has its answer).
NUMPY_LOAD_BUDGET_S = 20

DEFAULT_LIMITS = {
    "wall_ms": 10_000,
    "cpu_ms": 10_000,
    "memory_mb": 1024,
    "output_bytes": 8 << 20,
    "file_bytes": 16 << 20,
}

LIBC = ctypes.CDLL(None, use_errno=True)
CLK_TCK = os.sysconf("SC_CLK_TCK")


def limits_of(job):
    lim = dict(DEFAULT_LIMITS)
    lim.update({k: int(v) for k, v in (job.get("limits") or {}).items() if k in DEFAULT_LIMITS and v is not None})
    return lim


class HarnessError(Exception):
    """The harness, not the program, failed: the job's result says nothing about the program."""


class Unclean(Exception):
    """A job left something the driver could not remove: no further job may run here."""


# ---------------------------------------------------------------------------------------------
# The client's requests, and noticing that the client is gone


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


def watch_client(ready, kill_pid):
    """Call with select's ready list: exits when the client has gone."""
    if 0 in ready:
        REQUESTS.fill()
        if REQUESTS.eof:
            kill(kill_pid)
            client_gone()


# ---------------------------------------------------------------------------------------------
# The zygote: a fork server started by exec, so its children never hold the driver's memory


class Zygote:
    """One fork server. The protocol (see zygote_plain.py) is a few fields of text per message,
    so the plain server needs no json module in the memory every child copies. Jobs cannot harm
    a fork server (it is root, they are not): one that fails is a fault of the harness, and the
    job that met it is answered as an error."""

    def __init__(self, script):
        self.script = os.path.join(HERE, script)
        self.pid = None
        self.sock = None
        self.prelude_lines = 0  # the LCB server reports how many lines its prelude has

    def start(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:
            try:
                devnull = os.open(os.devnull, os.O_RDWR)
                os.dup2(devnull, 0)  # our stdin carries the client's requests: not for jobs
                os.dup2(devnull, 1)
                os.dup2(theirs.fileno(), 3)
                os.closerange(4, 1 << 16)
                os.execv(sys.executable, [sys.executable, "-I", self.script])
            finally:
                os._exit(127)
        theirs.close()
        self.pid, self.sock = pid, ours
        hello = self.sock.recv(1 << 12)
        if not hello.startswith(b"ready"):
            self.stop()
            raise HarnessError("fork server %s did not start" % os.path.basename(self.script))
        fields = hello.split()
        self.prelude_lines = int(fields[2]) if len(fields) > 2 else 0

    def stop(self):
        if self.sock is not None:
            self.sock.close()
        if self.pid is not None:
            kill(self.pid)
        self.pid = self.sock = None

    def fork_job(self, job_dir, lim):
        """Asks for a child; returns its pid."""
        if self.sock is None:
            raise HarnessError("fork server %s is gone" % os.path.basename(self.script))
        fields = [job_dir] + [str(v) for v in rlimit_values(lim)]
        try:
            self.sock.sendall("\0".join(fields).encode("utf-8", "surrogateescape"))
            msg = self.sock.recv(1 << 12)
        except OSError as e:
            msg = str(e).encode()
        if msg.startswith(b"pid "):
            return int(msg[4:])
        self.stop()
        if msg.startswith(b"error "):
            raise HarnessError("fork server could not open the job: " + msg[6:].decode("utf-8", "replace"))
        raise HarnessError("fork server did not answer: %s" % msg.decode("utf-8", "replace"))

    def exit_report(self, timeout):
        ready, _, _ = select.select([self.sock], [], [], timeout)
        msg = self.sock.recv(1 << 12) if ready else b""
        if not msg.startswith(b"exit "):
            self.stop()
            raise HarnessError("fork server gone while its child ran")
        status, cpu_ms, max_rss_kb = (int(x) for x in msg.split()[1:4])
        return {"status": status, "cpu_ms": cpu_ms, "max_rss_kb": max_rss_kb}


# Plain runs fork from a small server; LiveCodeBench runs from one with LCB's modules loaded.
ZYGOTES = {"run": Zygote("zygote_plain.py"), "lcb": Zygote("zygote_lcb.py")}


def rlimit_values(lim):
    """The child's rlimits, worked out once here for both fork servers: address space in bytes,
    CPU in whole seconds (at least 1, rounded up), and file size in bytes (which also caps output)."""
    return lim["memory_mb"] << 20, max(1, -(-lim["cpu_ms"] // 1000)), max(lim["output_bytes"], lim["file_bytes"])


def kill(pid):
    """SIGKILL to a job's process group and to the process itself."""
    if pid is None:
        return
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except OSError:
            pass


def client_gone():
    try:
        clean_after_job()
    except Unclean:
        pass
    for z in ZYGOTES.values():
        z.stop()
    os._exit(0)


def run_child(kind, job_dir, lim, deadline):
    """Runs one plain child of the zygote to its end or the deadline. Returns (report, timed_out)."""
    zygote = ZYGOTES[kind]
    pid = zygote.fork_job(job_dir, lim)
    watch = [zygote.sock] + ([] if REQUESTS.eof else [0])
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            kill(pid)
            return zygote.exit_report(30), True
        ready, _, _ = select.select(watch, [], [], remaining)
        watch_client(ready, pid)
        if zygote.sock in ready:
            return zygote.exit_report(0), False


# ---------------------------------------------------------------------------------------------
# The job's processes: found by uid, killed by uid, and timed from outside


def proc_uids(pid):
    """The real, effective, saved and filesystem uids of a process, or None if it is gone."""
    try:
        with open("/proc/%s/status" % pid, "rb") as f:
            for line in f:
                if line.startswith(b"Uid:"):
                    return [int(x) for x in line.split()[1:5]]
    except (OSError, ValueError):
        pass
    return None


def job_pids():
    """Every process (zombies too) with the job's uid in any of its uids."""
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            uids = proc_uids(name)
            if uids is not None and JOB_UID in uids:
                out.append(int(name))
    return out


def proc_cpu_ms(pid):
    """utime + stime of a process and of its children that it has reaped, in ms; 0 if it is gone."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) * 1000 // CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0


class JobClock:
    """CPU time of a job as the driver reads it from /proc, never from the job. With every_process
    it covers all the job's processes (helpers it spawned, orphans we reaped), so that burning CPU
    in another process does not dodge a CPU limit; otherwise the main process only, which is cheaper."""

    def __init__(self, pid, every_process):
        self.pid = pid
        self.every_process = every_process
        self.reaped_ms = 0

    def cpu_ms(self):
        if not self.every_process:
            return proc_cpu_ms(self.pid)
        # Orphans of the job are reparented to us: reap them, keeping what they spent.
        while True:
            try:
                pid, _, ru = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            self.reaped_ms += int((ru.ru_utime + ru.ru_stime) * 1000)
        return self.reaped_ms + sum(proc_cpu_ms(p) for p in job_pids())


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


# ---------------------------------------------------------------------------------------------
# Cleaning up after a job, and proving it


def kill_job_processes():
    """Kills every process of the job's uid until none is left, zombies reaped; the reason if some
    survive. A process of the job cannot change its uid, so this finds all of them."""
    delay = 0.0
    deadline = time.monotonic() + CLEAN_BUDGET_S
    while True:
        left = job_pids()
        if not left:
            return None
        for p in left:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        reap()
        if time.monotonic() > deadline:
            return "processes of the job survived SIGKILL: %s" % left[:10]
        if delay:
            time.sleep(delay)
        delay = min(0.01, delay + 0.0005)


def leftovers():
    """What the job left that we can see: entries in its writable places and SysV IPC objects."""
    found = []
    for root in JOB_WRITABLE:
        try:
            found.extend(os.path.join(root, name) for name in os.listdir(root))
        except FileNotFoundError:
            pass
    found.extend("%s id %d" % obj for obj in sysv_objects())
    return found


def sysv_objects():
    """Every SysV IPC object in the container, as (kind, id); the harness makes none."""
    objects = []
    for kind in ("shm", "msg", "sem"):
        try:
            with open("/proc/sysvipc/" + kind, "rb") as f:
                rows = f.read().splitlines()[1:]
        except FileNotFoundError:
            continue
        objects.extend((kind, int(row.split()[1])) for row in rows if row.strip())
    return objects


def remove_as_root(paths):
    """Removes what root may remove here without DAC capabilities: files and empty folders in the
    root-owned places. Returns True if nothing is left; False also when it takes too long, so that
    a job that leaves a million files costs a container, not a stalled driver."""
    deadline = time.monotonic() + CLEAN_BUDGET_S
    for i, path in enumerate(paths):
        if i % 1024 == 1023 and time.monotonic() > deadline:
            return False
        if not path.startswith("/"):
            return False  # an IPC object: needs the job's uid
        try:
            st = os.lstat(path)
            if stat.S_ISDIR(st.st_mode):
                os.rmdir(path)
            else:
                os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError:
            return False
    return True


def purge_as_job():
    """In a child that has become the job's uid (after every process of the job is dead): opens
    up and removes everything the job owns in its writable places, and every SysV IPC object.
    Without recursion, so that no depth of folders stops it; what it cannot reach (a path past
    the kernel's length limit, say) stays, and the driver's check then retires the container."""
    stack = []
    for root in JOB_WRITABLE:
        try:
            stack.extend((os.path.join(root, name), False) for name in os.listdir(root))
        except OSError:
            pass
    while stack:
        path, emptied = stack.pop()
        try:
            if emptied:
                os.rmdir(path)
                continue
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                os.unlink(path)
                continue
            os.chmod(path, 0o700)
            names = os.listdir(path)
        except OSError:
            continue
        stack.append((path, True))
        stack.extend((os.path.join(path, name), False) for name in names)
    ipc_rmid = 0
    remove = {"shm": lambda i: LIBC.shmctl(i, ipc_rmid, None),
              "msg": lambda i: LIBC.msgctl(i, ipc_rmid, None),
              "sem": lambda i: LIBC.semctl(i, 0, ipc_rmid)}
    for kind, ident in sysv_objects():
        remove[kind](ident)


def run_as_job(fn, timeout_s=CLEAN_BUDGET_S):
    """Runs fn in a forked child with the job's uid and no capabilities; True if it finished."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setgroups([])
            os.setresgid(JOB_GID, JOB_GID, JOB_GID)
            os.setresuid(JOB_UID, JOB_UID, JOB_UID)
            fn()
            code = 0
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        time.sleep(0.002)
    kill(pid)
    os.waitpid(pid, 0)
    return False


def clean_after_job():
    """Kills the job's processes and removes all it left. Raises Unclean when that cannot be shown."""
    if not IN_CONTAINER:
        return
    why = kill_job_processes()
    if why:
        raise Unclean(why)
    found = leftovers()
    if found and not remove_as_root(found):
        # Folders the job closed to others, and IPC objects, need the job's own uid to remove.
        if not run_as_job(purge_as_job):
            raise Unclean("the cleanup process did not finish")
        why = kill_job_processes()
        if why:
            raise Unclean(why)
        found = leftovers()
        if found:
            raise Unclean("could not remove what the job left: %s" % ", ".join(found[:10]))
    for z in ZYGOTES.values():
        if z.sock is None:
            raise Unclean("fork server %s is gone" % os.path.basename(z.script))


class JobDir:
    """The driver's files for one job, in a folder only root may enter."""

    def __init__(self, stdin_text):
        # A fixed name: one job at a time, and it is removed before the next.
        self.dir = os.path.join(FILES_ROOT, "job")
        remove_tree(self.dir)
        os.mkdir(self.dir, 0o700)
        self.stdin = os.path.join(self.dir, "stdin")
        self.out = os.path.join(self.dir, "stdout")
        self.err = os.path.join(self.dir, "stderr")
        with open(self.stdin, "w", encoding="utf-8", errors="surrogatepass") as f:
            f.write(stdin_text or "")

    def path(self, name):
        return os.path.join(self.dir, name)

    def close(self):
        remove_tree(self.dir)


def remove_tree(path):
    """Our own files only (root's, in root's folder)."""
    try:
        names = os.listdir(path)
    except FileNotFoundError:
        return
    for name in names:
        os.unlink(os.path.join(path, name))
    os.rmdir(path)


def read_capped(path, cap):
    try:
        with open(path, "rb") as f:
            data = f.read(cap + 1)
    except OSError:
        return "", False
    return data[:cap].decode("utf-8", errors="replace"), len(data) > cap


def classify(report, timed_out, lim, stderr_text):
    status = report["status"]
    result = {"exit_code": None, "signal": None, "cpu_ms": report["cpu_ms"], "max_rss_kb": report["max_rss_kb"]}
    if timed_out:
        result["status"] = "timeout"
        result["signal"] = signal.SIGKILL
        return result
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        result["signal"] = sig
        if sig == signal.SIGXCPU or (sig == signal.SIGKILL and report["cpu_ms"] >= lim["cpu_ms"]):
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


# ---------------------------------------------------------------------------------------------
# Plain runs


def run_program(code, stdin_text, lim):
    """One run of code as __main__ in a fresh job; returns the result dict (without id). The
    cleanup after it is the caller's (see serve)."""
    job = JobDir(stdin_text)
    try:
        with open(job.path("main.py"), "wb") as f:
            f.write(code.encode("utf-8", "surrogatepass"))  # lone surrogates fail to decode, as in a file
        start = time.monotonic()
        report, timed_out = run_child("run", job.dir, lim, start + lim["wall_ms"] / 1000.0)
        wall_ms = int((time.monotonic() - start) * 1000)
        stdout, out_trunc = read_capped(job.out, lim["output_bytes"])
        stderr, err_trunc = read_capped(job.err, lim["output_bytes"])
    finally:
        job.close()
    result = classify(report, timed_out, lim, stderr[-2000:])
    if out_trunc and result["status"] == "ok":
        result["status"] = "output_limit"
    result.update({"wall_ms": wall_ms, "stdout": stdout, "stderr": stderr, "truncated": out_trunc or err_trunc})
    return result


def op_run(req):
    return run_program(req["code"], req.get("stdin", ""), limits_of(req))


def op_tests(req):
    """The program once per input, each in a fresh child and folder, cleaned up in between; stops at
    the first failure if asked. It answers with the runs it could make, and the client asks again
    for the rest: when the answer has grown past RESPONSE_BUDGET, and when a run left something
    that cannot be removed (then with "unclean", and the rest run on another container)."""
    lim = limits_of(req)
    stop_early = bool(req.get("stop_on_failure", False))
    runs = []
    size = 0
    for text in req["inputs"]:
        if runs:
            try:
                clean_after_job()
            except Unclean as e:
                return {"runs": runs, "unclean": str(e)}
            if size >= RESPONSE_BUDGET:
                break
        r = run_program(req["code"], text, lim)
        r["stderr"] = r["stderr"][-STDERR_TAIL:]  # the reason for a failure, not a second output
        size += len(r["stdout"]) + len(r["stderr"])
        runs.append(r)
        if stop_early and r["status"] != "ok":
            break
    return {"runs": runs}


# ---------------------------------------------------------------------------------------------
# LiveCodeBench: the child runs the program (zygote_lcb.py); the driver sends the tests one at a
# time, keeps the clocks, and compares every answer. The expected outputs never leave the driver.


def lcb_lines(text):
    return [line.strip() for line in text.strip().split("\n")]


def lcb_decimals(line):
    try:
        return True, [decimal.Decimal(tok) for tok in line.split()]
    except Exception:
        return False, []


def decimals_equal(a, b):
    """Decimal lists compared as LCB compares them; a signalling NaN, which makes == raise, is unequal."""
    try:
        return a == b
    except decimal.InvalidOperation:
        return False


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
        if not ok_a or not ok_b or not decimals_equal(dec_a, dec_b):
            return "Wrong answer at output_line_idx=%d: %s != %s" % (idx, a[:300], b[:300])
    return None


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


def lcb_wrap_stdin_program(code, prelude_lines):
    """Hoist top-level imports and put every other top-level statement into wrapped_function(),
    as LCB does. Returns (what follows the prelude, lines of prelude before it); when the
    program does not parse, LCB compiles it as it is, with no prelude."""
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
        return "\n" + ast.unparse(imports) + "\n" + ast.unparse(func), prelude_lines
    except Exception:
        return code, 0


def lcb_source(code, fn_name):
    """The program as LCB compiles it, less the prelude the zygote has already run. Wrapping is
    done here, in the long-lived driver, because in a fresh child the ast module's first use
    costs milliseconds of copy-on-write faults."""
    prelude_lines = ZYGOTES["lcb"].prelude_lines
    if fn_name:
        return "\n\n" + code, prelude_lines
    return lcb_wrap_stdin_program(lcb_unwrap_main(code), prelude_lines)


def lcb_code(source, pad_lines):
    """The program compiled as the child would compile it: after a `pass` for each of the prelude's
    lines (so that line numbers are LCB's, and a `from __future__` import is not at the start), as
    "<string>". The child then only unmarshals and runs it: compiling there cost a fifth of a
    grading's page faults. Compiling runs none of the program's code. When compiling here fails,
    None is returned: the child then compiles the source under its timer and its raised limits
    (recursion, digits), so that any error is exactly LCB's."""
    text = "pass\n" * pad_lines + source
    try:
        return compile(text, "<string>", "exec", dont_inherit=True)
    except BaseException:
        return None


class NeverEqual(Exception):
    """A decoded answer holds what no JSON value can equal under LCB's ==: the answer is wrong,
    and building it (a set of colliding hashes, say) could cost the driver far more than it cost
    the writer."""


def decode_value(data):
    """The child's encoding of a return value (zygote_lcb.encode_value) back to plain Python data,
    built without recursion. Raises ValueError (or TypeError, for an unhashable key) on anything
    that is not a well-formed encoding. Expected outputs are JSON, and LCB compares with == after
    turning a top-level tuple into a list, so a set, a frozenset, bytes, a tuple below the top or a
    dict key that is not a string can never be equal: NeverEqual is raised for them, unbuilt."""
    tokens = json.loads(data)
    if not isinstance(tokens, list):
        raise ValueError("not a token list")
    stack = []  # open containers: [tag, items still to come, items so far]
    done = []
    for tok in tokens:
        if done or not isinstance(tok, str) or not tok:
            raise ValueError("bad token")
        tag, rest = tok[0], tok[1:]
        if tag == "b" or tag in "SF" and rest or tag == "t" and (stack or done):
            raise NeverEqual({"S": "a set", "F": "a frozenset", "b": "bytes", "t": "a nested tuple"}[tag])
        if stack and stack[-1][0] == "d" and len(stack[-1][2]) % 2 == 0 and tag != "s":
            raise NeverEqual("a dict key that is not a string")
        if tag in "ltd":
            count = int(rest)
            if count < 0:
                raise ValueError("negative count")
            need = 2 * count if tag == "d" else count
            if need:
                stack.append([tag, need, []])
                continue
            value = build(tag, [])
        elif tag == "n" and not rest:
            value = None
        elif tag in "TF" and not rest:
            value = tag == "T"
        elif tag == "i":
            value = -int(rest[1:], 16) if rest.startswith("-") else int(rest, 16)
        elif tag == "f":
            value = float.fromhex(rest)
        elif tag == "s":
            value = rest
        else:
            raise ValueError("unknown token")
        while True:  # place the value, closing every container it fills
            if not stack:
                done.append(value)
                break
            top = stack[-1]
            top[2].append(value)
            top[1] -= 1
            if top[1]:
                break
            stack.pop()
            value = build(top[0], top[2])
    if not done:
        raise ValueError("truncated value")
    return done[0]


def program_text(body):
    """Bytes the child sent as text: its own encoding keeps lone surrogates; anything else that is
    not UTF-8 (a frame the program wrote itself) is read with replacement characters."""
    try:
        return body.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return body.decode("utf-8", "replace")


class _ShortRepr(reprlib.Repr):
    """Bounded in depth, length and work: the decimal text of a huge int takes quadratic time."""

    def __init__(self):
        super().__init__()
        self.maxlevel, self.maxlist, self.maxdict, self.maxstring, self.maxother = 8, 30, 30, 300, 300

    def repr_int(self, x, level):
        if x.bit_length() > 3000:
            return "<int of %d bits>" % x.bit_length()
        return repr(x)


SHORT_REPR = _ShortRepr()


def short_repr(value):
    """The start of a decoded answer's repr, for the verdict."""
    return SHORT_REPR.repr(value)[:300]


def build(tag, items):
    """A container of decode_value: a list, the top-level tuple, or a dict from its keys and values."""
    if tag == "l":
        return items
    if tag == "t":
        return tuple(items)
    return {items[i]: items[i + 1] for i in range(0, len(items), 2)}


class Channel:
    """The driver's ends of an LCB job's two FIFOs: inputs go down cmd, answers come up res. The
    child's side is written by the process that runs the program, so the program can write there
    too: the n-th frame is only ever read as the answer to the driver's n-th test, whose expected
    output the program never holds; a frame's size is capped, and anything malformed fails it."""

    def __init__(self, job):
        os.mkfifo(job.path("cmd"), 0o600)
        os.mkfifo(job.path("res"), 0o600)
        # Both before the zygote opens the other ends, so that neither open waits.
        self.res = os.open(job.path("res"), os.O_RDONLY | os.O_NONBLOCK)
        self.cmd = os.open(job.path("cmd"), os.O_RDWR | os.O_NONBLOCK)
        self.buf = bytearray()
        self.out = memoryview(b"")
        self.eof = False

    def close(self):
        os.close(self.res)
        os.close(self.cmd)

    def queue_inputs(self, texts):
        """Every test's input, in the driver's order: the child reads the next only after it has
        answered the one before, so each answer is timed from the one before it."""
        frames = []
        for text in texts:
            body = text.encode("utf-8", "surrogatepass")
            frames.append(b"%d\n" % len(body))
            frames.append(body)
        self.out = memoryview(b"".join(frames))

    def flush(self):
        """Writes what the pipe takes now; True when the whole input is out."""
        while self.out:
            try:
                n = os.write(self.cmd, self.out)
            except BlockingIOError:
                return False
            self.out = self.out[n:]
        return True

    def fill(self):
        """Reads what the pipe holds now."""
        try:
            chunk = os.read(self.res, 1 << 16)  # below malloc's mmap threshold: no map and unmap per read
            if chunk:
                self.buf.extend(chunk)
            else:
                self.eof = True
        except BlockingIOError:
            pass

    def frame(self, cap):
        """The next whole frame read so far as (kind, body); None when none has come whole; or
        ("bad", why) for one that is malformed, ("big", why) for one over cap."""
        nl = self.buf.find(b"\n", 0, FRAME_HEAD_MAX)
        if nl < 0:
            return ("bad", "a malformed result frame") if len(self.buf) >= FRAME_HEAD_MAX else None
        head = bytes(self.buf[:nl]).split()
        if len(head) != 2 or head[0] not in (b"P", b"L", b"E", b"O", b"V", b"N", b"T", b"X") or not head[1].isdigit():
            return "bad", "a malformed result frame"
        n = int(head[1])
        if n > cap:
            return "big", "the answer is larger than %d bytes" % cap
        if len(self.buf) < nl + 1 + n:
            return None
        body = bytes(self.buf[nl + 1:nl + 1 + n])
        del self.buf[:nl + 1 + n]
        return head[0].decode(), body


def op_lcb(req):
    lim = limits_of(req)
    inputs = req["inputs"]
    outputs = req["outputs"]
    fn_name = req.get("fn_name")
    timeout = int(req.get("timeout_s", 6))
    cpu_clock = req.get("clock", "wall") == "cpu"
    budget_s = (timeout + 1) * len(inputs) + 5
    source, pad_lines = lcb_source(req["code"], fn_name)
    compiled = lcb_code(source, pad_lines)
    # LCB looks for "class Solution" in what it compiles: for stdin programs, the rewritten source.
    payload = {"fn_name": fn_name, "timeout_s": timeout, "clock": "cpu" if cpu_clock else "wall",
               "has_solution": "class Solution" in source, "pad_lines": pad_lines,
               # A program that names numpy has it loaded before its clocks start (see the P frame).
               "numpy": "numpy" in source,
               "code": source if compiled is None else compiled}
    results, tests, meta = [], [], {}

    def fail(code, message, **extra):
        results.append(code)
        meta.update(error_code=code if type(code) is int else -2, error_message=message, **extra)

    def judge(idx, kind, body):
        """The verdict on test idx from the child's answer to it; True to go on. The answer is the
        program's to write: nothing in it may break the driver, so whatever cannot be read fails
        the program, never the harness."""
        before = len(results)
        try:
            judge_answer(idx, kind, body)
        except Exception as e:
            del results[before:]
            fail(-5, "Test runner died: an answer the driver could not read (%s)" % type(e).__name__, test=idx)
        if len(results) > before:
            return False
        results.append(True)
        return True

    def judge_answer(idx, kind, body):
        text = program_text(body) if kind != "V" else None
        if kind == "T":
            fail(-3, "Time Limit Exceeded", error=text[:2000], test=idx)
        elif kind == "X":
            fail(-4, "Runtime Error", error=text[:2000], test=idx)
        elif kind == "O" and not fn_name:
            reason = lcb_compare_stdout(text, outputs[idx])
            if reason is not None:
                fail(-2, reason, output=text[:300], expected=outputs[idx][:300], test=idx)
        elif kind == "N" and fn_name:
            fail(False, "Wrong Answer: the return value is not plain data (%s)" % text[:200], test=idx)
        elif kind == "V" and fn_name:
            try:
                prediction = decode_value(body)
            except NeverEqual as e:
                fail(False, "Wrong Answer: the return value holds %s, which no expected output (JSON) can equal" % e, test=idx)
                return
            except (ValueError, TypeError, RecursionError, MemoryError):
                fail(-5, "Test runner died: a malformed return value (the program wrote to the harness's channel)", test=idx)
                return
            if isinstance(prediction, tuple):
                prediction = list(prediction)  # LCB's rule, at the top level only
            try:
                passed = prediction == json.loads(outputs[idx])
            except RecursionError:
                passed = False
            if not passed:
                fail(False, "Wrong Answer", output=short_repr(prediction), expected=outputs[idx][:300], test=idx)
        else:
            fail(-5, "Test runner died: an answer of the wrong kind (the program wrote to the harness's channel)", test=idx)

    job = JobDir("")
    channel = None
    pid = None
    zygote = ZYGOTES["lcb"]
    report = None
    start = time.monotonic()
    try:
        with open(job.path("job.marshal"), "wb") as f:
            f.write(marshal.dumps(payload))
        channel = Channel(job)
        start = time.monotonic()
        pid = zygote.fork_job(job.dir, lim)
        clock = JobClock(pid, every_process=cpu_clock)
        channel.queue_inputs(inputs)
        channel.flush()
        # idx -1: loading; then the test being answered. While numpy loads (before the P frame),
        # no clock of the program's runs.
        state = {"idx": -1, "since": start, "cpu": 0, "numpy": payload["numpy"], "budget_end": start + budget_s}

        def on_frame(frame):
            """Handles one frame; True while grading goes on."""
            kind, body = frame
            idx = state["idx"]
            now = time.monotonic()
            if kind == "big":
                fail(-2, "Wrong answer: " + body, test=max(idx, 0))
                return False
            if kind == "bad":
                fail(-5, "Test runner died: %s (the program wrote to the harness's channel)" % body, test=max(idx, 0))
                return False
            if state["numpy"]:
                if kind != "P":
                    fail(-5, "Test runner died: an answer before numpy was loaded (the program wrote to the harness's channel)")
                    return False
                state["numpy"] = False
                state["since"] = now
                state["budget_end"] = now + budget_s
                return True
            if idx < 0:
                if kind == "E":
                    fail(-4, "Error during testing: " + program_text(body)[:2000])
                    return False
                if kind != "L":
                    fail(-5, "Test runner died: an answer before any test (the program wrote to the harness's channel)")
                    return False
            else:
                cpu = clock.cpu_ms()
                tests.append({"wall_ms": int((now - state["since"]) * 1000), "cpu_ms": max(0, cpu - state["cpu"])})
                state["cpu"] = cpu
                if not judge(idx, kind, body) or len(results) == len(inputs):
                    return False
            state["idx"] = idx = idx + 1
            state["since"] = now
            if idx == 0:
                state["cpu"] = clock.cpu_ms()
            return idx < len(inputs)  # a problem without tests ends here

        def on_frames(cap):
            """Handles every whole frame read so far; False once grading is over."""
            while True:
                frame = channel.frame(cap)
                if frame is None:
                    return True
                if not on_frame(frame):
                    return False

        timed_out = False
        watch = [zygote.sock, channel.res] + ([] if REQUESTS.eof else [0])
        while True:
            now = time.monotonic()
            budget_end = state["budget_end"]
            if state["numpy"]:
                end = start + NUMPY_LOAD_BUDGET_S
            else:
                end = budget_end if cpu_clock else min(budget_end, state["since"] + timeout + KILL_GRACE_S)
            if now >= end:
                timed_out = True
                break
            wait = min(end - now, CPU_POLL_S) if cpu_clock else end - now
            ready, can_write, _ = select.select(watch, [channel.cmd] if channel.out else [], [], wait)
            watch_client(ready, pid)
            if can_write:
                channel.flush()
            if cpu_clock and state["idx"] >= 0 and clock.cpu_ms() - state["cpu"] > (timeout + KILL_GRACE_S) * 1000:
                fail(-3, "Time Limit Exceeded", error="the job's processes used more than %d s of CPU" % timeout, test=state["idx"])
                break
            if channel.res in ready:
                channel.fill()
                if not on_frames(lim["output_bytes"]):
                    break
                if channel.eof and channel.res in watch:
                    watch.remove(channel.res)
            if zygote.sock in ready:
                report = zygote.exit_report(0)
                pid = None
                # Answers written just before the child ended are still in the pipe.
                channel.fill()
                on_frames(lim["output_bytes"])
                break
        idx = state["idx"]
        if pid is not None:
            kill(pid)
            report = zygote.exit_report(30)
        if state["numpy"] and not meta:
            stderr, _ = read_capped(job.err, 4000)
            raise HarnessError("numpy did not load in the job's process%s: %s"
                               % (" in %d s" % NUMPY_LOAD_BUDGET_S if timed_out else "", stderr[-1000:] or classify(report, False, lim, "")["status"]))
        wall_ms = int((time.monotonic() - start) * 1000)
        if not meta and len(results) < len(inputs):
            stderr, _ = read_capped(job.err, 4000)
            if timed_out and time.monotonic() >= state["budget_end"]:
                fail(-1, "Global timeout after %d s" % budget_s)
            elif timed_out:
                fail(-3, "Time Limit Exceeded", error="still running %.0f s past the limit" % KILL_GRACE_S, test=max(idx, 0))
            else:
                c = classify(report, False, lim, stderr)
                fail(-5, "Test runner died: %s" % c["status"], stderr=stderr[-1000:], test=max(idx, 0))
        return {
            "results": results,
            "metadata": meta,
            "tests": tests,
            "wall_ms": wall_ms,
            "cpu_ms": report["cpu_ms"] if report else 0,
            "max_rss_kb": report["max_rss_kb"] if report else None,
        }
    finally:
        if pid is not None:
            kill(pid)
        if channel is not None:
            channel.close()
        job.close()


# ---------------------------------------------------------------------------------------------
# Programs in any language: compiled once as the job, then run once per input as the job. The
# driver measures them from outside: wall clock, CPU of every process of the job, and resident
# memory (polled, and the kernel's peak), so that no verdict rests on what the program prints.

COMPILE_DEFAULTS = {"wall_ms": 60_000, "cpu_ms": 60_000, "memory_mb": 1024, "output_bytes": 1 << 20, "file_bytes": 64 << 20}
# Of a compiler's message, the start is kept: the first error is the one that explains.
COMPILE_MESSAGE_CAP = 8000
# How often a running program's memory and CPU are read; its exit is noticed at once (pidfd).
PROGRAM_POLL_S = 0.01
# The longest a forked child may take to reach its exec before it is killed.
EXEC_WAIT_S = 10
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def compile_limits_of(req):
    lim = dict(COMPILE_DEFAULTS)
    lim.update({k: int(v) for k, v in (req.get("compile_limits") or {}).items() if k in COMPILE_DEFAULTS and v is not None})
    return lim


def rss_kb(pid):
    try:
        with open("/proc/%d/statm" % pid, "rb") as f:
            return int(f.read().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0


# The container's memory controller: cgroup v2's fields, then v1's (anon is v1's rss).
MEMORY_STAT = (("/sys/fs/cgroup/memory.stat", (b"anon", b"shmem")), ("/sys/fs/cgroup/memory/memory.stat", (b"rss", b"shmem")))
OOM_EVENTS = ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control")


def charged_kb():
    """The container's anonymous and shared (tmpfs, memfd, SysV) memory in kB, from its cgroup;
    None where it cannot be read. One job runs at a time, so its growth over a job is the job's:
    memory no process maps (a memfd, a detached segment, a file in /tmp) counts too."""
    for path, fields in MEMORY_STAT:
        try:
            with open(path, "rb") as f:
                total = 0
                for line in f:
                    key, _, value = line.partition(b" ")
                    if key in fields:
                        total += int(value)
                return total >> 10
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            return None
    return None


def self_rss_kb():
    return rss_kb(os.getpid())


def oom_kills():
    """The container's count of out-of-memory kills (cgroup v2 or v1), or 0 where it cannot be read."""
    for path in OOM_EVENTS:
        try:
            with open(path, "rb") as f:
                for line in f:
                    if line.startswith(b"oom_kill "):
                        return int(line.split()[1])
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            return 0
    return 0


class ExecJob:
    """What jobfiles.become_job needs of a job that execs its program: the three streams, and
    rlimits with no address-space limit (runtimes reserve far more than they use; memory is
    measured instead) and a stack as large as the memory limit, as judges give."""

    __slots__ = ("fds", "rlimits")

    def __init__(self, job_dir, lim, fds=None):
        new = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        self.fds = []
        try:
            if fds is not None:
                self.fds = [os.dup(fd) for fd in fds]  # stdin and stdout are pipes: an interaction
                self.fds.append(os.open(job_dir.err, new, 0o600))
            else:
                self.fds.append(os.open(job_dir.stdin, os.O_RDONLY))
                self.fds.append(os.open(job_dir.out, new, 0o600))
                self.fds.append(os.open(job_dir.err, new, 0o600))
        except OSError:
            self.close()
            raise
        mem = lim["memory_mb"] << 20
        cpu = max(1, -(-lim["cpu_ms"] // 1000)) + 1  # the driver's clock ends it first; this is the backstop
        fsize = max(lim["output_bytes"], lim["file_bytes"])
        self.rlimits = (
            (resource.RLIMIT_CPU, (cpu, cpu + 1)),
            (resource.RLIMIT_FSIZE, (fsize, fsize)),
            (resource.RLIMIT_CORE, (0, 0)),
            (resource.RLIMIT_STACK, (mem, mem)),
        )

    def close(self):
        for fd in self.fds:
            os.close(fd)
        self.fds = []


def spawn_as_job(argv, env, job, compiling, uid=JOB_UID, work=JOB_WORK, keep=()):
    """Forks a child that becomes the job (or, with uid and work, a judge) and execs argv, with the
    fds in keep at 3, 4, ...; returns its pid once it has exec'd. Until its exec the child is a copy
    of the driver, holding the driver's pages (a large request among them): no sample of the job's
    memory may see that copy. A child that fails before its exec, or never reaches it, is the
    harness's failure (HarnessError), never a run of the program; only an exec the kernel refuses on
    the program's own build is the program's (exit 127)."""
    execd, until_exec = os.pipe()  # both close-on-exec: end of file here once the child has exec'd
    pid = os.fork()
    if pid == 0:
        try:
            os.close(execd)
            until_exec = fcntl.fcntl(until_exec, fcntl.F_DUPFD_CLOEXEC, 64)
            keep = [fcntl.fcntl(fd, fcntl.F_DUPFD, 64) for fd in keep]  # above 3.. so none is overwritten
            # Python ignores these; a program expects the defaults. A judge keeps SIGPIPE ignored: a
            # program that stops reading must not end its judge before the judge reads its answer.
            signal.signal(signal.SIGPIPE, signal.SIG_DFL if uid == JOB_UID else signal.SIG_IGN)
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
            become_job(job, keep=keep, uid=uid, work=work, until_exec=until_exec)
            if compiling:
                # The driver (root without DAC override) copies the compiler's output from here.
                os.umask(0o022)
                os.chmod(JOB_WORK, 0o755)
                os.mkdir(JOB_WORK + "/out", 0o755)
            try:
                os.execve(argv[0], argv, env)
            except OSError as e:
                if uid == JOB_UID and argv[0].startswith(PROGRAM_ROOT + "/"):
                    # The program's own build, which the kernel will not run (a library, a broken
                    # interpreter path): the program's failure, said on its stderr, as a shell says it.
                    os.write(2, ("cannot execute %s: %s\n" % (os.path.basename(argv[0]), e.strerror)).encode("utf-8", "replace"))
                    os._exit(127)
                raise
        except BaseException as e:
            try:
                os.write(until_exec, ("%s: %s" % (type(e).__name__, e)).encode("utf-8", "replace")[:EXEC_WHY_BYTES])
            except BaseException:
                pass
        finally:
            os._exit(127)
    os.close(until_exec)
    job.close()
    try:
        # End of file comes at the exec; a reason, when the child failed before it. Only our code runs
        # before the exec, but a child stopped there (by a signal from another process of the job's
        # uid) must not hold the driver, nor pass for a program that ran.
        if not select.select([execd], [], [], EXEC_WAIT_S)[0]:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise HarnessError("the job's process did not reach its exec of %s within %d s" % (argv[0], EXEC_WAIT_S))
        why = os.read(execd, EXEC_WHY_BYTES)
        if why:
            os.waitpid(pid, 0)
            raise HarnessError("the job's process failed before its exec of %s: %s" % (argv[0], why.decode("utf-8", "replace")))
    finally:
        os.close(execd)
    return pid


# The most of a child's reason for failing before its exec that the driver reads.
EXEC_WHY_BYTES = 512


def watch_program(pid, lim, deadline, base):
    """Waits for the job's main process while keeping its clocks and memory; kills it at a limit.
    base is the container's charged memory (charged_kb) from before the fork. Returns (wait status,
    rusage, the limit it was killed at or None, peak resident kB)."""
    mem_kb = lim["memory_mb"] << 10
    pidfd = os.pidfd_open(pid)
    peak = 0
    why = None
    every = PROGRAM_POLL_S / 8  # soon after the start, then every PROGRAM_POLL_S: short runs get a sample too
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                why = "timeout"
                break
            ready, _, _ = select.select([pidfd] + ([] if REQUESTS.eof else [0]), [], [], min(every, remaining))
            every = min(PROGRAM_POLL_S, every * 2)
            watch_client(ready, pid)
            if pidfd in ready:
                break
            pids = job_pids()
            rss = sum(rss_kb(p) for p in pids)
            now = charged_kb()
            if base is not None and now is not None:
                rss = max(rss, now - base)
            peak = max(peak, rss)
            if rss > mem_kb:
                why = "memory_limit"
                break
            if sum(proc_cpu_ms(p) for p in pids) > lim["cpu_ms"]:
                why = "cpu_limit"
                break
    finally:
        os.close(pidfd)
    if why:
        kill(pid)  # its own wait first: the cleanup after the job reaps every child of ours
    _, status, ru = os.wait4(pid, 0)
    return status, ru, why, peak


def tail(path):
    try:
        with open(path, "rb") as f:
            f.seek(max(0, os.fstat(f.fileno()).st_size - STDERR_TAIL))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def run_exec(argv, env, job_dir, lim, compiling=False, oom_marker=None, fds=None, uid=JOB_UID, work=JOB_WORK, keep=()):
    """One exec'd run as the job, measured; the result dict (without stdout and stderr). With fds,
    its stdin and stdout are those (an interaction's pipes)."""
    oom_before = oom_kills()
    # A forked child starts with the driver's pages, and the kernel keeps that peak across exec:
    # ru_maxrss above this is the program's own, below it says nothing.
    inherited = self_rss_kb()
    # Read before the fork: once the program runs, what it has put where no process maps it (a memfd,
    # a file in /tmp) would be counted in the base and never charged.
    base = charged_kb()
    try:
        pid = spawn_as_job(argv, env, ExecJob(job_dir, lim, fds), compiling, uid=uid, work=work, keep=keep)
        # The program's clock starts at its exec: the time a loaded host takes to get the child
        # there is the harness's, and must not bring a right program nearer its wall limit.
        start = time.monotonic()
    finally:
        if fds is not None:
            for fd in fds:
                os.close(fd)  # the job's ends: ours closed, so the judge sees end of file when the job ends
    status, ru, why, peak = watch_program(pid, lim, start + lim["wall_ms"] / 1000.0, base)
    wall_ms = int((time.monotonic() - start) * 1000)
    max_rss = max(peak, ru.ru_maxrss if ru.ru_maxrss > inherited else 0)
    # None: over before any sample and below what the fork carried in, so not known (and far too
    # short to have reached a memory limit).
    result = {"exit_code": None, "signal": None, "cpu_ms": int((ru.ru_utime + ru.ru_stime) * 1000),
              "max_rss_kb": max_rss or None, "wall_ms": wall_ms}
    if why:
        result["status"], result["signal"] = why, signal.SIGKILL
    elif os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        result["signal"] = sig
        if sig == signal.SIGXCPU:
            result["status"] = "cpu_limit"
        elif sig == signal.SIGXFSZ:
            result["status"] = "output_limit"
        elif sig == signal.SIGKILL and oom_kills() > oom_before:
            result["status"] = "memory_limit"  # the container's own limit, reached between two polls
        elif sig == signal.SIGKILL:
            result["status"] = "killed"
        else:
            result["status"] = "runtime_error"  # a fault of its own: segfault, abort, division by zero
    else:
        result["exit_code"] = os.WEXITSTATUS(status)
        result["status"] = "ok" if result["exit_code"] == 0 else "runtime_error"
    if result["status"] in ("runtime_error", "killed") and oom_marker and any(oom_marker in tail(p) for p in (job_dir.err, job_dir.out)):
        # The runtime's own heap limit, which the driver set to the memory limit, ended the run
        # (the JVM says so on stdout, node on stderr).
        result["status"] = "memory_limit"
    if max_rss > lim["memory_mb"] << 10 and result["status"] not in ("timeout", "cpu_limit"):
        result["status"] = "memory_limit"  # the kernel's peak says it went over, whatever it did after
    return result


def fill(argv, **values):
    return [a.format(**values) for a in argv]


class TooBig(Exception):
    """A compile's output that cannot be kept: the program's, a compile error."""


class ProgramDir:
    """The program's folder under PROGRAM_ROOT: root's, readable and executable by the job."""

    def __init__(self, name="program"):
        self.dir = os.path.join(PROGRAM_ROOT, name)
        remove_tree_deep(self.dir)
        os.mkdir(self.dir, 0o755)
        os.chmod(self.dir, 0o755)  # the driver's umask is 077

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8", "surrogatepass"))
        os.chmod(path, 0o644)
        return path

    # What a compile may leave for the tests: more is the program's fault, never the harness's.
    TAKE_FILES = 4096
    TAKE_DEPTH = 32
    TAKE_BYTES = 48 << 20

    def take(self, out):
        """Copies what the compiler wrote (regular files and folders; nothing else) into this
        folder as root's, read-only to the job; the number of files copied. Raises TooBig when the
        output is more than a program may be, or does not fit."""
        try:
            return self._take(out)
        except OSError as e:
            raise TooBig("the compiled program could not be kept (%s)" % e.strerror)

    def _take(self, out):
        count = 0
        size = 0
        stack = [("", out)]
        while stack:
            rel, src = stack.pop()
            if rel.count("/") >= self.TAKE_DEPTH:
                raise TooBig("the compiled program is nested deeper than %d folders" % self.TAKE_DEPTH)
            for name in os.listdir(src):
                s = os.path.join(src, name)
                st = os.lstat(s)
                d = os.path.join(self.dir, rel, name)
                if stat.S_ISDIR(st.st_mode):
                    os.mkdir(d, 0o755)
                    os.chmod(d, 0o755)
                    stack.append((os.path.join(rel, name), s))
                elif stat.S_ISREG(st.st_mode):
                    size += st.st_size
                    if count >= self.TAKE_FILES or size > self.TAKE_BYTES:
                        raise TooBig("the compiled program is more than %d files or %d MiB" % (self.TAKE_FILES, self.TAKE_BYTES >> 20))
                    fd = os.open(s, os.O_RDONLY | os.O_NOFOLLOW)
                    with os.fdopen(fd, "rb") as f_in, open(d, "xb") as f_out:
                        while True:
                            chunk = f_in.read(1 << 20)
                            if not chunk:
                                break
                            f_out.write(chunk)
                    os.chmod(d, 0o755 if st.st_mode & 0o111 else 0o644)
                    count += 1
        return count

    def close(self):
        remove_tree_deep(self.dir)


def remove_tree_deep(path):
    """Our own folder tree (root's), without recursion: no depth of folders stops it."""
    if not os.path.lexists(path):
        return
    stack = [(path, False)]
    while stack:
        p, emptied = stack.pop()
        if emptied:
            os.rmdir(p)
            continue
        if not stat.S_ISDIR(os.lstat(p).st_mode):
            os.unlink(p)
            continue
        stack.append((p, True))
        stack.extend((os.path.join(p, name), False) for name in os.listdir(p))


def missing_tools(lang):
    """The compiler or runtime this image lacks for a language, or None."""
    for argv in (lang.compile, lang.run):
        if argv and not argv[0].startswith("{") and not os.access(argv[0], os.X_OK):
            return argv[0]
    return None


def compile_program(lang, prog, src, lim):
    """Compiles as the job; returns the compile report, the program taken into prog when it built."""
    job = JobDir("")
    try:
        argv = fill(lang.compile, src=src, out=JOB_WORK + "/out", bin=prog.dir, mem=lim["memory_mb"], **{"class": ""})
        result = run_exec(argv, lang.compile_env, job, lim, compiling=True)
        out, _ = read_capped(job.out, COMPILE_MESSAGE_CAP)
        err, _ = read_capped(job.err, COMPILE_MESSAGE_CAP)
    finally:
        job.close()
    message = (out + err)[:COMPILE_MESSAGE_CAP]
    why = None
    if result["status"] in ("timeout", "cpu_limit"):
        why = "the compiler ran past its time limit"
    elif result["status"] == "memory_limit":
        why = "the compiler ran past its memory limit (%d MiB)" % lim["memory_mb"]
    elif result["status"] != "ok":
        why = "the compiler failed"
    else:
        # Nothing of the compile may run on: then the copy reads files no process can change.
        left = kill_job_processes()
        if left:
            raise Unclean(left)
        try:
            if lang.builds and prog.take(JOB_WORK + "/out") == 0:
                why = "the compiler wrote no program"
        except TooBig as e:
            why = str(e)
    report = {"status": "ok" if why is None else "compile_error", "message": message, "wall_ms": result["wall_ms"],
              "cpu_ms": result["cpu_ms"], "max_rss_kb": result["max_rss_kb"]}
    if why:
        report["reason"] = why
    return report


# How a run's output is checked against the expected one: None when it is accepted, else why not.
# Every checker runs here, outside the job, after the job's processes are gone.


def check_tokens(output, expected, _input=None):
    got, want = output.split(), expected.split()
    for i, (a, b) in enumerate(zip(got, want)):
        if a != b:
            return "Wrong answer at token %d: %s != %s" % (i, a[:100], b[:100])
    if len(got) != len(want):
        return "Wrong answer: %d tokens, expected %d" % (len(got), len(want))
    return None


def finite(token):
    """A decimal number token as a float, or None (no nan, inf or hex: those are not answers)."""
    t = token.lower()
    if any(c not in "0123456789+-.e" for c in t):
        return None
    try:
        return float(t)
    except ValueError:
        return None


class FloatChecker:
    """Tokens in order; where the expected token is a number, the output's must be one within the
    absolute or the relative error; other tokens must be equal."""

    def __init__(self, options):
        self.abs = float(options.get("abs", 1e-6))
        self.rel = float(options.get("rel", 1e-6))

    def __call__(self, output, expected, _input=None):
        got, want = output.split(), expected.split()
        if len(got) != len(want):
            return "Wrong answer: %d tokens, expected %d" % (len(got), len(want))
        for i, (a, b) in enumerate(zip(got, want)):
            y = finite(b)
            if y is None:
                if a != b:
                    return "Wrong answer at token %d: %s != %s" % (i, a[:100], b[:100])
                continue
            x = finite(a)
            if x is None:
                return "Wrong answer at token %d: %s is not a number" % (i, a[:100])
            if abs(x - y) > self.abs and abs(x - y) > self.rel * abs(y):
                return "Wrong answer at token %d: %s is off %s by %.3g, more than %g absolute and %g relative" % (
                    i, a[:100], b[:100], abs(x - y), self.abs, self.rel)
        return None


def judge_files(texts):
    """Files a judge reads (the test's input, the output, the answer), open and already unlinked:
    the judge reaches them only as /dev/fd/3, 4, ..., and nothing else can reach them at all."""
    fds = []
    folder = os.path.join(FILES_ROOT, "judge")
    os.makedirs(folder, 0o700, exist_ok=True)
    try:
        for i, text in enumerate(texts):
            path = os.path.join(folder, str(i))
            with open(path, "w", encoding="utf-8", errors="surrogatepass") as f:
                f.write(text)
            os.chmod(path, 0o644)  # reopened through /dev/fd by another uid, which checks the file's mode
            fds.append(os.open(path, os.O_RDONLY))
            os.unlink(path)
    except OSError:
        for fd in fds:
            os.close(fd)
        raise
    return fds


class CheckerFailed(Exception):
    """The special judge itself failed (its _fail, a crash, a time limit): no verdict on the program."""


class TestlibChecker:
    """A testlib special judge in C++ (sandbox/checkers/testlib.h is on its include path), compiled
    once per request and run as `checker input output answer` in a job of its own, after the
    program's processes are gone, as a uid of its own, reading its three files as /dev/fd/3, 4 and 5:
    files no job can reach, before, during or after."""

    LIMITS = {"wall_ms": 10_000, "cpu_ms": 10_000, "memory_mb": 512, "output_bytes": 1 << 16, "file_bytes": 1 << 20}

    def __init__(self, source, compile_lim):
        self.dir = ProgramDir("checker")
        src = self.dir.write("checker.cpp", source)
        report = compile_program(CHECKER, self.dir, src, compile_lim)
        if report["status"] != "ok":
            self.close()
            raise CheckerFailed("the checker did not compile: %s\n%s" % (report.get("reason"), report["message"][:2000]))
        clean_after_job()

    def __call__(self, output, expected, input_text):
        clean_after_job()  # nothing of the program's may run beside its judge
        files = judge_files((input_text, output, expected))
        job = JobDir("")
        try:
            argv = [os.path.join(self.dir.dir, "main"), "/dev/fd/3", "/dev/fd/4", "/dev/fd/5"]
            r = run_exec(argv, CHECKER.env, job, self.LIMITS, uid=JUDGE_UID, work=None, keep=files)
            said = (read_capped(job.err, 2000)[0] + read_capped(job.out, 2000)[0]).strip()
        finally:
            for fd in files:
                os.close(fd)
            job.close()
        if r["status"] == "ok":
            return None
        if r["status"] == "runtime_error" and r["exit_code"] in (1, 2, 7):
            return "Wrong answer (checker): %s" % said
        raise CheckerFailed("the checker %s: %s" % (
            "reported a failure of the jury's data (exit 3)" if r["exit_code"] == 3 else "ended with %s" % r["status"], said))

    def close(self):
        self.dir.close()


class Interactor:
    """An interactive problem's judge, in C++ (our testlib.h on its include path), compiled once per
    request. For each test it runs as `interactor input answer` beside the program, as a uid of its
    own (so the program cannot signal it), in no folder it may write: the program's stdout is its
    stdin and its stdout the program's stdin. It exits 0 to accept, 1 or 2 for a wrong answer, and
    anything else (3: the jury's data is wrong) is its own failure, no verdict on the program."""

    GRACE_S = 2.0  # after the program ends, how long the judge has to give its verdict

    def __init__(self, source, compile_lim):
        self.judge = TestlibChecker(source, compile_lim)

    def run(self, argv, env, text, expected, lim):
        """Runs the program against the judge; the program's result dict, with stdout empty and
        "wrong" set from the judge's verdict."""
        files = judge_files((text, expected))
        to_prog = os.pipe()
        to_judge = os.pipe()
        job = JobDir("")
        said_path = os.path.join(FILES_ROOT, "judge-stderr")
        judge_pid = None
        try:
            said_fd = os.open(said_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            judge_job = ExecJob(job, TestlibChecker.LIMITS, fds=[to_judge[0], to_prog[1]])
            os.close(judge_job.fds[2])
            judge_job.fds[2] = said_fd
            judge_argv = [os.path.join(self.judge.dir.dir, "main"), "/dev/fd/3", "/dev/fd/4"]
            judge_pid = spawn_as_job(judge_argv, CHECKER.env, judge_job, False, uid=JUDGE_UID, work=None, keep=files)
            for fd in files:
                os.close(fd)
            files = ()
            os.close(to_judge[0])
            os.close(to_prog[1])
            r = run_exec(argv, env, job, lim, fds=[to_prog[0], to_judge[1]])
            to_prog = to_judge = None
            # What the program left running (a child still talking to the judge) ends with it: the
            # judge's verdict is on what the measured run said. (Killed, not reaped: the judge is
            # our child too, and its wait is below.)
            for p in job_pids():
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
            deadline = time.monotonic() + self.GRACE_S
            while True:
                done, status = os.waitpid(judge_pid, os.WNOHANG)
                if done:
                    break
                if time.monotonic() > deadline:
                    kill(judge_pid)
                    _, status = os.waitpid(judge_pid, 0)
                    break
                time.sleep(0.002)
            judge_pid = None
            said = read_capped(said_path, 2000)[0].strip()
            err, _ = read_capped(job.err, lim["output_bytes"])
        finally:
            for fd in files:
                os.close(fd)
            for pair in (to_prog, to_judge):
                if pair:
                    for fd in pair:
                        try:
                            os.close(fd)
                        except OSError:
                            pass
            if judge_pid is not None:
                kill(judge_pid)
                os.waitpid(judge_pid, 0)
            job.close()
        r.update({"stdout": "", "stderr": err[-STDERR_TAIL:], "truncated": False})
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        if code == 3:
            # The judge's own word that the jury's data is wrong: whatever the program did after.
            raise CheckerFailed("the interactor reported a failure of the jury's data (exit 3): %s" % said)
        if code in (1, 2):
            r["wrong"] = "Wrong answer (interactor): %s" % said
            if r["status"] == "runtime_error" and r.get("signal") == signal.SIGPIPE:
                r["status"] = "ok"  # it wrote to a judge that had already given its verdict
        elif r["status"] != "ok":
            r["wrong"] = None  # the program's own end is the verdict; a judge cut off by it says nothing
        elif code == 0:
            r["wrong"] = None
        elif code is None and os.WTERMSIG(status) == signal.SIGPIPE:
            r["wrong"] = "Wrong answer (interactor): the program stopped reading before the judge was done"
        else:
            raise CheckerFailed("the interactor ended without a verdict (%s): %s" % (
                "exit %d" % code if code is not None else "signal %d" % os.WTERMSIG(status), said))
        return r

    def close(self):
        self.judge.close()


def checker_for(req):
    """The request's checker (a callable of output, expected, input), or None when it names none we have."""
    kind = req.get("checker", "lcb")
    if kind == "lcb":
        return lambda output, expected, _input=None: lcb_compare_stdout(output, expected)
    if kind == "tokens":
        return check_tokens
    if kind == "float":
        return FloatChecker(req.get("checker_options") or {})
    if kind == "testlib":
        return TestlibChecker(req.get("checker_code") or "", compile_limits_of(req))
    if kind == "interactive":
        return Interactor(req.get("checker_code") or "", compile_limits_of(req))
    return None


def op_program(req):
    """Compiles the program once and runs it once per input, each run a fresh job; answers with the
    compile report and the runs it could make (the client asks again for the rest, as for tests)."""
    lang = language(req.get("language"))
    if lang is None:
        return {"error": "unknown language %r" % req.get("language")}
    missing = missing_tools(lang)
    if missing:
        return {"error": "this sandbox image has no %s (for %s); use an image with it (arbiter sandbox image --polyglot)"
                % (missing, lang.name)}
    lim = limits_of(req)
    stop_early = bool(req.get("stop_on_failure", False))
    code = req["code"]
    expected = req.get("expected")
    if expected is not None and len(expected) != len(req["inputs"]):
        return {"error": "bad request: %d expected outputs for %d inputs" % (len(expected), len(req["inputs"]))}
    prog = ProgramDir()
    checker = None
    try:
        if expected is not None:
            try:
                checker = checker_for(req)
            except CheckerFailed as e:
                return {"error": str(e)}
            if checker is None:
                return {"error": "bad request: unknown checker %r" % req.get("checker")}
        src = prog.write(lang.source_name(code), code)
        compiled = None
        if lang.compile:  # every language here has a compile or a syntax check
            compiled = compile_program(lang, prog, src, compile_limits_of(req))
            if compiled["status"] != "ok":
                return {"compile": compiled, "runs": []}
            try:
                clean_after_job()
            except Unclean as e:
                return {"compile": compiled, "runs": [], "unclean": str(e)}
        argv = fill(lang.run, src=src, bin=prog.dir, out="", mem=lim["memory_mb"], **{"class": lang.main_class(code)})
        runs = []
        size = 0
        for text in req["inputs"]:
            if runs:
                try:
                    clean_after_job()
                except Unclean as e:
                    return {"compile": compiled, "runs": runs, "unclean": str(e)}
                if size >= RESPONSE_BUDGET:
                    break
            if isinstance(checker, Interactor):
                try:
                    r = checker.run(argv, lang.env, text, expected[len(runs)], lim)
                except CheckerFailed as e:
                    return {"error": "test %d: %s" % (len(runs), e)}
                except Unclean as e:
                    return {"compile": compiled, "runs": runs, "unclean": str(e)}
                size += len(r["stderr"])
                runs.append(r)
                if stop_early and (r["status"] != "ok" or r.get("wrong")):
                    break
                continue
            job = JobDir(text)
            try:
                r = run_exec(argv, lang.env, job, lim, oom_marker=lang.oom_marker)
                stdout, out_trunc = read_capped(job.out, lim["output_bytes"])
                stderr, err_trunc = read_capped(job.err, lim["output_bytes"])
            finally:
                job.close()
            if out_trunc and r["status"] == "ok":
                r["status"] = "output_limit"
            r.update({"stdout": stdout, "stderr": stderr[-STDERR_TAIL:], "truncated": out_trunc or err_trunc})
            if expected is not None and r["status"] == "ok":
                try:
                    r["wrong"] = checker(stdout, expected[len(runs)], text)
                except CheckerFailed as e:
                    return {"error": "test %d: %s" % (len(runs), e)}
                except Unclean as e:
                    return {"compile": compiled, "runs": runs, "unclean": str(e)}
            size += len(stdout) + len(r["stderr"])
            runs.append(r)
            if stop_early and (r["status"] != "ok" or r.get("wrong")):
                break
        return {"compile": compiled, "runs": runs}
    finally:
        prog.close()
        if isinstance(checker, (TestlibChecker, Interactor)):
            checker.close()


# ---------------------------------------------------------------------------------------------
# Main loop

OPS = {"run": op_run, "tests": op_tests, "lcb": op_lcb, "program": op_program}


def serve(req):
    """One request's answer. After every job the container is cleaned and checked; a job whose
    cleanup cannot be proved keeps its answer, marked unclean, and the driver then exits."""
    jid = req.get("id")
    op = req.get("op")
    if op == "ping":
        return {"id": jid, "ok": True}, False
    if op not in OPS:
        return {"id": jid, "error": "unknown op %r" % op}, False
    try:
        res = OPS[op](req)
    except HarnessError as e:
        res = {"error": "sandbox harness failed: %s" % e, "retire": True}
    except Exception as e:
        res = {"error": "driver error: %r" % (e,), "retire": True}
    res["id"] = jid
    try:
        clean_after_job()
    except Unclean as e:
        res["unclean"] = str(e)
    except Exception as e:
        res["unclean"] = "cleanup failed: %r" % (e,)
    return res, "unclean" in res or res.get("retire", False)


def main():
    make_undumpable()
    # Default dispositions: as PID 1 that makes us immune to signals sent from inside the container.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(sig, signal.SIG_DFL)
    os.umask(0o077)
    # Programs' SyntaxWarnings at compile time (lcb_code) would have gone to the job's own stderr.
    warnings.simplefilter("ignore")
    sys.set_int_max_str_digits(0)  # answers are compared here, exactly, whatever their size
    out = sys.stdout.buffer

    def send(obj):
        out.write(json.dumps(obj).encode("utf-8", "surrogatepass") + b"\n")
        out.flush()

    try:
        for z in ZYGOTES.values():
            z.start()
        clean_after_job()
    except (HarnessError, Unclean) as e:
        send({"id": "hello", "ready": False, "error": str(e)})
        return
    send({"id": "hello", "ready": True, "python": sys.version.split()[0], "pid": os.getpid(),
          "uid": os.getuid(), "job_uid": JOB_UID,
          "languages": sorted(name for name, lang in LANGUAGES.items() if missing_tools(lang) is None)})
    while True:
        line = REQUESTS.readline()
        if line is None:
            for z in ZYGOTES.values():
                z.stop()
            return
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
        except ValueError as e:
            send({"id": None, "error": "bad request: %s" % e})
            continue
        res, last = serve(req)
        send(res)
        del res  # an answer can be large: the next job's forks must not start with it
        if last:
            # This container may hold something of a job's, or a broken fork server: the client
            # replaces it. Nothing more runs here.
            for z in ZYGOTES.values():
                z.stop()
            os._exit(0)


if __name__ == "__main__":
    main()
