# Where the carry-over attack stashes its secret, and where the probe looks for it.
KEY = 0x41524254
MQ_NAME = b"/arbiter-stash"
SECRET = b"ARBITER-STASHED-SECRET"
