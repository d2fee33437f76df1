#!/usr/bin/env python3
"""Arbiter's fork server for plain runs (the driver's `run` and `tests` ops).

Started once per container by the driver (driver.py), by fork and exec, with stdin and stdout on
/dev/null; it runs as root, like the driver, and its children become the job's uid before they run
anything of the program's (jobfiles.become_job). It never sees a job's code or input: the driver
writes them into the job's directory and sends only that directory and the limits. For each
request it forks one child, answers with the child's pid, waits for it, and reports how it ended.

Kept small on purpose. On a virtual machine with shadow page tables every page a child first
writes, or a fork copies, costs a trap of 10-30 microseconds, so the cost of a trivial run is
mostly the number of pages this process holds and the child touches. The server parses each
request and opens the job's files before it forks (PlainJob, on jobfiles.Job). The child does only system calls, one compile
and one exec: it keeps the interpreter's own sys.std* objects (untouched here, so their buffers are
empty) and moves the job's files under fds 0-2, which is also exactly how `python3 main.py` sees
its streams.

Protocol on fd 3 (SOCK_SEQPACKET, one message each):
  request  dir NUL address-space bytes NUL cpu seconds NUL file-size bytes (the driver works
           these out, and keeps the wall clock itself)
  answer   b"pid <pid>", then b"exit <wait status> <cpu ms> <max rss kB>" when the child has ended;
           or b"error <why>" when the job's files cannot be opened
"""

import gc
import os
import resource
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves this folder off the path
from jobfiles import Job, become_job, make_undumpable  # noqa: E402

del sys.path[0]  # and off it again before any job runs

CONTROL_FD = 3


class PlainJob(Job):
    """A job's files (see jobfiles.py), and the argv and globals its main.py runs with."""

    __slots__ = ("argv", "globals")

    def __init__(self, fields):
        super().__init__(fields, "main.py")
        self.argv = ["main.py"]
        self.globals = {"__name__": "__main__", "__file__": "main.py", "__builtins__": __builtins__}


def child(job):
    """In the forked child: becomes the job (jobfiles.become_job), runs its main.py as __main__,
    and never returns."""
    code = 70
    try:
        source = os.read(job.fds[3], job.size)  # one read: the file is on a tmpfs, size known
        become_job(job)
        sys.argv = job.argv
        # compile() of bytes honours a BOM and a coding cookie, as `python3 main.py` does.
        program = compile(source, "main.py", "exec")
        del source
        exec(program, job.globals)
        code = 0
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code
        else:
            code = 1
            try:
                print(e.code, file=sys.stderr)
            except BaseException:
                pass
    except BaseException as e:
        code = 1
        try:
            tb = e.__traceback__
            while tb is not None and tb.tb_frame.f_code.co_filename != "main.py":
                tb = tb.tb_next  # the program's frames, not ours
            e.__traceback__ = tb  # the printer below starts from the exception's own traceback
            sys.__excepthook__(type(e), e, tb)  # the interpreter's own printer: no imports here
        except BaseException:
            pass
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(code & 0xFF if isinstance(code, int) else 1)


def warm_up():
    """Compile and run a print once, so each child starts with those paths already touched."""
    exec(compile(b"print(end='')\n", "main.py", "exec"), {"__name__": "__main__"})
    sys.stdout.flush()


def main():
    warm_up()
    make_undumpable()
    # Python ignores SIGXFSZ; the default makes exceeding the file-size limit end the child.
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    gc.collect()
    gc.freeze()  # children inherit a frozen heap: their collector never walks (and copies) ours
    os.write(CONTROL_FD, b"ready %d" % os.getpid())
    while True:
        msg = os.read(CONTROL_FD, 1 << 16)
        if not msg:
            return
        try:
            job = PlainJob(msg.decode("utf-8", "surrogateescape").split("\0"))
        except (OSError, ValueError, IndexError) as e:
            os.write(CONTROL_FD, b"error %s" % str(e).encode("utf-8", "replace"))
            continue
        pid = os.fork()
        if pid == 0:
            child(job)
        job.close()
        os.write(CONTROL_FD, b"pid %d" % pid)
        _, status, ru = os.wait4(pid, 0)
        cpu = int((ru.ru_utime + ru.ru_stime) * 1000)
        os.write(CONTROL_FD, b"exit %d %d %d" % (status, cpu, ru.ru_maxrss))


if __name__ == "__main__":
    main()
