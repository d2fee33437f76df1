#!/usr/bin/env python3
"""Arbiter's in-container driver.

Runs as PID 1 of a sandbox container, reads one JSON job per line on stdin and answers one JSON
line per job on stdout. Every job runs in a fresh child of a fork server (zygote_plain.py for
plain runs, zygote_lcb.py for LiveCodeBench), in its own empty working directory, under its own
limits; afterwards every process the job left is killed and every writable place is wiped, so
nothing reaches the next job.

Ops:
  ping   -> {"id", "ok": true}
  run    -> run a program once: code, stdin, limits
  tests  -> run a program once per input (a fresh child each), returning each run
  lcb    -> LiveCodeBench's grading of one generation: all tests in one child, stop at first failure

Being PID 1 matters: signals from inside the container cannot kill us (we install no handlers),
orphans are reparented to us and reaped, and we outlive anything a job does.
"""

import ast
import ctypes
import decimal
import json
import marshal
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
import warnings

IN_CONTAINER = os.getpid() == 1
HERE = os.path.dirname(os.path.abspath(__file__))
# Working directories live in /tmp; the driver's own files for a job (job.marshal, stdin, stdout,
# stderr) on a separate tmpfs, so that a job filling /tmp cannot lose its own output.
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


def limits_of(job):
    lim = dict(DEFAULT_LIMITS)
    lim.update({k: int(v) for k, v in (job.get("limits") or {}).items() if k in DEFAULT_LIMITS and v is not None})
    return lim


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


# ---------------------------------------------------------------------------------------------
# The zygote: a fork server started by exec, so its children never hold the driver's memory


class ZygoteDied(Exception):
    pass


class Zygote:
    """One fork server. The protocol (see zygote_plain.py) is a few fields of text per message,
    so the plain server needs no json module in the memory every child copies."""

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
            raise ZygoteDied("fork server did not start")
        fields = hello.split()
        self.prelude_lines = int(fields[2]) if len(fields) > 2 else 0

    def ensure(self):
        if self.sock is None:
            self.start()

    def stop(self):
        if self.sock is not None:
            self.sock.close()
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
        self.pid = self.sock = None

    def fork_job(self, job, lim):
        """Asks for a child; returns its pid. A fork server that an earlier job killed is replaced
        here, so that job's damage does not reach this one."""
        fields = [job.dir, job.work] + [str(v) for v in rlimit_values(lim)]
        request = "\0".join(fields).encode("utf-8", "surrogateescape")
        for attempt in (1, 2):
            self.ensure()
            try:
                self.sock.sendall(request)
                msg = self.sock.recv(1 << 12)
            except OSError:
                msg = b""
            if msg.startswith(b"pid "):
                return int(msg[4:])
            if msg.startswith(b"error "):
                raise ZygoteDied("fork server could not open the job: " + msg[6:].decode("utf-8", "replace"))
            self.stop()
        raise ZygoteDied("fork server did not answer twice")

    def exit_report(self, timeout):
        ready, _, _ = select.select([self.sock], [], [], timeout)
        msg = self.sock.recv(1 << 12) if ready else b""
        if not msg.startswith(b"exit "):
            self.stop()
            raise ZygoteDied("zygote gone while waiting")
        status, cpu_ms, max_rss_kb = (int(x) for x in msg.split()[1:4])
        return {"status": status, "cpu_ms": cpu_ms, "max_rss_kb": max_rss_kb}


# Plain runs fork from a small server; LiveCodeBench runs from one with LCB's modules loaded.
ZYGOTES = {"run": Zygote("zygote_plain.py"), "lcb": Zygote("zygote_lcb.py")}


