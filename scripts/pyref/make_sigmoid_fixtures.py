"""Writes test/fixtures/classify/sigmoid.json: Platt sigmoid fits (A, B) from scikit-learn's own
implementation (sklearn.calibration._sigmoid_calibration: same targets and priors as LIBSVM's
sigmoid_train, minimised by scipy's L-BFGS-B instead of Newton), for sigmoidTrain in libsvm-port.ts.

Run from the repository root with a venv holding numpy, scipy and scikit-learn:
    python scripts/pyref/make_sigmoid_fixtures.py
Each case also records the fit with the two class priors swapped, so the test can show its margin.
"""
import json
import os
import warnings

import numpy as np
import scipy
import sklearn
from sklearn.calibration import _sigmoid_calibration

warnings.filterwarnings("ignore")
OUT = os.environ.get("FIXTURES_OUT") or os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "classify")


def swapped(F, y):
    """The planted bug: prior0 and prior1 exchanged (targets and start point)."""
    from scipy.optimize import minimize
    prior1 = float(np.sum(y <= 0))
    prior0 = y.shape[0] - prior1
    T = np.where(y > 0, (prior1 + 1.0) / (prior1 + 2.0), 1.0 / (prior0 + 2.0))

    def f(AB):
        z = AB[0] * F + AB[1]
        # Platt's negative log likelihood with p = 1 / (1 + exp(z))
        loss = np.sum(np.where(z >= 0, T * z + np.log1p(np.exp(-z)), (T - 1) * z + np.log1p(np.exp(z))))
        p = 1 / (1 + np.exp(z))
        g = T - p
        return loss, np.array([g @ F, g.sum()])

    r = minimize(f, np.array([0.0, np.log((prior0 + 1) / (prior1 + 1))]), method="L-BFGS-B", jac=True,
                 options={"gtol": 1e-10, "ftol": 1e-15})
    return r.x


def case(name, rng, n_pos, n_neg, sep, flip=0.0):
    spread = 1.0 if sep < 5 else 4.0
    dec = np.concatenate([rng.normal(sep, spread, n_pos), rng.normal(-sep, spread, n_neg)])
    y = np.concatenate([np.ones(n_pos), -np.ones(n_neg)])
    if flip:
        k = rng.random(y.shape[0]) < flip
        y[k] = -y[k]
    perm = rng.permutation(y.shape[0])
    dec, y = np.round(dec[perm], 6), y[perm]
    a, b = _sigmoid_calibration(dec, y)
    sa, sb = swapped(dec, y)
    return {"name": name, "dec": dec.tolist(), "labels": y.astype(int).tolist(),
            "A": float(a), "B": float(b), "swapped": {"A": float(sa), "B": float(sb)}}


def main():
    rng = np.random.default_rng(19)
    cases = [
        case("imbalanced 20 positive / 180 negative", rng, 20, 180, 1.0),
        case("imbalanced 150 positive / 30 negative, noisy", rng, 150, 30, 0.8, flip=0.1),
        case("balanced 60 / 60, well separated", rng, 60, 60, 2.0, flip=0.05),
        case("small 4 positive / 9 negative", rng, 4, 9, 0.7),
        # decision values up to ~25 (below sklearn's rescaling threshold of 30): exp(+-fApB) overflows
        # in the wrong branch of the numerically safe log-loss
        case("large decision values, nearly separable", rng, 40, 60, 12.0, flip=0.03),
    ]
    meta = {"sklearn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__}
    with open(os.path.join(OUT, "sigmoid.json"), "w") as f:
        json.dump({"meta": meta, "cases": cases}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
