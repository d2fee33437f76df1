"""What both fork servers (zygote_plain.py, zygote_lcb.py) make for a job before they fork.

The server opens the job's files but never reads them: the child moves the first three under fds
0-2 and reads its program (main.py, or LCB's job.marshal) from the fourth, so its own work after
the fork, and the pages it copies, stay few. The server also moves into the job's working
directory, which the child inherits, and works out the child's rlimits.
"""

import os
import resource

# LCB's reliability guard later takes chdir from os, in the LCB server; the server still needs it.
_chdir = os.chdir


class Job:
    """fields: job dir, work dir, address-space bytes, cpu seconds, file-size bytes (text). fds are
    stdin, stdout, stderr, the program, then the event FIFO's write end when `events` is set (the
    driver opened its read end first, so that open does not wait)."""

    __slots__ = ("fds", "size", "rlimits")

    def __init__(self, fields, program, events=False):
        job_dir, work = fields[0], fields[1]
        mem, cpu, fsize = (int(x) for x in fields[2:5])
        new = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        self.fds = []
        try:
            self.fds.append(os.open(job_dir + "/stdin", os.O_RDONLY))
            self.fds.append(os.open(job_dir + "/stdout", new, 0o600))
            self.fds.append(os.open(job_dir + "/stderr", new, 0o600))
            self.fds.append(os.open(job_dir + "/" + program, os.O_RDONLY))
            self.size = os.fstat(self.fds[3]).st_size + 1  # one read of this many gets it all
            if events:
                self.fds.append(os.open(job_dir + "/events", os.O_WRONLY))
            _chdir(work)
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
