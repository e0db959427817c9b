"""Extraction: what a listing or an article page says, layer by layer, and the typed record it makes."""
