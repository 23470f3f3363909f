"""A pretend cluster on one machine: pods are local process sessions, Services are loopback addresses.

How a rendered container becomes a local process (``Cluster.start`` / ``Cluster.run``):

- env: :func:`kubelet.resolve_env` with the test Secrets and the rendered ConfigMaps; argv:
  :func:`kubelet.expand_argv` (the kubelet's own rules).
- Networking: every pod gets its own loopback address (``127.a.b.c``), so a rendered port is used as is.
  A wildcard bind (the argv element ``0.0.0.0``) becomes the pod's address: in a pod it means the pod's
  own interfaces, and two pods cannot share one wildcard port on a single host.
- Service DNS: each container runs in a private mount namespace (``unshare -m``) whose ``/etc/hosts``
  maps the Service names (``mlflow``, ``mlflow.<ns>``, ``…svc``, ``…svc.cluster.local``) to the address
  of the pod backing it. Names are mapped, nothing is rewritten: a client still sends ``Host: mlflow:5000``
  and libpq still connects to ``postgres:5432``.
- Volumes: each volumeMount's ``mountPath`` is mapped to a per-pod temporary directory (shared by all the
  pod's containers); env values and argv elements equal to a mount path or under it are pointed there.
  Files an image adds (``COPY`` in its Dockerfile) are mapped the same way by ``image_files``.
- ``python``/``mlflow`` are the interpreter running the tests and its ``mlflow`` (the pinned version).
- Every process is started in a new session; stopping a pod signals every process of that session
  (found through ``/proc/<pid>/stat``), TERM then KILL. :meth:`Cluster.close` stops all pods, and an
  ``atexit`` hook does it again if the test process is interrupted.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from e2e import kubelet

Obj = dict[str, Any]
# Tests need no graceful shutdown: TERM, then KILL whatever still runs after this many seconds.
STOP_GRACE_SECONDS = 5.0


def session_pids(sid: int) -> list[int]:
    """Every live process whose session id is ``sid`` (field 6 of ``/proc/<pid>/stat``)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            out.append(int(entry))
    return out


def cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [a.decode(errors="replace") for a in raw.split(b"\0") if a]


def pss_kib(pid: int) -> int:
    """Proportional set size of ``pid`` in KiB (``/proc/<pid>/smaps_rollup``), RSS where PSS is missing."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    values = {line.split(":")[0]: int(line.split()[1]) for line in text.splitlines()[1:] if line.endswith("kB")}
    return values.get("Pss", values.get("Rss", 0))


def kill_session(*sids: int, grace: float = STOP_GRACE_SECONDS) -> None:
    """TERM every process of the sessions, KILL what is left after ``grace`` seconds."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        pids = [pid for sid in sids for pid in session_pids(sid)]
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and any(session_pids(sid) for sid in sids):
            time.sleep(0.2)


def port_is_free(ip: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((ip, port))
        except OSError:
            return False
    return True


@dataclass
class Pod:
    """One running (or finished) container process: its session is its process group tree."""

    name: str
    ip: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes]

    @property
    def sid(self) -> int:
        return self.proc.pid

    def pids(self) -> list[int]:
        return session_pids(self.sid)

    def logs(self) -> str:
        return self.log.read_text(errors="replace")

    def tail(self, chars: int = 3000) -> str:
        return f"--- {self.name} log (last {chars} chars) ---\n{self.logs()[-chars:]}"

    def alive(self) -> bool:
        return self.proc.poll() is None


_LIVE: list[Cluster] = []


@atexit.register
def _close_all() -> None:
    for cluster in list(_LIVE):
        cluster.close()


