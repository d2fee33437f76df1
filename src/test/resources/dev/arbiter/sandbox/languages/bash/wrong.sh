echo T
