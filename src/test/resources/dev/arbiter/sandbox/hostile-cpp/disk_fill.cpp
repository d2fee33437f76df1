// Fills every place it can write (its folder, /tmp, /dev/shm) until the disk is full, then answers.
#include <cstdio>
#include <string>
int main() {
    std::string chunk(1 << 20, 'x');
    const char *places[] = {"/tmp/job/fill", "/tmp/fill", "/dev/shm/fill"};
    for (const char *place : places) {
        for (int i = 0;; i++) {
            FILE *f = std::fopen((std::string(place) + std::to_string(i)).c_str(), "w");
            if (!f) break;
            bool ok = std::fwrite(chunk.data(), 1, chunk.size(), f) == chunk.size();
            ok = std::fclose(f) == 0 && ok;
            if (!ok) break;
        }
    }
    std::puts("T");
}
