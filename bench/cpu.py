"""A CPU-bound script of about a second, for the idle cost of LD_PRELOAD."""

total = 0
for i in range(10_000_000):
    total = (total + i * i) % 1_000_003
assert total >= 0
