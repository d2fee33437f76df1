print("T")
