"""Domain models: what Kubernetes, admission and the platform's components accept, as pure functions over
plain dicts. Validation rules ask these modules; the modules know nothing about rules, findings or files."""
