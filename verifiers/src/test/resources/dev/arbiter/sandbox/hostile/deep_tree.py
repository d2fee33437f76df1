# A folder tree 1500 levels deep under the working folder, deeper than a recursive cleaner can walk.
import os

fd = os.open(".", os.O_RDONLY)
for _ in range(1500):
    os.mkdir("d", 0o700, dir_fd=fd)
    deeper = os.open("d", os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    fd = deeper
print("planted a deep tree")
