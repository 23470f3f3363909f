"""Shared test setup. Its presence puts tests/ on sys.path, so helpers such as ``sample_envs`` import."""
