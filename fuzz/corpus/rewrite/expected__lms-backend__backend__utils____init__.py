"""Shared helpers: object storage and FAISS index loading."""
