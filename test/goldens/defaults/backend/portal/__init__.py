"""The portal Django project."""
