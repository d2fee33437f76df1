// Looks for the judge's files of this test or an earlier one (the input, the output, the jury's
// answer) where a driver might keep them, and through every process's open files; says on stderr
// what it found, then answers wrong.
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <string>
#include <unistd.h>
static void look(const std::string &path) {
    FILE *f = std::fopen(path.c_str(), "r");
    if (f) {
        std::fprintf(stderr, "FOUND %s\n", path.c_str());
        std::fclose(f);
    }
}
int main() {
    for (const char *dir : {"/run/arbiter-bin/check", "/run/arbiter-bin/checker", "/run/arbiter/judge", "/run/arbiter/job"})
        for (const char *name : {"input", "output", "answer", "0", "1", "2", "stdin"}) look(std::string(dir) + "/" + name);
    if (DIR *proc = opendir("/proc")) {
        // Every other process's files (its own fd 3 is this directory).
        while (dirent *e = readdir(proc)) {
            if (e->d_name[0] < '0' || e->d_name[0] > '9' || std::atoi(e->d_name) == getpid()) continue;
            for (int fd = 3; fd < 8; fd++) look(std::string("/proc/") + e->d_name + "/fd/" + std::to_string(fd));
        }
        closedir(proc);
    }
    std::fprintf(stderr, "searched\n");
    std::puts("! 1");
}
