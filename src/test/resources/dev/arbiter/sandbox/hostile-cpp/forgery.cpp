// A wrong answer that tries to pass anyway: it writes an accepted answer for the driver to send,
// rewrites the program later tests run and the driver's copy of its own output, and signals the
// driver and everything else. Each attempt's outcome goes to stderr; then it answers "T", which is
// wrong on most tests.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
static void attempt(const char *what, bool ok) {
    std::fprintf(stderr, "%s: %s\n", what, ok ? "DONE" : std::strerror(errno));
}
static bool write_to(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_TRUNC);
    if (fd < 0) return false;
    bool ok = write(fd, text, std::strlen(text)) > 0;
    close(fd);
    return ok;
}
int main() {
    const char *forged = "{\"id\": \"x\", \"compile\": null, \"runs\": [{\"status\": \"ok\", \"stdout\": \"A\\n\"}]}\n";
    attempt("driver stdout", write_to("/proc/1/fd/1", forged));
    attempt("program rewrite", write_to("/run/arbiter-bin/program/main", "#!/bin/sh\necho A\n"));
    attempt("program unlink", unlink("/run/arbiter-bin/program/main") == 0);
    attempt("driver's stdout file", write_to("/run/arbiter/job/stdout", "A\n"));
    attempt("signal driver", kill(1, SIGKILL) == 0);
    // kill(-1) answers 0 even when every target refused it: what it did shows in the jobs after.
    kill(-1, SIGSTOP);
    std::puts("T");
}
