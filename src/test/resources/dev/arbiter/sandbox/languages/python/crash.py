winner = None
print(winner.name)
