"""The Argo CD model: sync order (:mod:`.syncorder`), ordering hazards (:mod:`.ordering`), resource health
(:mod:`.health`), declared cluster prerequisites (:mod:`.prereqs`) and the first-sync simulation
(:mod:`.simulate`). ``gitops-gen plan``/``diff`` and the ``argocd-*`` rules all use it."""
