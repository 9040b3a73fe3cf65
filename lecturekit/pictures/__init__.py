"""Slide pictures drawn from code, one module per part of the course."""
