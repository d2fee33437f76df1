# Runs in the sandbox image beside the driver (imported, not started), as root with the driver's
# capabilities. Every child the driver forks for a job fails to reach its exec: with "stop" it stops
# there (as a signal from another process of the job's uid would stop it; the driver's wait for the
# exec is cut to a second), with "fail" its exec fails. Prints the answer to one request to run a
# right Python program, as JSON.
import json
import os
import signal
import sys

sys.path.insert(0, "/sandbox")
import driver  # noqa: E402


def exec_never(path, argv, env):
    if sys.argv[1] == "stop":
        os.kill(os.getpid(), signal.SIGSTOP)
    raise PermissionError(13, "Permission denied", path)


for z in driver.ZYGOTES.values():
    z.start()  # before the children stop: the fork servers exec as the driver starts them
os.execve = exec_never
driver.EXEC_WAIT_S = 1
driver.REQUESTS.eof = True  # no client here: fd 0 is not watched
answer, retire = driver.serve({"id": 7, "op": "program", "language": "python", "code": "print(6 * 7)", "inputs": [""],
                               "expected": ["42"], "checker": "tokens"})
# one line without spaces: JSON's own escape for the spaces in its strings
print(json.dumps({"answer": answer, "retire": retire}, separators=(",", ":")).replace(" ", "\\u0020"))
