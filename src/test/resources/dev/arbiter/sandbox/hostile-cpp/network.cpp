// Tries the network: a TCP connection out, and a UDP datagram. Prints "blocked" only if both fail.
#include <arpa/inet.h>
#include <cstdio>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>
int main() {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(53);
    inet_pton(AF_INET, "1.1.1.1", &to.sin_addr);
    int tcp = socket(AF_INET, SOCK_STREAM, 0);
    bool reached = tcp >= 0 && connect(tcp, reinterpret_cast<sockaddr *>(&to), sizeof to) == 0;
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    reached = reached || (udp >= 0 && sendto(udp, "x", 1, 0, reinterpret_cast<sockaddr *>(&to), sizeof to) == 1);
    std::puts(reached ? "reached" : "blocked");
}
