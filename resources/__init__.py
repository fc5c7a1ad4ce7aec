"""The bundled guide, its KB and the KB files' JSON schema, shipped as package data."""
