from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import host_path_mount as rule


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _deploy(host: str, *, read_only: bool | None = None, mounted: bool = True, init: bool = False) -> dict[str, Any]:
    mount: dict[str, Any] = {"name": "h", "mountPath": "/host"}
    if read_only is not None:
        mount["readOnly"] = read_only
    container = {"name": "app", "image": "app:1", "volumeMounts": [mount] if mounted else []}
    pod: dict[str, Any] = {"volumes": [{"name": "h", "hostPath": {"path": host}}]}
    pod["initContainers" if init else "containers"] = [container]
    if init:
        pod["containers"] = [{"name": "main", "image": "app:1"}]
    meta = {"name": "d"}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": {"template": {"spec": pod}}}


def test_fires_on_runtime_sockets_read_only_or_not() -> None:
    for sock in ("/var/run/docker.sock", "/run/containerd/containerd.sock", "/var/run/crio/crio.sock"):
        [f] = _findings(_deploy(sock, read_only=True))
        assert "container runtime socket" in f.message and "writable" not in f.message, sock
        assert f.path == "/spec/template/spec/containers/0/volumeMounts/0"
    [f] = _findings(_deploy("/var/run/docker.sock"))
    assert "container runtime socket" in f.message and "writable" in f.message


def test_fires_on_host_system_directories() -> None:
    for path in ("/", "/etc", "/etc/", "/proc", "/sys", "/dev", "/usr", "/boot", "/lib"):
        [f] = _findings(_deploy(path, read_only=True))
        assert f'hostPath "{path}"' in f.message and "host system directory" in f.message, path


def test_fires_on_writable_host_path_in_init_containers_too() -> None:
    [f] = _findings(_deploy("/config"))
    assert f.message == 'Container "app" mounts hostPath "/config": writable (no readOnly: true)'
    [f] = _findings(_deploy("/data", read_only=False, init=True))
    assert f.message.startswith('Init container "app"') and f.path.endswith("/initContainers/0/volumeMounts/0")


def test_passes_read_only_ordinary_paths_unmounted_volumes_and_other_volume_types() -> None:
    assert _findings(_deploy("/var/log", read_only=True)) == []
    assert _findings(_deploy("/etc/ssl/certs", read_only=True)) == []  # below /etc, as kube-linter's ^/etc$
    assert _findings(_deploy("/var/run/thing.sock", read_only=True)) == []
    assert _findings(_deploy("/var/run/docker.sock", mounted=False)) == []
    empty_dir = _deploy("/config")
    empty_dir["spec"]["template"]["spec"]["volumes"] = [{"name": "h", "emptyDir": {}}]
    assert _findings(empty_dir) == []
