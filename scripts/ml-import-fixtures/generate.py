#!/usr/bin/python3
"""
Writes the model-import fixtures in test/fixtures/ml-import/ that test/ml/import*.test.ts
score through `momentic ml predict` and compare with what the libraries themselves predict.

    apt-get install -y python3-xgboost python3-sklearn
    /usr/bin/python3 scripts/ml-import-fixtures/generate.py

XGBoost (Debian's python3-xgboost, 1.7.x): three boosters are trained on synthetic data and
saved with `save_model('*.json')`; their predictions (`output_margin=True` and the transformed
output) come from the library's own `Booster.predict`, stored as float32 bit patterns in hex.

LightGBM is not packaged in Debian, so its three model files are written by this script in
LightGBM's text format (src/io/tree.cpp `Tree::ToString`,
src/boosting/gbdt_model_text.cpp `SaveModelToString`), and their expected outputs come from the
small evaluator below, written straight from LightGBM's C++ (`Tree::NumericalDecision`,
`kZeroThreshold`, the dense-row filter of c_api.cpp, `BinaryLogloss::ConvertOutput`). It shares
no code with momentic's evaluator. When the lightgbm package is importable (a wheel installed
with pip into PYTHONPATH), the script also asserts that LightGBM's own Booster.predict on these
files gives the same outputs to the bit, and records that in meta.json.

Inputs are not stored: both sides rebuild the same 10,000 rows from `feature_rows` below (an
integer LCG whose values are exact doubles), and meta.json holds their sha256 so the tests can
prove they rebuilt the same bits. Outputs are gzip-compressed hex (mtime 0, so reruns give
identical files).
"""
import gzip
import hashlib
import json
import math
import os
import random
import struct

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "test", "fixtures", "ml-import")

FEATURES = ["ret_1d", "ret_5d", "rsi_14", "atr_14", "zscore_60", "volume_z", "slope_20", "bb_width"]
ROWS = 10_000
INPUT_SEED = 20240601
TINY = [1e-36, -1e-36, 1e-35, 1.00000001e-35, -1.00000001e-35, 2e-35]


def lcg(seed):
    """Numerical Recipes' 32-bit LCG; every product stays below 2**53, so JS reproduces it."""
    state = seed
    while True:
        state = (1664525 * state + 1013904223) % 4294967296
        yield state


def feature_rows(n, seed, nf=len(FEATURES)):
    """
    n x nf doubles: 5% NaN, 3% zero, 0.5% negative zero, 0.5% tiny values around LightGBM's
    kZeroThreshold, 6% on a 1/16 grid (so thresholds are hit exactly), the rest 32-bit fractions
    scaled by 2, 4, 8 or 16 (exact in double, not in float32). Mirrored by test/ml/import-inputs.ts.
    """
    draw = lcg(seed)
    out = np.empty((n, nf), dtype=np.float64)
    for r in range(n):
        for j in range(nf):
            m = next(draw) % 1000
            k = next(draw)
            if m < 50:
                x = math.nan
            elif m < 80:
                x = 0.0
            elif m < 85:
                x = -0.0
            elif m < 90:
                x = TINY[k % len(TINY)]
            elif m < 150:
                x = ((k >> 24) - 128) / 16
            else:
                x = (k / 4294967296 - 0.5) * 2 ** (j % 4 + 1)
            out[r, j] = x
    return out


def f32hex(x):
    return struct.pack(">f", x).hex()


def f64hex(x):
    return struct.pack(">d", x).hex()


