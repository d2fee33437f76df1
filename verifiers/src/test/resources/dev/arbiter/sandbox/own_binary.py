# Runs in the sandbox image beside the driver (imported, not started), as root with the driver's
# capabilities. The program's own build is a file the kernel will not execute (not executable, as a
# library built instead of a program is). Prints that run's status, exit code and stderr, as JSON.
import json
import sys

sys.path.insert(0, "/sandbox")
import driver  # noqa: E402

driver.REQUESTS.eof = True  # no client here: fd 0 is not watched
prog = driver.ProgramDir()
path = prog.write("main", "not a program\n")  # mode 0644
job = driver.JobDir("")
try:
    r = driver.run_exec([path], {"PATH": "/usr/bin:/bin"}, job, dict(driver.DEFAULT_LIMITS))
    stderr, _ = driver.read_capped(job.err, 4096)
finally:
    job.close()
said = {"status": r["status"], "exit_code": r["exit_code"], "stderr": stderr}
# one line without spaces: JSON's own escape for the spaces in its strings
print(json.dumps(said, separators=(",", ":")).replace(" ", "\\u0020"))
