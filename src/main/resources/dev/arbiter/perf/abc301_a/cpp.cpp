#include <algorithm>
#include <iostream>
#include <string>

int main() {
    int n;
    std::string s;
    std::cin >> n >> s;
    int t = std::count(s.begin(), s.end(), 'T'), a = n - t;
    if (t != a) std::cout << (t > a ? "T" : "A") << "\n";
    else std::cout << (s.back() == 'T' ? "A" : "T") << "\n";
}
