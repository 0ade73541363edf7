"""Settings that may be secrets: NAME in dev, or the file named by NAME_FILE (docker secrets in prod)."""

import os


def secret(name: str, default: str = "") -> str:
    path = os.environ.get(f"{name}_FILE")
    if path:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    return os.environ.get(name, default)


def required_secret(name: str) -> str:
    value = secret(name)
    if not value:
        raise RuntimeError(f"{name} is empty: set it in .env (dev) or secrets/ (prod); see scripts/create-secrets.sh")
    return value
