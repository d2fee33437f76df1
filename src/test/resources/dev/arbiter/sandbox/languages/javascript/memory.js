const kept = [];
for (;;) {
  kept.push(Buffer.alloc(32 << 20, 1));
}
