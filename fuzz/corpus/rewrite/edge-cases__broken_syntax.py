# Python 2 leftover: not valid Python 3, the tool must report it and move on.
BUCKET = "anantra-lms-store"

print "uploading to", BUCKET
