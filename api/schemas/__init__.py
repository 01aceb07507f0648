"""Marshmallow schemas: inputs named verb+noun, outputs named as nouns."""