@dataclass
class Cluster:
    """The pods of one test session, their network (Service name -> IP) and their temporary files."""

    root: Path
    namespace: str
    objects: list[Obj]
    secrets: dict[str, dict[str, str]] = field(default_factory=dict)
    config_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    services: dict[str, str] = field(default_factory=dict)
    pods: list[Pod] = field(default_factory=list)
    _used_ips: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for obj in self.objects:
            if obj["kind"] == "ConfigMap":
                self.config_maps[obj["metadata"]["name"]] = dict(obj.get("data") or {})
        self.bin = self.root / "bin"
        self.bin.mkdir(parents=True, exist_ok=True)
        mlflow_exe = Path(sys.executable).with_name("mlflow")
        for name, target in (
            ("python", sys.executable),
            ("python3", sys.executable),
            ("mlflow", str(mlflow_exe) if mlflow_exe.exists() else shutil.which("mlflow") or "mlflow"),
        ):
            link = self.bin / name
            if not link.exists():
                link.symlink_to(target)
        _LIVE.append(self)

    # -- rendered objects -------------------------------------------------------------------------
    def get(self, kind: str, name: str) -> Obj:
        found = [o for o in self.objects if o["kind"] == kind and o["metadata"]["name"] == name]
        assert len(found) == 1, f"rendered overlay has {len(found)} {kind}/{name}"
        return found[0]

    @staticmethod
    def pod_spec(workload: Obj) -> Obj:
        spec = workload["spec"]
        if workload["kind"] == "CronJob":
            spec = spec["jobTemplate"]["spec"]
        return dict(spec["template"]["spec"])

    # -- network ----------------------------------------------------------------------------------
    def allocate_ip(self, ports: Sequence[int] = ()) -> str:
        """A fresh loopback address on which every port of ``ports`` can be bound."""
        rng = random.SystemRandom()
        for _ in range(200):
            ip = f"127.{rng.randint(1, 254)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
            if ip not in self._used_ips and all(port_is_free(ip, p) for p in ports):
                self._used_ips.add(ip)
                return ip
        raise RuntimeError(f"no loopback address with free ports {list(ports)} (a wildcard listener holds them?)")

    def expose(self, service: str, ip: str) -> None:
        """Point the Service's DNS names at ``ip`` (the pod backing it)."""
        self.services[service] = ip
        lines = ["127.0.0.1 localhost"]
        for name, addr in sorted(self.services.items()):
            fqdns = [name, f"{name}.{self.namespace}", f"{name}.{self.namespace}.svc"]
            lines.append(f"{addr} {' '.join([*fqdns, f'{name}.{self.namespace}.svc.cluster.local'])}")
        (self.root / "hosts").write_text("\n".join(lines) + "\n")

    # -- pods -------------------------------------------------------------------------------------
    def prepare(
        self,
        pod_name: str,
        workload: Obj,
        container: Obj,
        *,
        ip: str,
        image_files: Mapping[str, Path] | None = None,
    ) -> tuple[list[str], dict[str, str]]:
        """argv and env of ``container`` of ``workload``'s pod template, mapped onto this machine."""
        spec = self.pod_spec(workload)
        env = kubelet.resolve_env(container, secrets=self.secrets, config_maps=self.config_maps)
        argv = kubelet.expand_argv(container, env)
        volumes = {v["name"]: v for v in spec.get("volumes") or []}
        paths: dict[str, Path] = {}
        for mount in container.get("volumeMounts") or []:
            volume = volumes[mount["name"]]
            assert "emptyDir" in volume or "configMap" in volume, f"{pod_name}: volume {mount['name']} unsupported"
            local = self.root / "pods" / pod_name / "volumes" / mount["name"]
            local.mkdir(parents=True, exist_ok=True)
            if "configMap" in volume:  # the kubelet projects every key of the ConfigMap as a file
                for key, text in self.config_maps[volume["configMap"]["name"]].items():
                    (local / key).write_text(text)
            paths[mount["mountPath"]] = local
        paths.update(image_files or {})

        def local_path(value: str) -> str:
            for mount_path, local in sorted(paths.items(), key=lambda kv: -len(kv[0])):
                if value == mount_path or value.startswith(mount_path.rstrip("/") + "/"):
                    return str(local) + value[len(mount_path.rstrip("/")) :]
            return value

        argv = [ip if a == "0.0.0.0" else local_path(a) for a in argv]
        env = {k: local_path(v) for k, v in env.items()}
        return argv, env

    def start(
        self,
        pod_name: str,
        workload: Obj,
        container: Obj,
        *,
        ip: str | None = None,
        image_files: Mapping[str, Path] | None = None,
    ) -> Pod:
        ip = ip or self.allocate_ip()
        argv, env = self.prepare(pod_name, workload, container, ip=ip, image_files=image_files)
        base_env = {"PATH": f"{self.bin}:{os.environ.get('PATH', '/usr/bin:/bin')}", "LANG": "C.UTF-8"}
        base_env["HOSTNAME"] = pod_name
        full_env = {**base_env, **env}
        if not (self.root / "hosts").exists():
            self.expose("kubernetes", "127.0.0.1")
        wrapper = ["sh", "-c", 'mount --bind "$0" /etc/hosts && exec "$@"', str(self.root / "hosts")]
        log = self.root / "pods" / pod_name / f"{container['name']}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [*unshare_prefix(), *wrapper, *argv],
                env=full_env,
                cwd=self.root / "pods" / pod_name,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        pod = Pod(name=pod_name, ip=ip, argv=argv, env=env, log=log, proc=proc)
        self.pods.append(pod)
        return pod

    def run(
        self,
        pod_name: str,
        workload: Obj,
        container: Obj,
        *,
        timeout: float,
        image_files: Mapping[str, Path] | None = None,
    ) -> Pod:
        """Start the container and wait for it to exit (a Job's pod); the Pod carries return code and log."""
        pod = self.start(pod_name, workload, container, image_files=image_files)
        try:
            pod.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop(pod)
            raise AssertionError(f"{pod_name} did not finish within {timeout}s\n{pod.tail()}") from None
        kill_session(pod.sid, grace=2.0)  # anything the container left behind
        return pod

    def stop(self, pod: Pod) -> None:
        kill_session(pod.sid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            pod.proc.wait(timeout=5)

    def spawn(self, name: str, argv: list[str], **kwargs: Any) -> Pod:
        """A helper process that is no rendered container (PostgreSQL's server, the S3 endpoint)."""
        log = self.root / "pods" / name / "server.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        env = kwargs.pop("env", None)
        with log.open("wb") as out:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=env,
                **kwargs,
            )
        pod = Pod(name=name, ip=kwargs.get("ip", ""), argv=argv, env=env or {}, log=log, proc=proc)
        self.pods.append(pod)
        return pod

    def close(self) -> None:
        kill_session(*(pod.sid for pod in self.pods))
        for pod in self.pods:
            with contextlib.suppress(subprocess.TimeoutExpired):
                pod.proc.wait(timeout=5)
        if self in _LIVE:
            _LIVE.remove(self)

    def leftovers(self) -> list[int]:
        return [pid for pod in self.pods for pid in session_pids(pod.sid)]


