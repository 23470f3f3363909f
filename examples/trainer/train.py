"""Train the iris RandomForest, log it to the MLflow tracking server and point a registry alias at it.

The example trainer of gitops-gen (examples/trainer; the image the training Job and CronJob run). It talks
only to the tracking server (``MLFLOW_TRACKING_URI``): artifacts go through the server's artifact proxy,
so the pod needs no object-store credentials.

    python train.py --registered-model iris --alias champion

Serving loads ``models:/<registered-model>@<alias>``, so training moves the alias to the new version.

Serialization: ``cloudpickle``, chosen deliberately. MLflow's default for ``log_model`` is ``skops``
(mlflow/sklearn/__init__.py, ``_get_default_serialization_format``), whose save does a round-trip
``skops.io.load(path, trusted=skops_trusted_types)`` (``_save_model``); with current scikit-learn a
RandomForest references types outside skops' default trust list (``sklearn.tree._tree.Tree``), so
``log_model`` fails (checked with MLflow 3.17.2 and scikit-learn 1.9.1: "Untrusted types found in the file:
['sklearn.tree._tree.Tree']") unless every such type is listed by hand for each scikit-learn release.
Loading is gated for every format, skops included, by ``MLFLOW_ALLOW_PICKLE_DESERIALIZATION`` (default
true; ``_load_model_from_local_file``: skops' trust list is read from the model itself, so it is no
safety boundary either). cloudpickle is also what ``mlflow.sklearn.autolog`` uses.
Pickles are tied to the scikit-learn version: the serving image must carry the same scikit-learn
(requirements.txt pins it).
"""

from __future__ import annotations

import argparse
import os

import mlflow
import mlflow.sklearn
from mlflow import MlflowClient
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registered-model", default=os.environ.get("MODEL_NAME", "iris"))
    parser.add_argument("--alias", default=os.environ.get("MODEL_ALIAS", "champion"))
    parser.add_argument("--experiment", default=os.environ.get("MLFLOW_EXPERIMENT_NAME", "iris"))
    parser.add_argument("--n-estimators", type=int, default=100)
    parser.add_argument("--max-depth", type=int, default=5)
    return parser.parse_args()


def train(args: argparse.Namespace) -> None:
    mlflow.set_experiment(args.experiment)
    # Parameters and training metrics come from autolog; the model is logged once, explicitly, below.
    mlflow.sklearn.autolog(log_models=False)
    iris = load_iris(as_frame=True)
    x_train, x_test, y_train, y_test = train_test_split(iris.data, iris.target, test_size=0.2, random_state=42)
    with mlflow.start_run(run_name="iris-training") as run:
        mlflow.set_tag("training_platform", "kubernetes")
        # A Job's pod is named after the Job (<job>-<suffix>); the kubelet sets HOSTNAME to it.
        mlflow.set_tag("job_name", os.environ.get("HOSTNAME", "unknown"))
        model = RandomForestClassifier(n_estimators=args.n_estimators, max_depth=args.max_depth, random_state=42)
        model.fit(x_train, y_train)
        predictions = model.predict(x_test)
        accuracy = accuracy_score(y_test, predictions)
        f1 = f1_score(y_test, predictions, average="weighted")
        mlflow.log_metrics({"test_accuracy": accuracy, "test_f1": f1})
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_CLOUDPICKLE,
            input_example=x_test.head(3),
            registered_model_name=args.registered_model,
        )
        version = info.registered_model_version
        MlflowClient().set_registered_model_alias(args.registered_model, args.alias, str(version))
        print(f"run {run.info.run_id}: accuracy={accuracy:.4f} f1={f1:.4f}")
        print(f"registered {args.registered_model} version {version}, alias {args.alias!r} -> {version}")


if __name__ == "__main__":
    train(parse_args())
