kept = []
while True:
    kept.append(b"\x01" * (32 << 20))
