"""Coursh content help# -*- coding: latin-1 -*-
