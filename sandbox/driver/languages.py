"""The languages the driver's `program` op compiles and runs, and how.

Each language names the file its source is written to, how to compile it, and how to run what that
left. A language that runs from source is still checked first (its parser alone, writing nothing),
so that a syntax error is a compile error in every language, never a runtime error. Compilers run as the job's uid in a fresh /tmp/job, read
the source from the driver's program folder (root's, readable, not writable by the job) and write
into /tmp/job/out; the driver then copies that output into the program folder, so that no run can
change what the next test runs. Paths in the argv lists: {src} is the source file, {out} the
compiler's output folder, {bin} the program folder at run time, {mem} the memory limit in MiB.
"""

import re

# Only what the compilers and runtimes need: the job gets no other environment of ours.
BASE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp/job",
    "LANG": "C.UTF-8",
    "TMPDIR": "/tmp",
}

JAVA_CLASS = re.compile(r"^\s*public\s+(?:(?:final|abstract|strictfp)\s+)*class\s+([A-Za-z_$][A-Za-z0-9_$]*)", re.M)


class Language:
    __slots__ = ("name", "source", "compile", "builds", "run", "env", "compile_env", "oom_marker")

    def __init__(self, name, source, compile_argv, run_argv, env=None, compile_env=None, builds=True, oom_marker=None):
        self.name = name
        # What the runtime prints when the heap limit the driver gave it (the memory limit) ends the
        # run. A program could print it too, but only to turn its own failure into another failure.
        self.oom_marker = oom_marker
        self.source = source
        self.compile = compile_argv
        self.builds = builds  # whether the compile step writes the program that runs
        self.run = run_argv
        self.env = dict(BASE_ENV, **(env or {}))
        self.compile_env = dict(self.env, **(compile_env or {}))

    def source_name(self, code):
        """Java's source file must be named after its public class."""
        if self.name != "java":
            return self.source
        m = JAVA_CLASS.search(code)
        return (m.group(1) if m else "Main") + ".java"

    def main_class(self, code):
        return self.source_name(code)[: -len(".java")]


LANGUAGES = {
    lang.name: lang
    for lang in (
        Language("python", "main.py",
                 ["/usr/bin/python3", "-I", "-c", "import sys; compile(open(sys.argv[1], 'rb').read(), 'main.py', 'exec')", "{src}"],
                 ["/usr/bin/python3", "-I", "{bin}/main.py"], env={"PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"},
                 builds=False),
        # LiveCodeBench's C++ settings are not published; these are the common judges' choice.
        Language("cpp", "main.cpp", ["/usr/bin/g++", "-std=c++17", "-O2", "-pipe", "-o", "{out}/main", "{src}"],
                 ["{bin}/main"]),
        Language("java", "Main.java",
                 ["/usr/bin/javac", "-J-Xmx512m", "-J-XX:+UseSerialGC", "-J-XX:TieredStopAtLevel=1", "-J-XX:-UsePerfData",
                  "-encoding", "UTF-8", "-nowarn", "-d", "{out}", "{src}"],
                 ["/usr/bin/java", "-Xmx{mem}m", "-Xss64m", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError",
                  "-Xshare:auto", "-cp", "{bin}", "{class}"],
                 oom_marker="Terminating due to java.lang.OutOfMemoryError"),
        Language("go", "main.go", ["/usr/bin/go", "build", "-o", "{out}/main", "{src}"], ["{bin}/main"],
                 compile_env={"GOCACHE": "/tmp/job/.gocache", "GOPATH": "/tmp/job/.gopath", "GO111MODULE": "off",
                              "CGO_ENABLED": "0"}),  # no -trimpath: it rebuilds the standard library
        Language("rust", "main.rs", ["/usr/bin/rustc", "--edition", "2021", "-O", "-o", "{out}/main", "{src}"],
                 ["{bin}/main"]),
        Language("javascript", "main.js", ["/usr/bin/node", "--check", "{src}"],
                 ["/usr/bin/node", "--max-old-space-size={mem}", "--stack-size=65500", "{bin}/main.js"], builds=False,
                 oom_marker="JavaScript heap out of memory"),
        Language("bash", "main.sh", ["/bin/bash", "-n", "{src}"], ["/bin/bash", "{bin}/main.sh"], builds=False),
    )
}


def language(name):
    """The language of that name (the client maps other names to these), or None."""
    return LANGUAGES.get(name)


# Special judges: C++ against our testlib.h, which the image holds beside the driver.
CHECKER = Language("checker", "checker.cpp",
                   ["/usr/bin/g++", "-std=c++17", "-O2", "-pipe", "-I/sandbox/checkers", "-o", "{out}/main", "{src}"], ["{bin}/main"])
