"""Writes the sklearn reference fixtures for the classifier layer (test/unit/classify-*.test.ts).

Run from the repository root with the reference venv:
    .venv-pyref/bin/python scripts/pyref/make_classify_fixtures.py
Needs numpy and scikit-learn. Output: test/fixtures/classify/{metrics,svm}.json (small).
"""
import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support,
                             roc_auc_score, roc_curve)
from sklearn.svm import SVC, LinearSVC

warnings.filterwarnings("ignore")  # SVC(probability=True) is deprecated in sklearn >= 1.9; we want exactly it
OUT = os.environ.get("FIXTURES_OUT") or os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "classify")


def r(x, nd=6):
    return [round(float(v), nd) for v in x]


def metrics_case(name, rng, n, K, absent_gold=None, never_pred=None, tie_decimals=1):
    gold = rng.integers(0, K, n)
    if absent_gold is not None:
        gold[gold == absent_gold] = (absent_gold + 1) % K
    # predictions: right 55% of the time, else random
    pred = np.where(rng.random(n) < 0.55, gold, rng.integers(0, K, n))
    if never_pred is not None:
        pred[pred == never_pred] = (never_pred + 1) % K
    # scores with many ties: a noisy one-hot, rounded coarsely, then normalised and rounded again
    raw = rng.random((n, K)) + 1.5 * np.eye(K)[gold] * (rng.random((n, 1)) < 0.7)
    proba = np.round(raw / raw.sum(1, keepdims=True), tie_decimals)
    labels = [f"c{k}" for k in range(K)]
    p, rc, f, s = precision_recall_fscore_support(gold, pred, labels=list(range(K)), zero_division=0)
    auc, roc = {}, {}
    for k in range(K):
        yk = (gold == k).astype(int)
        if yk.sum() == 0 or yk.sum() == n:
            auc[labels[k]] = None
            roc[labels[k]] = None
        else:
            auc[labels[k]] = float(roc_auc_score(yk, proba[:, k]))
            fpr, tpr, _ = roc_curve(yk, proba[:, k], drop_intermediate=False)
            roc[labels[k]] = {"fpr": r(fpr, 12), "tpr": r(tpr, 12)}
    return {
        "name": name,
        "labels": labels,
        "gold": gold.tolist(),
        "pred": pred.tolist(),
        "proba": proba.tolist(),
        "expected": {
            "accuracy": float(accuracy_score(gold, pred)),
            "weighted_f1": float(f1_score(gold, pred, average="weighted", zero_division=0)),
            "macro_f1": float(f1_score(gold, pred, average="macro", zero_division=0)),
            "precision": p.tolist(), "recall": rc.tolist(), "f1": f.tolist(), "support": s.tolist(),
            "confusion": confusion_matrix(gold, pred, labels=list(range(K))).tolist(),
            "auc": auc,
            "roc": roc,
        },
    }


def blobs(rng, counts, d, spread):
    means = rng.normal(0, spread, (len(counts), d))
    X = np.concatenate([means[k] + rng.normal(0, 1, (c, d)) for k, c in enumerate(counts)])
    y = np.concatenate([np.full(c, k) for k, c in enumerate(counts)])
    perm = rng.permutation(len(y))
    return np.round(X[perm], 4), y[perm]


def svm_case(name, rng, counts, d, spread, n_test, C=1.0, gamma="scale", balanced=True):
    X, y = blobs(rng, counts, d, spread)
    Xtr, ytr, Xte, yte = X[:-n_test], y[:-n_test], X[-n_test:], y[-n_test:]
    m = SVC(kernel="rbf", C=C, gamma=gamma, class_weight="balanced" if balanced else None,
            probability=True, random_state=0).fit(Xtr, ytr)
    return {
        "name": name,
        "params": {"C": C, "gamma": gamma, "balanced": balanced},
        "gamma_value": float(m._gamma),
        "Xtrain": Xtr.tolist(), "ytrain": ytr.tolist(),
        "Xtest": Xte.tolist(), "ytest": yte.tolist(),
        "expected": {
            "predict": m.predict(Xte).tolist(),
            "predict_proba": [r(p) for p in m.predict_proba(Xte)],
            "decision_ovo": [r(p) for p in SVC(kernel="rbf", C=C, gamma=gamma,
                                               class_weight="balanced" if balanced else None,
                                               decision_function_shape="ovo").fit(Xtr, ytr).decision_function(Xte).reshape(n_test, -1)],
            "n_support": m.n_support_.tolist(),
            "intercept": r(m.intercept_),
        },
    }


def linear_case(name, rng, counts, d, spread, n_test, C=1.0):
    """LinearSVC (LIBLINEAR -s 2, primal) with class_weight='balanced': in each one-vs-rest problem
    the weight scales C of the positive rows only, as our linear kernels do."""
    X, y = blobs(rng, counts, d, spread)
    Xtr, ytr, Xte, yte = X[:-n_test], y[:-n_test], X[-n_test:], y[-n_test:]
    m = LinearSVC(C=C, dual=False, tol=1e-4, max_iter=1000, class_weight="balanced").fit(Xtr, ytr)
    return {
        "name": name,
        "params": {"C": C, "balanced": True},
        "Xtrain": Xtr.tolist(), "ytrain": ytr.tolist(),
        "Xtest": Xte.tolist(), "ytest": yte.tolist(),
        "expected": {"predict": m.predict(Xte).tolist(), "decision": [r(p) for p in m.decision_function(Xte)]},
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240611)
    cases = [
        metrics_case("random-4-classes", rng, 120, 4),
        metrics_case("class-absent-from-gold", rng, 80, 5, absent_gold=3),
        metrics_case("class-never-predicted", rng, 90, 3, never_pred=2, tie_decimals=2),
    ]
    meta = {"sklearn": sklearn.__version__, "numpy": np.__version__, "python": sys.version.split()[0]}
    with open(os.path.join(OUT, "metrics.json"), "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, separators=(",", ":"))
    svm = [
        svm_case("rbf-4-classes-imbalanced", rng, [160, 80, 50, 30], 8, 0.9, 80),
        svm_case("rbf-binary-unbalanced-weights", rng, [150, 40], 5, 0.8, 50, C=2.0, gamma=0.1, balanced=False),
    ]
    linear = [linear_case("linear-4-classes-balanced", rng, [150, 70, 40, 25], 12, 0.5, 80)]
    with open(os.path.join(OUT, "svm.json"), "w") as f:
        json.dump({"meta": meta, "cases": svm, "linear": linear}, f, separators=(",", ":"))
    for fn in ("metrics.json", "svm.json"):
        print(fn, os.path.getsize(os.path.join(OUT, fn)), "bytes")


if __name__ == "__main__":
    main()
