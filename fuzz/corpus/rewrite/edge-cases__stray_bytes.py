# Exported from an old editor: stray byte ÿ in this comment, no coding cookie.
BUCKET = "anantra-lms-store"
