// 700 MiB of working memory in 50 memfds of 14 MiB (each under the file-size limit), through pread
// and pwrite: memory no process maps, so no process's resident size shows it.
#include <cstdio>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>
int main() {
    const size_t MB = 1 << 20, PER = 14, N = 700;
    int fds[50];
    for (int i = 0; i < 50; i++) fds[i] = memfd_create("heap", 0);
    std::vector<char> buf(MB);
    for (size_t i = 0; i < N; i++) {
        std::memset(buf.data(), static_cast<int>(i & 255), MB);
        if (pwrite(fds[i / PER], buf.data(), MB, (i % PER) * MB) != static_cast<ssize_t>(MB)) return 1;
    }
    unsigned long long sum = 0;
    for (size_t i = 0; i < N; i++) {
        if (pread(fds[i / PER], buf.data(), MB, (i % PER) * MB) != static_cast<ssize_t>(MB)) return 1;
        sum += static_cast<unsigned char>(buf[12345]);
    }
    std::printf("%llu\n", sum);
}
