"""Downloader and spider middlewares: safety, failure logging, evidence."""
