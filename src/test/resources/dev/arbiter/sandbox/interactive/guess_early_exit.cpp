// Its main process exits at once, clean and unmeasured; a child it left burns seconds of CPU, as a
// slow search would, and then answers the judge.
#include <cstdio>
#include <unistd.h>
int main() {
    long long n;
    std::scanf("%lld", &n);
    if (fork() == 0) {
        volatile unsigned long long burn = 0;
        for (unsigned long long i = 0; i < 3000000000ULL; i++) burn += i;
        long long lo = 1, hi = n;
        while (lo < hi) {
            long long mid = lo + (hi - lo) / 2;
            std::printf("? %lld\n", mid);
            std::fflush(stdout);
            char r[4];
            std::scanf("%3s", r);
            if (r[0] == '=') lo = hi = mid;
            else if (r[0] == '<') lo = mid + 1;
            else hi = mid - 1;
        }
        std::printf("! %lld\n", lo);
        std::fflush(stdout);
    }
    return 0;
}
