"""Models of the systems the generated repository runs on and is checked against (Argo CD, the Kubernetes
API server, Pod Security admission, RBAC, MLflow's server): pure functions over plain dicts, below
``gitops/`` and ``validate/`` and above ``platform/`` and ``config/``. They know nothing about rules,
findings or files."""
