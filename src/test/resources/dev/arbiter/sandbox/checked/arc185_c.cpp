// AtCoder ARC185 C "Sum of Three Integers", fine for small inputs: of all the triples, prints the
// one with the largest k (then j), which is often not the one the jury's answer gives.
#include <cstdio>
#include <unordered_map>
#include <vector>
int main() {
    int n;
    long long x;
    std::scanf("%d %lld", &n, &x);
    std::vector<long long> a(n);
    for (auto &v : a) std::scanf("%lld", &v);
    for (int k = n - 1; k >= 2; k--) {
        std::unordered_map<long long, int> seen;  // value -> an index i < j
        for (int j = 0; j < k; j++) {
            auto it = seen.find(x - a[k] - a[j]);
            if (it != seen.end()) {
                std::printf("%d %d %d\n", it->second + 1, j + 1, k + 1);
                return 0;
            }
            seen.emplace(a[j], j);
        }
    }
    std::puts("-1");
}
