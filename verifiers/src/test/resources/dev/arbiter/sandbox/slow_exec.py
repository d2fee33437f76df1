# Runs in the sandbox image beside the driver (imported, not started), as root with the driver's
# capabilities. The driver holds a large request while the child it forked for a job is slow to
# reach its exec; until the exec the child is a copy of the driver, and what that copy holds is
# not the program's, nor is the time it takes to get there. Prints the status and peak of one run
# of /bin/true under a 64 MiB limit, the MiB the driver held, and the run's wall time.
import os
import sys
import time

sys.path.insert(0, "/sandbox")
import driver  # noqa: E402

held = [bytes([i + 1]) * (48 << 20) for i in range(4)]
exec_now = os.execve


def exec_late(path, argv, env):
    time.sleep(0.3)  # a scheduler that runs the child late, as a loaded host does
    exec_now(path, argv, env)


os.execve = exec_late
driver.REQUESTS.eof = True  # no client here: fd 0 is not watched
job = driver.JobDir("")
try:
    lim = {"wall_ms": 5000, "cpu_ms": 5000, "memory_mb": 64, "output_bytes": 1 << 16, "file_bytes": 1 << 20}
    r = driver.run_exec(["/bin/true"], {"PATH": "/usr/bin:/bin"}, job, lim)
finally:
    job.close()
print(r["status"], r["max_rss_kb"], sum(len(b) for b in held) >> 20, r["wall_ms"])
