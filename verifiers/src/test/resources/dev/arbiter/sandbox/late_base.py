# Runs in the sandbox image beside the driver (imported, not started), as root with the driver's
# capabilities. The driver's first read of the container's charged memory comes late (as on a
# loaded host, the program sharing the driver's one CPU); meanwhile the program has filled a file in
# /tmp that no process maps. Prints the status and peak of that run under a 64 MiB limit.
import os
import sys
import time

sys.path.insert(0, "/sandbox")
import driver  # noqa: E402

charged_now = driver.charged_kb
late = {"spawned": False}


def spawn_then_wait(*args, **kwargs):
    pid = spawn_now(*args, **kwargs)
    late["spawned"] = True
    return pid


def charged_late():
    if late["spawned"]:
        time.sleep(0.5)  # the program runs meanwhile
    return charged_now()


spawn_now = driver.spawn_as_job
driver.spawn_as_job = spawn_then_wait
driver.charged_kb = charged_late
driver.REQUESTS.eof = True  # no client here: fd 0 is not watched
job = driver.JobDir("")
try:
    lim = {"wall_ms": 10000, "cpu_ms": 10000, "memory_mb": 64, "output_bytes": 1 << 16, "file_bytes": 256 << 20}
    r = driver.run_exec(["/bin/sh", "-c", "head -c 100000000 /dev/zero > /tmp/hidden; sleep 2; rm -f /tmp/hidden"],
                        {"PATH": "/usr/bin:/bin"}, job, lim)
finally:
    job.close()
print(r["status"], r["max_rss_kb"])
