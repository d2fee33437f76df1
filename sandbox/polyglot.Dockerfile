# The polyglot sandbox image for machines that can pull from a registry: what
# `build-offline.sh --polyglot` makes without one. The Python image's contents plus the compilers
# and runtimes of the driver's other languages (driver/languages.py), from Debian bookworm.
# Build it with:
#   docker build -f sandbox/polyglot.Dockerfile -t arbiter/sandbox-polyglot:1 sandbox/
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-numpy g++ openjdk-17-jdk-headless golang-go rustc nodejs \
 && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/*
COPY driver/ /sandbox/
COPY checkers/testlib.h /sandbox/checkers/
RUN mkdir -p /work && chmod 1777 /work
ENV PYTHONDONTWRITEBYTECODE=1
USER 65534:65534
WORKDIR /work
CMD ["python3"]
