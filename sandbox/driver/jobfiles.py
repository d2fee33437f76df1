"""What both fork servers (zygote_plain.py, zygote_lcb.py) do for a job around their fork.

The server runs as root inside the container, with no capability but the three needed to switch a
child to the job's identity (SETUID, SETGID) and to kill what a job leaves (KILL). Before it forks,
it opens the job's files, which live in a folder only root can enter; it never reads them. The
child moves them under fds 0-2 (and, for LiveCodeBench, keeps the two channel ends), closes every
other descriptor, sets its limits, and then becomes the job: uid and gid JOB_UID, no supplementary
groups, no capabilities, in a fresh working folder of its own. Only then does it run anything of
the program's. As another uid, the job cannot signal, trace, prlimit or stop the driver or the
fork servers, and cannot open their files: the verdict is decided in processes it cannot touch.
"""

import ctypes
import os
import resource

# The job's identity: never the driver's or a fork server's (root). The driver kills and cleans by it.
JOB_UID = JOB_GID = 10000
# An interactive problem's judge runs beside the job as another uid, so the job cannot signal it.
JUDGE_UID = 10001
JOB_WORK = "/tmp/job"

# LCB's reliability guard later takes chdir from os, in the LCB server; the child still needs it.
_chdir = os.chdir


def make_undumpable():
    """For the driver and the fork servers: defence in depth, since the jobs run as another uid and
    cannot trace them anyway."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
    except OSError:
        pass


class Job:
    """fields: job dir, address-space bytes, cpu seconds, file-size bytes (text). fds are stdin,
    stdout, stderr, the program, then (LCB) the command channel's read end and the result channel's
    write end; the driver opened its own ends first, so neither open waits."""

    __slots__ = ("fds", "size", "rlimits")

    def __init__(self, fields, program, channels=False):
        job_dir = fields[0]
        mem, cpu, fsize = (int(x) for x in fields[1:4])
        new = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        self.fds = []
        try:
            self.fds.append(os.open(job_dir + "/stdin", os.O_RDONLY))
            self.fds.append(os.open(job_dir + "/stdout", new, 0o600))
            self.fds.append(os.open(job_dir + "/stderr", new, 0o600))
            self.fds.append(os.open(job_dir + "/" + program, os.O_RDONLY))
            self.size = os.fstat(self.fds[3]).st_size + 1  # one read of this many gets it all
            if channels:
                self.fds.append(os.open(job_dir + "/cmd", os.O_RDONLY))
                self.fds.append(os.open(job_dir + "/res", os.O_WRONLY))
        except OSError:
            self.close()
            raise
        self.rlimits = (
            (resource.RLIMIT_AS, (mem, mem)),
            (resource.RLIMIT_CPU, (cpu, cpu + 1)),
            (resource.RLIMIT_FSIZE, (fsize, fsize)),
            (resource.RLIMIT_CORE, (0, 0)),
        )

    def close(self):
        for fd in self.fds:
            os.close(fd)


def become_job(job, keep=(), uid=JOB_UID, work=JOB_WORK, until_exec=None):
    """In the forked child, before any of the program's code: streams on 0-2, the fds in `keep`
    (already at 3, 4, ... in order) and nothing else open, limits set, then the job's identity.
    Dropping root here also drops every capability; no-new-privileges keeps them dropped.
    until_exec, a close-on-exec fd above those, stays open: the exec closes it."""
    os.setsid()
    os.dup2(job.fds[0], 0)
    os.dup2(job.fds[1], 1)
    os.dup2(job.fds[2], 2)
    for i, fd in enumerate(keep):
        os.dup2(fd, 3 + i)
    if until_exec is None:
        os.closerange(3 + len(keep), 1 << 16)
    else:
        os.closerange(3 + len(keep), until_exec)
        os.closerange(until_exec + 1, 1 << 16)
    for which, limit in job.rlimits:
        resource.setrlimit(which, limit)
    # The out-of-memory killer takes the job's processes before the harness's.
    with open("/proc/self/oom_score_adj", "w") as f:
        f.write("1000")
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if work is None:
        _chdir("/")  # a judge beside the job (an interactor) gets no folder of its own to write
    else:
        os.mkdir(work, 0o700)
        _chdir(work)
