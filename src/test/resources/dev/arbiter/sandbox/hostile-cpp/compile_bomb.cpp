// Makes the compiler read without end: its compile limits must end it as a compile error, and the
// container must still serve.
#include "/dev/zero"
int main() {}
