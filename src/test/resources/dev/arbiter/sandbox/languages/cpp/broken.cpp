#include <iostream>
int main() { std::cout << "T" << std::endl }
