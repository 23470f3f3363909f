"""Models of the systems the generated repository runs on (Argo CD, Kubernetes objects): pure code below
``gitops/`` and ``validate/`` and above ``platform/`` and ``config/``, shared by commands and rules."""
