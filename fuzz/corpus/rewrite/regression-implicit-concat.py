x = ("anantra-" "lms-store")
