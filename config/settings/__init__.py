"""Settings modules: base (shared), local (demo), test, production."""
