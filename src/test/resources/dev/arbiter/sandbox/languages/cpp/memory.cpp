#include <cstdio>
#include <vector>
int main() {
    std::vector<char> v(3000000000UL, 1);  // touched as it is made
    std::printf("%d\n", v[12345]);
}
