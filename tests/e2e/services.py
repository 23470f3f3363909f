"""The stateful backends, real servers on loopback: PostgreSQL (Debian's server binaries) and an S3 endpoint
(moto's server) standing in for MinIO.

PostgreSQL is started the way the ``postgres`` image's entrypoint (docker-library/postgres
``docker-entrypoint.sh``) starts it from the rendered StatefulSet: ``initdb`` with ``POSTGRES_USER`` as
superuser and ``POSTGRES_PASSWORD`` (scram-sha-256 for TCP clients), then ``POSTGRES_DB`` created, then
``postgres`` with the rendered args (``-c max_connections=...``). It refuses to run as root, so under
euid 0 it runs as the ``postgres`` user (created by Debian's package) or ``nobody``, in a directory it owns.
``fsync=off`` only makes the throw-away cluster faster.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from e2e import kubelet
from e2e.cluster import Cluster, Pod

PG_PORT = 5432
Obj = dict[str, Any]


def postgres_bin_dir() -> Path | None:
    """Where ``initdb`` and ``postgres`` live: PATH first, else Debian's /usr/lib/postgresql/<major>/bin."""
    found = shutil.which("initdb")
    if found:
        bindir = Path(found).resolve().parent  # symlinks (/usr/local/bin/initdb) lead to the full set
        if all((bindir / tool).exists() for tool in ("postgres", "pg_isready")):
            return bindir
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(candidates[-1]).parent if candidates else None


def unprivileged_user() -> pwd.struct_passwd | None:
    """The account PostgreSQL runs as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' account exists")


@dataclass
class Postgres:
    pod: Pod
    ip: str
    socket_dir: Path
    user: str
    password: str
    database: str

    def connect(self, dbname: str | None = None) -> Any:
        """A superuser connection over the Unix socket (trust auth: for the test's own queries)."""
        import psycopg2

        return psycopg2.connect(host=str(self.socket_dir), port=PG_PORT, user=self.user, dbname=dbname or self.database)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        conn = self.connect()
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return list(cur.fetchall()) if cur.description else []
        finally:
            conn.close()


def start_postgres(cluster: Cluster, statefulset: Obj) -> Postgres:
    container = Cluster.pod_spec(statefulset)["containers"][0]
    env = kubelet.resolve_env(container, secrets=cluster.secrets, config_maps=cluster.config_maps)
    args = kubelet.expand_argv(container, env)  # the image's entrypoint passes these to postgres
    bindir = postgres_bin_dir()
    assert bindir is not None, "PostgreSQL server binaries not found (apt-get install -y postgresql)"
    owner = unprivileged_user()
    base = cluster.root / "postgres"
    base.mkdir(mode=0o700)
    data, sock = base / "data", base / "run"
    sock.mkdir()
    pwfile = base / "pwfile"
    pwfile.write_text(env["POSTGRES_PASSWORD"] + "\n")
    run_as: dict[str, Any] = {}
    if owner is not None:
        for path in (base, sock, pwfile):
            os.chown(path, owner.pw_uid, owner.pw_gid)
        run_as = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": str(base)}
    init = subprocess.run(
        [
            str(bindir / "initdb"),
            "-D",
            str(data),
            "--username",
            env["POSTGRES_USER"],
            "--pwfile",
            str(pwfile),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--no-sync",
        ],
        capture_output=True,
        text=True,
        env=clean_env,
        cwd=base,
        check=False,
        **run_as,
    )
    assert init.returncode == 0, f"initdb failed: {init.stdout[-2000:]}{init.stderr[-2000:]}"
    with (data / "pg_hba.conf").open("a") as hba:
        hba.write("host all all 127.0.0.0/8 scram-sha-256\n")
    ip = cluster.allocate_ip([PG_PORT])
    pod = cluster.spawn(
        "postgres-0",
        [
            str(bindir / "postgres"),
            "-D",
            str(data),
            "-c",
            f"listen_addresses={ip}",
            "-c",
            f"port={PG_PORT}",
            "-c",
            f"unix_socket_directories={sock}",
            "-c",
            "fsync=off",
            *args,
        ],
        env=clean_env,
        cwd=base,
        **run_as,
    )
    pg = Postgres(pod, ip, sock, env["POSTGRES_USER"], env["POSTGRES_PASSWORD"], env["POSTGRES_DB"])
    deadline = time.monotonic() + 60
    while True:
        ready = subprocess.run(
            [str(bindir / "pg_isready"), "-h", str(sock), "-p", str(PG_PORT)], capture_output=True, check=False
        )
        if ready.returncode == 0:
            break
        assert pod.alive(), f"postgres exited\n{pod.tail()}"
        assert time.monotonic() < deadline, f"postgres not ready after 60s\n{pod.tail()}"
        time.sleep(0.3)
    pg.connect("postgres").close()
    conn = pg.connect("postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{pg.database}"')
    conn.close()
    cluster.expose("postgres", ip)
    return pg


@dataclass
class S3:
    pod: Pod
    ip: str
    port: int
    access_key: str
    secret_key: str

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=f"http://{self.ip}:{self.port}",
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
        )

    def keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]


def start_s3(cluster: Cluster, service: Obj, bucket: str, credentials_secret: str) -> S3:
    """moto's S3 server behind the MinIO Service name and port; the bucket is created as the rendered
    ``minio-create-bucket`` Job does (``mc mb --ignore-existing``), with the object-store credentials."""
    port = int(service["spec"]["ports"][0]["port"])
    ip = cluster.allocate_ip([port])
    creds = cluster.secrets[credentials_secret]
    pod = cluster.spawn(
        "minio-0",
        [sys.executable, "-m", "moto.server", "-H", ip, "-p", str(port)],
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(cluster.root)},
        cwd=cluster.root,
    )
    s3 = S3(pod, ip, port, creds["accessKey"], creds["secretKey"])
    deadline = time.monotonic() + 60
    while True:
        try:
            s3.client().create_bucket(Bucket=bucket)
            break
        except Exception:
            assert pod.alive(), f"S3 server exited\n{pod.tail()}"
            assert time.monotonic() < deadline, f"S3 server not ready after 60s\n{pod.tail()}"
            time.sleep(0.5)
    cluster.expose(service["metadata"]["name"], ip)
    return s3