def rlimit_values(lim):
    """The child's rlimits, worked out once here for both fork servers: address space in bytes,
    CPU in whole seconds (at least 1, rounded up), and file size in bytes (which also caps output)."""
    return lim["memory_mb"] << 20, max(1, -(-lim["cpu_ms"] // 1000)), max(lim["output_bytes"], lim["file_bytes"])


def make_undumpable():
    """Same-uid processes may not ptrace or read the memory of a non-dumpable process."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
    except OSError:
        pass


def kill_group(pid):
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except OSError:
            pass


def client_gone():
    sweep()
    for z in ZYGOTES.values():
        z.stop()
    os._exit(0)


def run_child(kind, job, lim, deadline, events=None, on_event=None):
    """Runs one child of the zygote to its end or the deadline; the job's files are written.
    `events` is the read end of the job's event FIFO, if it has one, and each chunk read from it
    goes to on_event, which may answer "stop" to end the child early. Returns (report, timed_out)."""
    zygote = ZYGOTES[kind]
    pid = zygote.fork_job(job, lim)
    watch = [zygote.sock] + ([] if events is None else [events]) + ([] if REQUESTS.eof else [0])
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            kill_group(pid)
            return zygote.exit_report(30), True
        ready, _, _ = select.select(watch, [], [], remaining)
        if 0 in ready:
            REQUESTS.fill()
            if REQUESTS.eof:
                kill_group(pid)
                client_gone()
        if events is not None and events in ready:
            chunk = os.read(events, 1 << 16)
            if not chunk:
                watch.remove(events)
            elif on_event is not None and on_event(chunk) == "stop":
                kill_group(pid)
                return zygote.exit_report(30), False
        if zygote.sock in ready:
            report = zygote.exit_report(0)
            # Drain what the child wrote just before it exited.
            while events is not None and on_event is not None and select.select([events], [], [], 0)[0]:
                chunk = os.read(events, 1 << 16)
                if not chunk or on_event(chunk) == "stop":
                    break
            return report, False


# ---------------------------------------------------------------------------------------------
# Cleaning up after a job


def sweep():
    """Kill every process the job left behind (all but us and the zygote), reap them, and wipe
    the writable places."""
    if IN_CONTAINER:
        keep = {os.getpid()} | {z.pid for z in ZYGOTES.values() if z.pid is not None}
        # The pids cgroup counts every task in the container: when it holds only us and the fork
        # servers, nothing was left behind and the walk over /proc can be skipped.
        if cgroup_task_count() == len(keep):
            for root in SCRATCH:
                wipe(root)
            reap()
            return
        for _ in range(200):
            victims = [p for p in live_processes() if p not in keep]
            if not victims:
                break
            for p in victims:
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
            reap()
        for root in SCRATCH:
            wipe(root)
    reap()


PIDS_CURRENT = next((p for p in ("/sys/fs/cgroup/pids.current", "/sys/fs/cgroup/pids/pids.current") if os.path.exists(p)), None)


def cgroup_task_count():
    """Tasks in this container's pids cgroup, zombies included; None where it cannot be read."""
    if PIDS_CURRENT is None:
        return None
    try:
        with open(PIDS_CURRENT, "rb") as f:
            return int(f.read())
    except (OSError, ValueError):
        return None


def live_processes():
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != b"Z":
            out.append(int(name))
    return out


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


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


class Job:
    """A job's working directory, and the driver's files for it."""

    def __init__(self, stdin_text):
        # Fixed names: one job at a time, and the sweep removes both before the next.
        self.dir = os.path.join(FILES_ROOT, "job")
        self.work = os.path.join(WORK_ROOT, "work")
        for d in (self.dir, self.work):
            shutil.rmtree(d, ignore_errors=True)
            os.mkdir(d, 0o700)
        self.stdin = os.path.join(self.dir, "stdin")
        self.out = os.path.join(self.dir, "stdout")
        self.err = os.path.join(self.dir, "stderr")
        with open(self.stdin, "w", encoding="utf-8") as f:
            f.write(stdin_text or "")

    def close(self):
        if not IN_CONTAINER:  # in a container the sweep wipes the scratch places whole
            shutil.rmtree(self.dir, ignore_errors=True)
            shutil.rmtree(self.work, ignore_errors=True)


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
    """One run of code as __main__ in a fresh job, cleaned up after; returns the result dict (without id)."""
    job = Job(stdin_text)
    try:
        with open(os.path.join(job.dir, "main.py"), "wb") as f:
            f.write(code.encode("utf-8", "surrogatepass"))  # lone surrogates fail to decode, as in a file
        start = time.monotonic()
        report, timed_out = run_child("run", job, lim, start + lim["wall_ms"] / 1000.0)
        wall_ms = int((time.monotonic() - start) * 1000)
        stdout, out_trunc = read_capped(job.out, lim["output_bytes"])
        stderr, err_trunc = read_capped(job.err, lim["output_bytes"])
    finally:
        job.close()
        sweep()
    result = classify(report, timed_out, lim, stderr[-2000:])
    if out_trunc and result["status"] == "ok":
        result["status"] = "output_limit"
    result.update({"wall_ms": wall_ms, "stdout": stdout, "stderr": stderr, "truncated": out_trunc or err_trunc})
    return result


def op_run(req):
    return run_program(req["code"], req.get("stdin", ""), limits_of(req))


def op_tests(req):
    """The program once per input, each in a fresh child and directory; stops at the first failure if asked."""
    lim = limits_of(req)
    stop_early = bool(req.get("stop_on_failure", False))
    runs = []
    for text in req["inputs"]:
        r = run_program(req["code"], text, lim)
        runs.append(r)
        if stop_early and r["status"] != "ok":
            break
    return {"runs": runs}


# ---------------------------------------------------------------------------------------------
# LiveCodeBench: the child runs the tests (zygote_lcb.py); the driver compares stdin answers, so the
# expected outputs of stdin problems never enter the process that runs the code.


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
    ZYGOTES["lcb"].ensure()
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


class EventFrames:
    """Splits the LCB child's event stream into frames (format in zygote_lcb.py) and hands each to
    on_frame(kind, test index, code, wall ms, cpu ms, text). A frame whose text is over
    MAX_EVENT_BYTES goes to on_too_large instead. The stream is written by the process that runs
    the program, and the program can write to it too: anything malformed goes to on_malformed,
    never guessed at, and nothing after it is read."""

    HEAD_MAX = 128

    def __init__(self, tests, on_frame, on_too_large, on_malformed):
        self.buf = bytearray()
        self.tests = tests
        self.on_frame = on_frame
        self.on_too_large = on_too_large
        self.on_malformed = on_malformed

    def feed(self, chunk):
        """Returns "stop" when a handler says so, else None."""
        buf = self.buf
        buf.extend(chunk)
        while True:
            nl = buf.find(b"\n", 0, self.HEAD_MAX)
            if nl < 0:
                return self.on_malformed() if len(buf) >= self.HEAD_MAX else None
            head = bytes(buf[:nl]).split()
            try:
                if len(head) != 6 or head[0] not in (b"E", b"T", b"O"):
                    raise ValueError(head)
                idx, code, wall_ms, cpu_ms, n = (int(x) for x in head[1:])
                if not 0 <= idx < max(self.tests, 1) or n < 0:
                    raise ValueError(head)
            except ValueError:
                return self.on_malformed()
            if n > MAX_EVENT_BYTES:
                return self.on_too_large()
            if len(buf) < nl + 1 + n:
                return None
            body = bytes(buf[nl + 1:nl + 1 + n])
            del buf[:nl + 1 + n]
            try:
                text = body.decode("utf-8", "surrogatepass")  # what the program printed, exactly
            except UnicodeDecodeError:
                text = body.decode("utf-8", "replace")
            if self.on_frame(head[0], idx, code, wall_ms, cpu_ms, text) == "stop":
                return "stop"


def op_lcb(req):
    lim = limits_of(req)
    inputs = req["inputs"]
    outputs = req["outputs"]
    fn_name = req.get("fn_name")
    timeout = int(req.get("timeout_s", 6))
    budget_s = (timeout + 1) * len(inputs) + 5
    payload = {k: req[k] for k in ("inputs", "fn_name", "timeout_s", "clock") if k in req}
    source, pad_lines = lcb_source(req["code"], fn_name)
    compiled = lcb_code(source, pad_lines)
    # LCB looks for "class Solution" in what it compiles: for stdin programs, the rewritten source.
    payload.update(has_solution="class Solution" in source, pad_lines=pad_lines)
    payload["code"] = source if compiled is None else compiled
    if fn_name:
        payload["outputs"] = outputs  # Python == must run beside the answer, as in LCB
    results, tests, meta = [], [], {}

    def on_frame(kind, idx, code, wall_ms, cpu_ms, text):
        if kind == b"E":
            results.append(-4)
            meta.update(error_code=-4, error_message="Error during testing: " + text)
            return "stop"
        tests.append({"wall_ms": wall_ms, "cpu_ms": cpu_ms})
        if kind == b"O":
            reason = lcb_compare_stdout(text, outputs[idx])
            if reason is None:
                results.append(True)
                return "stop" if len(results) == len(inputs) else None
            results.append(-2)
            meta.update(error_code=-2, error_message=reason, output=text[:300], expected=outputs[idx][:300], test=idx)
            return "stop"
        if code == 1:
            results.append(True)
            return "stop" if len(results) == len(inputs) else None
        if code == 0:
            results.append(False)
            meta.update(error_code=-2, error_message="Wrong Answer", output=text, expected=outputs[idx][:300], test=idx)
        elif code == -3:
            results.append(-3)
            meta.update(error_code=-3, error_message="Time Limit Exceeded", error=text, test=idx)
        else:
            results.append(-4)
            meta.update(error_code=-4, error_message="Runtime Error", error=text, test=idx)
        return "stop"

    def on_too_large():
        results.append(-2)
        meta.update(error_code=-2, error_message="Wrong answer: output exceeds %d MiB" % (MAX_EVENT_BYTES >> 20))
        return "stop"

    def on_malformed():
        results.append(-5)
        meta.update(error_code=-5, error_message="Test runner died: malformed event (the program wrote to the harness's channel)")
        return "stop"

    frames = EventFrames(len(inputs), on_frame, on_too_large, on_malformed)
    job = Job("")
    events = None
    try:
        with open(os.path.join(job.dir, "job.marshal"), "wb") as f:
            f.write(marshal.dumps(payload))
        fifo = os.path.join(job.dir, "events")
        os.mkfifo(fifo, 0o600)
        events = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # before the zygote opens the write end
        start = time.monotonic()
        report, timed_out = run_child("lcb", job, lim, start + budget_s, events, frames.feed)
        wall_ms = int((time.monotonic() - start) * 1000)
        if not meta and len(results) < len(inputs):
            # The child died or ran out of the global budget mid-run: the generation fails (LCB: -1 / -5).
            stderr, _ = read_capped(job.err, 4000)
            if timed_out:
                meta.update(error_code=-1, error_message="Global timeout after %d s" % budget_s)
                results.append(-1)
            else:
                c = classify(report, False, lim, stderr)
                meta.update(error_code=-5, error_message="Test runner died: %s" % c["status"], stderr=stderr[-1000:])
                results.append(-5)
        return {
            "results": results,
            "metadata": meta,
            "tests": tests,
            "wall_ms": wall_ms,
            "cpu_ms": report["cpu_ms"],
            "max_rss_kb": report["max_rss_kb"],
        }
    finally:
        if events is not None:
            os.close(events)
        job.close()
        sweep()


# ---------------------------------------------------------------------------------------------
# Main loop

OPS = {"run": op_run, "tests": op_tests, "lcb": op_lcb}


def main():
    make_undumpable()
    # Default dispositions: as PID 1 that makes us immune to signals sent from inside the container.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(sig, signal.SIG_DFL)
    os.umask(0o077)
    # Compiling programs (lcb_code) raises their SyntaxWarnings here, once for the whole driver
    # rather than per job: the child's compile would have printed them to the job's own stderr.
    warnings.simplefilter("ignore")
    for z in ZYGOTES.values():
        z.start()
    out = sys.stdout.buffer

    def send(obj):
        out.write(json.dumps(obj).encode("utf-8") + b"\n")
        out.flush()

    send({"id": "hello", "ready": True, "python": sys.version.split()[0], "pid": os.getpid()})
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
        except ZygoteDied as e:
            sweep()
            send({"id": jid, "error": "sandbox fork server died (%s); it has been restarted" % e})
        except Exception as e:
            send({"id": jid, "error": "driver error: %r" % (e,)})


if __name__ == "__main__":
    main()
