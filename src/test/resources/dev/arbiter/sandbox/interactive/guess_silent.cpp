// Never asks: waits for the judge, which waits for it, until the time limit.
#include <cstdio>
int main() {
    long long n, m;
    std::scanf("%lld %lld", &n, &m);
}
