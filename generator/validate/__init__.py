"""Offline validation: schemas, policy rules and cross-resource semantics over rendered manifests."""
