"""A crawler for Báo Hà Giang (baohagiang.vn) and its successor site."""

__version__ = "0.1.0"
