print("T"
