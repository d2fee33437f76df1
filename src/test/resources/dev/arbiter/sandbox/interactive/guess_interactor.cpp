// The judge of "guess the number": the input file holds n and the secret; it tells the program n,
// answers each "? y" with <, > or =, and accepts "! x" only if x is the secret and at most
// ceil(log2 n) + 1 questions were asked. Exit 0 accepts, 1 is a wrong answer, 3 its own failure.
#include <cstdio>
#include <cstring>
int main(int argc, char *argv[]) {
    if (argc < 2) return 3;
    FILE *in = std::fopen(argv[1], "r");
    long long n, secret;
    if (!in || std::fscanf(in, "%lld %lld", &n, &secret) != 2) return 3;
    int budget = 1;
    while ((1LL << (budget - 1)) < n) budget++;
    std::printf("%lld\n", n);
    std::fflush(stdout);
    char kind[8];
    long long y;
    for (int asked = 0;; asked++) {
        if (std::scanf("%7s %lld", kind, &y) != 2) {
            std::fprintf(stderr, "the program stopped talking after %d questions\n", asked);
            return 1;
        }
        if (std::strcmp(kind, "!") == 0) {
            if (y != secret) {
                std::fprintf(stderr, "answered %lld, the secret was %lld\n", y, secret);
                return 1;
            }
            std::fprintf(stderr, "found %lld in %d questions\n", y, asked);
            return 0;
        }
        if (std::strcmp(kind, "?") != 0 || asked >= budget) {
            std::fprintf(stderr, "question %d is one too many or not a question: %s\n", asked + 1, kind);
            return 1;
        }
        std::printf("%s\n", y < secret ? "<" : y > secret ? ">" : "=");
        std::fflush(stdout);
    }
}