def unshare_prefix() -> list[str]:
    """A private mount namespace (for the pod's own /etc/hosts); unprivileged users get a user namespace."""
    return ["unshare", "-m", "--"] if os.geteuid() == 0 else ["unshare", "-r", "-m", "--"]


def http(
    url: str,
    *,
    host: str | None = None,
    method: str = "GET",
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30.0,
) -> tuple[int, bytes]:
    """(status, body) of one request; HTTP errors are returned, not raised."""
    req = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    if host is not None:
        req.add_unredirected_header("Host", host)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def wait_http(pod: Pod, url: str, *, host: str | None = None, timeout: float = 240.0) -> None:
    """Poll ``url`` until it answers 200 (a startup probe); fail with the pod's log when it dies or times out."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if not pod.alive():
            raise AssertionError(f"{pod.name} exited with {pod.proc.returncode} before {url} answered\n{pod.tail()}")
        try:
            status, _ = http(url, host=host, timeout=5)
            if status == 200:
                return
            last = f"HTTP {status}"
        except OSError as exc:
            last = str(exc)
        time.sleep(1.0)
    raise AssertionError(f"{pod.name}: {url} not ready after {timeout}s ({last})\n{pod.tail()}")


@contextlib.contextmanager
def temp_root() -> Iterator[Path]:
    """A temporary directory under the system temp dir (not pytest's 0700 tree: PostgreSQL's unprivileged
    user must be able to reach its own data directory)."""
    path = Path(tempfile.mkdtemp(prefix="gitops-gen-e2e-"))
    os.chmod(path, 0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
