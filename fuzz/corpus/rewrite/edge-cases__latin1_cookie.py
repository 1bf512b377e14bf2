# -*- coding: latin-1 -*-
# Créé par l'équipe contenu (latin-1 encoded file).
BUCKET = "anantra-lms-store"
COURSE_TITLE = "Café français"
