"""Environment texts shared by several tests: the alternative providers (sealed-secrets, external S3)."""

from __future__ import annotations

SEALED = "AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq" * 2  # looks like a SealedSecret ciphertext; never decrypted

# A prod environment using the non-default providers; tests append the sections they vary.
SEALED_EXTERNAL_S3 = f"""\
profile: prod
namespace: ml-alt
ingress:
  host: mlflow.alt.example.com
objectStore:
  type: external-s3
  endpoint: https://s3.eu-west-1.amazonaws.com
  region: eu-west-1
  bucket: alt-artifacts
secrets:
  provider: sealed-secrets
  sealed:
    postgres:
      username: {SEALED}
      password: {SEALED}
    objectStore:
      accessKey: {SEALED}
      secretKey: {SEALED}
    auth:
      flaskSecretKey: {SEALED}
      adminUsername: {SEALED}
      adminPassword: {SEALED}
      trainingUsername: {SEALED}
      trainingPassword: {SEALED}
      servingUsername: {SEALED}
      servingPassword: {SEALED}
"""