def write_gz(name, text):
    with open(os.path.join(OUT, name), "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
            gz.write(text.encode())


def labels(X, rng):
    Z = np.nan_to_num(X, nan=0.0)
    return 1.2 * Z[:, 0] - 0.8 * Z[:, 1] + 0.5 * Z[:, 2] * Z[:, 3] + np.sin(Z[:, 4]) + 0.3 * rng.standard_normal(len(Z))


# ---------------------------------------------------------------- XGBoost (the library itself)


def boundary_rows(model_file, X_eval):
    """
    Two rows per split node, in file order (trees, then node ids), mirrored by
    test/ml/import-fixtures.ts: fixture row k % ROWS with the split's feature set to the split
    condition itself (equal goes right: `fvalue < split_condition` is false), then to a double a
    hair below it that rounds to it in float32 (right again, but only if the input is cast to
    float32 first, as XGBoost does).
    """
    with open(model_file) as f:
        trees = json.load(f)["learner"]["gradient_booster"]["model"]["trees"]
    rows = []
    k = 0
    for tree in trees:
        for node, left in enumerate(tree["left_children"]):
            if left == -1:
                continue
            feature = tree["split_indices"][node]
            t = float(tree["split_conditions"][node])
            for value in (t, t - abs(t) * 2**-30):
                row = X_eval[k % len(X_eval)].copy()
                row[feature] = value
                rows.append(row)
            k += 1
    return np.array(rows)



def xgboost_models(X_eval):
    rng = np.random.default_rng(7)
    X_train = feature_rows(20_000, 99)
    y = labels(X_train, rng)
    X_missing = X_train.copy()
    X_missing[rng.random(X_missing.shape) < 0.2] = np.nan
    y_missing = labels(X_missing, rng)
    specs = [
        # name, params, rounds, train X, label, named features
        (
            "xgb-binary",
            {"objective": "binary:logistic", "max_depth": 6, "eta": 0.1, "tree_method": "hist", "seed": 1},
            60,
            X_train,
            (y > 0).astype(np.float64),
            True,
        ),
        (
            "xgb-regression",
            {"objective": "reg:squarederror", "max_depth": 5, "eta": 0.1, "tree_method": "exact", "seed": 2},
            100,
            X_train,
            y,
            False,
        ),
        (
            "xgb-missing",
            {
                "objective": "reg:logistic",
                "max_depth": 3,
                "eta": 0.05,
                "tree_method": "hist",
                "base_score": 0.3,
                "subsample": 0.8,
                "seed": 3,
            },
            300,
            X_missing,
            1 / (1 + np.exp(-y_missing)),
            True,
        ),
    ]
    models = []
    for name, params, rounds, Xt, yt, named in specs:
        names = FEATURES if named else None
        booster = xgb.train(params, xgb.DMatrix(Xt, label=yt, feature_names=names, missing=np.nan), rounds)
        booster.save_model(os.path.join(OUT, f"{name}.json"))
        # Read back from the file, so the predictions are those of the saved model.
        saved = xgb.Booster(model_file=os.path.join(OUT, f"{name}.json"))
        dm = xgb.DMatrix(X_eval, feature_names=names, missing=np.nan)
        margin = saved.predict(dm, output_margin=True)
        value = saved.predict(dm)
        assert margin.dtype == np.float32 and value.dtype == np.float32
        lines = ["margin_f32 value_f32"] + [f"{f32hex(m)} {f32hex(v)}" for m, v in zip(margin, value)]
        write_gz(f"{name}.expected.txt.gz", "\n".join(lines) + "\n")
        X_edge = boundary_rows(os.path.join(OUT, f"{name}.json"), X_eval)
        dm = xgb.DMatrix(X_edge, feature_names=names, missing=np.nan)
        margin = saved.predict(dm, output_margin=True)
        value = saved.predict(dm)
        lines = ["margin_f32 value_f32"] + [f"{f32hex(m)} {f32hex(v)}" for m, v in zip(margin, value)]
        write_gz(f"{name}.boundary.txt.gz", "\n".join(lines) + "\n")
        models.append(
            {
                "name": name,
                "file": f"{name}.json",
                "format": "xgboost-json",
                "objective": params["objective"],
                "trees": rounds,
                "expected": f"{name}.expected.txt.gz",
                "boundary": f"{name}.boundary.txt.gz",
                "boundary_rows": len(X_edge),
                "precision": "float32",
                "source": f"xgboost {xgb.__version__} Booster.predict",
            }
        )
    return models


# ------------------------------------------- LightGBM (hand-written files, independent evaluator)

K_ZERO_THRESHOLD = struct.unpack("f", struct.pack("f", 1e-35))[0]  # `const double kZeroThreshold = 1e-35f;`
GRID = [g / 16 for g in range(-64, 64)]


def g17(x):
    """LightGBM writes doubles with 17 significant digits (ArrayToString<true>)."""
    return "%.17g" % x


class HandTree:
    """A tree grown as LightGBM's `Tree::Split` grows one: node k splits a leaf into ~leaf and ~k+1."""

    def __init__(self, rnd, num_leaves, nf, missing_types, thresholds, shrinkage, leaf_scale):
        self.num_leaves = 1
        self.shrinkage = shrinkage
        self.split_feature, self.threshold, self.decision_type = [], [], []
        self.left, self.right = [], []
        self.leaf_parent = [-1]
        self.leaf_value = [0.0]
        self.leaf_count = [1000]
        self.internal_count = []
        for _ in range(num_leaves - 1):
            leaf = rnd.randrange(self.num_leaves)
            node = self.num_leaves - 1
            parent = self.leaf_parent[leaf]
            if parent >= 0:
                if self.left[parent] == ~leaf:
                    self.left[parent] = node
                else:
                    self.right[parent] = node
            self.split_feature.append(rnd.randrange(nf))
            self.threshold.append(rnd.choice(thresholds)())
            missing = rnd.choice(missing_types)
            default_left = rnd.random() < 0.5
            self.decision_type.append((missing << 2) | (2 if default_left else 0))
            self.left.append(~leaf)
            self.right.append(~self.num_leaves)
            count = self.leaf_count[leaf]
            left_count = max(1, count // 2 + rnd.randrange(-count // 4 - 1, count // 4 + 1))
            self.internal_count.append(count)
            self.leaf_count[leaf] = left_count
            self.leaf_count.append(max(1, count - left_count))
            self.leaf_parent[leaf] = node
            self.leaf_parent.append(node)
            self.leaf_value.append(0.0)
            self.num_leaves += 1
        self.leaf_value = [round(rnd.gauss(0, leaf_scale), rnd.randrange(3, 18)) for _ in range(self.num_leaves)]

    def to_string(self):
        n = self.num_leaves
        ints = lambda xs: " ".join(str(x) for x in xs)
        doubles = lambda xs: " ".join(g17(x) for x in xs)
        lines = [
            f"num_leaves={n}",
            "num_cat=0",
            f"split_feature={ints(self.split_feature)}",
            f"split_gain={' '.join('%g' % (10.0 / (i + 1)) for i in range(n - 1))}",
            f"threshold={doubles(self.threshold)}",
            f"decision_type={ints(self.decision_type)}",
            f"left_child={ints(self.left)}",
            f"right_child={ints(self.right)}",
            f"leaf_value={doubles(self.leaf_value)}",
            f"leaf_weight={doubles([c * 0.25 for c in self.leaf_count])}",
            f"leaf_count={ints(self.leaf_count)}",
            f"internal_value={' '.join('0' for _ in range(n - 1))}",
            f"internal_weight={' '.join('%g' % (c * 0.25) for c in self.internal_count)}",
            f"internal_count={ints(self.internal_count)}",
            "is_linear=0",
            f"shrinkage={'%g' % self.shrinkage}",
        ]
        return "\n".join(lines) + "\n\n"

    # ---- the independent evaluator: LightGBM's Tree::GetLeaf / NumericalDecision, line by line
    def predict(self, row):
        if self.num_leaves <= 1:
            return self.leaf_value[0]
        node = 0
        while node >= 0:
            fval = row[self.split_feature[node]]
            dt = self.decision_type[node]
            missing_type = (dt >> 2) & 3
            if math.isnan(fval) and missing_type != 2:
                fval = 0.0
            is_zero = -K_ZERO_THRESHOLD <= fval <= K_ZERO_THRESHOLD
            if (missing_type == 1 and is_zero) or (missing_type == 2 and math.isnan(fval)):
                node = self.left[node] if (dt & 2) else self.right[node]
            elif fval <= self.threshold[node]:
                node = self.left[node]
            else:
                node = self.right[node]
        return self.leaf_value[~node]


def dense_row_filter(row):
    """c_api.cpp RowPairFunctionFromDenseMatric keeps |x| > kZeroThreshold or NaN; the rest read as 0."""
    return [x if (abs(x) > K_ZERO_THRESHOLD or math.isnan(x)) else 0.0 for x in row]


def lightgbm_text(trees, objective, names, feature_infos, params):
    blocks = [f"Tree={i}\n" + t.to_string() + "\n" for i, t in enumerate(trees)]
    header = [
        "tree",
        "version=v4",
        "num_class=1",
        "num_tree_per_iteration=1",
        "label_index=0",
        f"max_feature_idx={len(names) - 1}",
        f"objective={objective}",
        f"feature_names={' '.join(names)}",
        f"feature_infos={' '.join(feature_infos)}",
        f"tree_sizes={' '.join(str(len(b.encode())) for b in blocks)}",
        "",
        "",
    ]
    used = {}
    for t in trees:
        for f in t.split_feature:
            used[names[f]] = used.get(names[f], 0) + 1
    importances = sorted(used.items(), key=lambda kv: -kv[1])
    tail = ["end of trees", "", "feature_importances:"] + [f"{k}={v}" for k, v in importances]
    tail += ["", "parameters:"] + [f"[{k}: {v}]" for k, v in params] + ["end of parameters", "", "pandas_categorical:null", ""]
    return "\n".join(header) + "".join(blocks) + "\n".join(tail)


def check_with_lightgbm(model_file, X_eval, lines):
    """
    When the lightgbm package can be imported (a wheel installed with pip; it is not in Debian),
    the evaluator's outputs must equal LightGBM's own predict to the bit. Returns what was checked.
    """
    try:
        import lightgbm
    except ImportError:
        return "not checked: the lightgbm package is not installed"
    booster = lightgbm.Booster(model_file=model_file)
    raw = booster.predict(X_eval, raw_score=True)
    value = booster.predict(X_eval)
    got = [f"{f64hex(m)} {f64hex(v)}" for m, v in zip(raw, value)]
    assert got == lines, f"{model_file}: LightGBM {lightgbm.__version__} disagrees with the evaluator"
    return f"equal to the bit to lightgbm {lightgbm.__version__} Booster.predict (raw_score and transformed)"


def lightgbm_models(X_eval):
    rnd = random.Random(11)
    nf = len(FEATURES)
    auto_names = [f"Column_{j}" for j in range(nf)]
    infos = ["[-8:7.9375]"] * nf
    grid = lambda: rnd.choice(GRID)
    wide = lambda: rnd.uniform(-6, 6)
    zero = lambda: rnd.choice([K_ZERO_THRESHOLD, -K_ZERO_THRESHOLD, 0.0])
    none_only = [0]
    nan_or_none = [0, 2]
    every = [0, 1, 2]
    specs = [
        # name, objective, names, trees, leaves, missing types, thresholds, params
        ("lgb-binary", "binary sigmoid:1", FEATURES, 20, 15, none_only, [grid, wide], "binary"),
        ("lgb-regression", "regression", auto_names, 30, 7, nan_or_none, [grid, wide, wide], "regression"),
        ("lgb-missing", "binary sigmoid:0.7", FEATURES, 200, 31, every, [grid, wide, zero], "binary"),
    ]
    models = []
    for name, objective, names, count, leaves, missing, thresholds, obj_param in specs:
        trees = []
        for i in range(count):
            n = 1 if (name == "lgb-regression" and i == 17) else rnd.randrange(2, leaves + 1)
            trees.append(HandTree(rnd, n, nf, missing, thresholds, 1.0 if i == 0 else 0.1, 0.3 if i == 0 else 0.05))
        params = [("boosting", "gbdt"), ("objective", obj_param), ("num_leaves", leaves), ("learning_rate", 0.1)]
        text = lightgbm_text(trees, objective, names, infos, params)
        with open(os.path.join(OUT, f"{name}.txt"), "w", newline="\n") as f:
            f.write(text)
        sigmoid = float(objective.split("sigmoid:")[1]) if objective.startswith("binary") else None
        lines = ["margin_f64 value_f64"]
        for row in X_eval:
            features = dense_row_filter(list(row))
            margin = 0.0
            for t in trees:  # GBDT::PredictRaw: output starts at 0 and adds each tree in order
                margin += t.predict(features)
            value = 1.0 / (1.0 + math.exp(-sigmoid * margin)) if sigmoid is not None else margin
            lines.append(f"{f64hex(margin)} {f64hex(value)}")
        write_gz(f"{name}.expected.txt.gz", "\n".join(lines) + "\n")
        checked = check_with_lightgbm(os.path.join(OUT, f"{name}.txt"), X_eval, lines[1:])
        models.append(
            {
                "name": name,
                "file": f"{name}.txt",
                "format": "lightgbm-text",
                "objective": objective,
                "trees": count,
                "expected": f"{name}.expected.txt.gz",
                "precision": "float64",
                "source": "hand-written LightGBM text file; outputs from the independent evaluator in generate.py",
                "lightgbm_check": checked,
            }
        )
    return models


def main():
    os.makedirs(OUT, exist_ok=True)
    X_eval = feature_rows(ROWS, INPUT_SEED)
    digest = hashlib.sha256(np.ascontiguousarray(X_eval, dtype="<f8").tobytes()).hexdigest()
    models = xgboost_models(X_eval) + lightgbm_models(X_eval)
    meta = {
        "inputs": {"rows": ROWS, "seed": INPUT_SEED, "features": FEATURES, "sha256_f64_le_row_major": digest},
        "models": models,
    }
    with open(os.path.join(OUT, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print(f"wrote {len(models)} models to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
