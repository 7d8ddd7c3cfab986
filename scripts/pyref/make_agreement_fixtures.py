"""Writes the agreement reference fixtures (test/unit/agreement.test.ts, test/integration/cli-agreement.test.ts).

Run from the repository root with a venv holding numpy, scikit-learn and statsmodels:
    python3 -m venv /tmp/venv-G && /tmp/venv-G/bin/pip install scikit-learn statsmodels
    /tmp/venv-G/bin/python scripts/pyref/make_agreement_fixtures.py
Output: test/fixtures/agreement/<case>.csv (long format: one row per utterance and annotator, with
missing ratings) and reference.json (cohen_kappa_score per pair, fleiss_kappa over the items every
annotator rated, per-label kappa as fleiss_kappa of the table collapsed to [label, rest], and
Krippendorff's nominal alpha by its pairwise definition, computed here independently of the TS code),
plus the published examples: Fleiss 1971 (kappa 0.4302) and Krippendorff's worked example (0.743).
"""
import csv
import itertools
import json
import os

import numpy as np
import sklearn
import statsmodels
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "agreement")
LABELS = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]


def rnd(x):
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else round(float(x), 6)


def alpha_pairs(units):
    """Krippendorff's nominal alpha from the pairable values: 1 - D_o / D_e with D_o the mean
    disagreement of pairs within a unit (weighted 1/(m_u-1)) and D_e that of all pairs of values."""
    units = [u for u in units if len(u) >= 2]
    values = [v for u in units for v in u]
    n = len(values)
    do = sum(sum(1 for a, b in itertools.permutations(u, 2) if a != b) / (len(u) - 1) for u in units) / n
    counts = {v: values.count(v) for v in set(values)}
    de = sum(counts[a] * counts[b] for a in counts for b in counts if a != b) / (n * (n - 1))
    return 1 - do / de


def reference(long_rows):
    items = {}
    for item, rater, label in long_rows:
        items.setdefault(item, {})[rater] = label
    raters = sorted({r for _, r, _ in long_rows})
    labels = [l for l in LABELS if any(l == x for _, _, x in long_rows)]
    pairwise = []
    for a, b in itertools.combinations(raters, 2):
        both = [(v[a], v[b]) for v in items.values() if a in v and b in v]
        x = [p[0] for p in both]
        y = [p[1] for p in both]
        pairwise.append({"a": a, "b": b, "n": len(both),
                         "percent_agreement": rnd(100 * sum(p == q for p, q in both) / len(both)),
                         "cohen_kappa": rnd(cohen_kappa_score(x, y))})
    complete = [v for v in items.values() if all(r in v for r in raters)]
    codes = np.array([[labels.index(v[r]) for r in raters] for v in complete])
    table, _ = aggregate_raters(codes, n_cat=len(labels))
    per_label = []
    for j, l in enumerate(labels):
        t2 = np.stack([table[:, j], table.sum(1) - table[:, j]], 1)
        k = fleiss_kappa(t2) if 0 < t2[:, 0].sum() < t2.sum() else None
        per_label.append({"label": l, "kappa": rnd(k)})
    return {
        "annotators": raters, "n_items": len(items), "pairwise": pairwise,
        "fleiss_kappa": rnd(fleiss_kappa(table)), "fleiss_n_items": len(complete),
        "krippendorff_alpha": rnd(alpha_pairs([list(v.values()) for v in items.values()])),
        "per_label": per_label,
    }


def generated(name, seed, n_items, raters, p_missing, skill):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_items):
        truth = LABELS[min(int(rng.exponential(1.8)), 6)] if rng.random() < 0.7 else LABELS[rng.integers(0, 7)]
        for r, s in zip(raters, skill):
            if rng.random() < p_missing:
                continue
            label = truth if rng.random() < s else LABELS[rng.integers(0, 7)]
            rows.append((f"item{i + 1:03d}", r, label))
    # every item keeps at least one rating, so n_items is the number of generated items
    rated = {it for it, _, _ in rows}
    for i in range(n_items):
        if f"item{i + 1:03d}" not in rated:
            rows.append((f"item{i + 1:03d}", raters[0], LABELS[4]))
    rows.sort(key=lambda x: (x[0], x[1]))
    with open(os.path.join(OUT, name + ".csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "annotator", "text", "emotion"])
        for item, r, label in rows:
            w.writerow([item, r, f"utterance {item}", label])
    return reference(rows)


def main():
    os.makedirs(OUT, exist_ok=True)
    out = {"generator": f"scripts/pyref/make_agreement_fixtures.py (scikit-learn {sklearn.__version__}, statsmodels {statsmodels.__version__})", "cases": {}}
    out["cases"]["three_annotators"] = generated("three_annotators", 13, 90, ["alice", "bob", "carol"], 0.2, [0.75, 0.6, 0.5])
    out["cases"]["two_annotators"] = generated("two_annotators", 7, 120, ["ann", "ben"], 0.1, [0.8, 0.55])
    out["cases"]["four_annotators"] = generated("four_annotators", 21, 60, ["a1", "a2", "a3", "a4"], 0.3, [0.9, 0.7, 0.6, 0.4])

    # Fleiss (1971): 30 patients, 6 psychiatrists, 5 diagnoses (statsmodels' test data); kappa 0.4302
    from statsmodels.stats.tests.test_inter_rater import diagnoses
    table, _ = aggregate_raters(diagnoses)
    out["fleiss1971"] = {
        "table": table.astype(int).tolist(), "fleiss_kappa": rnd(fleiss_kappa(table)),
        "per_category": [rnd(fleiss_kappa(np.stack([table[:, j], table.sum(1) - table[:, j]], 1))) for j in range(table.shape[1])],
    }
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the nominal example: 4 observers,
    # 12 units, missing values (null); alpha = 0.743
    ex = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
          [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
          [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
          [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
    units = [[str(o[u]) for o in ex if o[u] is not None] for u in range(12)]
    out["krippendorff_example"] = {"observers": ex, "alpha": rnd(alpha_pairs(units)), "published": 0.743}
    with open(os.path.join(OUT, "reference.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(json.dumps({k: (v if k != "cases" else {c: (x["fleiss_kappa"], x["krippendorff_alpha"]) for c, x in v.items()}) for k, v in out.items() if k != "fleiss1971"}, indent=None)[:800])
    print("fleiss1971", out["fleiss1971"]["fleiss_kappa"], out["fleiss1971"]["per_category"])


main()
