// Codeforces 12B "Correct Solution?": is m the smallest number made of n's digits, without leading zeros?
#include <algorithm>
#include <iostream>
#include <string>

int main() {
    std::string n, m;
    std::cin >> n >> m;
    std::string best = n;
    std::sort(best.begin(), best.end());
    if (best.size() > 1 && best[0] == '0') {
        size_t first = best.find_first_not_of('0');
        std::swap(best[0], best[first]);
    }
    std::cout << (best == m ? "OK" : "WRONG_ANSWER") << "\n";
}
