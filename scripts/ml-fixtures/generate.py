#!/usr/bin/env python3
"""
Writes the XGBoost reference fixtures in test/fixtures/ml/gbdt/ for the GBDT parity test
(test/ml/gbdt-parity.test.ts). Not part of the default install: CI reads the committed files.

    apt-get install -y python3-xgboost python3-sklearn      (Debian's packages)
    /usr/bin/python3 scripts/ml-fixtures/generate.py

Two datasets, each stored as gzip CSV (train and test, label last) beside a JSON file with the
provenance (library versions, parameters, seeds) and XGBoost's test logloss and AUC:

  synthetic  sklearn make_classification, 20,000 x 20, 5% of the cells of 6 features set
             missing; values rounded to 4 significant digits before training, so both learners
             read the same numbers; the first 15,000 rows train, the last 5,000 test.
  market     ORCL and NVDA daily bars from ../shared/data/ (beside the checkout): past-only
             features from the adjusted close and the volume, label 1 when the adjusted close
             5 sessions ahead is higher; rows dated before 2010-01-01 train, later rows test.

XGBoost runs tree_method=hist with grow_policy=lossguide (leaf-wise, as LightGBM grows), the
learner's parameters mapped one to one (docs/ml/gbdt.md, "How parity was checked").
"""
import csv
import gzip
import io
import json
import math
import os
import platform
import sys

import numpy as np
import sklearn
import xgboost as xgb
from sklearn.datasets import make_classification
from sklearn.metrics import log_loss, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, '..', '..'))
DATA = os.path.normpath(os.path.join(REPO, '..', 'shared', 'data'))
OUT = os.path.join(REPO, 'test', 'fixtures', 'ml', 'gbdt')


def fmt(v):
    return '' if math.isnan(v) else repr(float(v))


def write_csv_gz(path, names, x, y):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator='\n')
    w.writerow(list(names) + ['label'])
    for row, label in zip(x, y):
        w.writerow([fmt(v) for v in row] + [str(int(label))])
    # mtime=0: the same data always gives the same bytes.
    with open(path, 'wb') as f:
        f.write(gzip.compress(buf.getvalue().encode(), compresslevel=9, mtime=0))


def round_sig(x, digits):
    """Rounds to `digits` significant digits (NaN stays NaN)."""
    with np.errstate(divide='ignore', invalid='ignore'):
        mag = np.where(np.isfinite(x) & (x != 0), np.floor(np.log10(np.abs(x))), 0)
    factor = 10.0 ** (digits - 1 - mag)
    return np.round(x * factor) / factor


def train_xgb(params, rounds, xtr, ytr, xte, yte):
    """XGBoost with the learner's parameters mapped; returns its test predictions and metrics."""
    booster_params = {
        'objective': 'binary:logistic',
        'tree_method': 'hist',
        'grow_policy': 'lossguide',
        'max_bin': params['max_bin'],
        'max_leaves': params['num_leaves'],
        'max_depth': 0 if params['max_depth'] <= 0 else params['max_depth'],
        'eta': params['learning_rate'],
        'lambda': params['lambda_l2'],
        'alpha': params['lambda_l1'],
        'min_child_weight': params['min_sum_hessian_in_leaf'],
        'gamma': params['min_gain_to_split'],
        'subsample': 1.0,
        'colsample_bytree': 1.0,
        # The learner starts from the log-odds of the training mean (boost_from_average).
        'base_score': float(np.mean(ytr)),
        'nthread': 1,
        'seed': 0,
        'eval_metric': 'logloss',
    }
    dtr = xgb.DMatrix(xtr, label=ytr, missing=np.nan)
    dte = xgb.DMatrix(xte, label=yte, missing=np.nan)
    booster = xgb.train(booster_params, dtr, num_boost_round=rounds)
    p = booster.predict(dte)
    return booster_params, {
        'test_logloss': float(log_loss(yte, p)),
        'test_auc': float(roc_auc_score(yte, p)),
        'train_logloss': float(log_loss(ytr, booster.predict(dtr))),
    }


def synthetic():
    x, y = make_classification(
        n_samples=20000, n_features=20, n_informative=10, n_redundant=4, n_repeated=0,
        n_clusters_per_class=3, flip_y=0.05, class_sep=0.8, random_state=7,
    )
    rng = np.random.default_rng(11)
    for f in [0, 3, 5, 8, 12, 17]:
        x[rng.random(len(x)) < 0.05, f] = np.nan
    x = round_sig(x, 4)
    names = [f'x{i}' for i in range(x.shape[1])]
    split = 15000
    return {
        'names': names,
        'train': (x[:split], y[:split]),
        'test': (x[split:], y[split:]),
        'source': {
            'generator': 'sklearn.datasets.make_classification',
            'arguments': {
                'n_samples': 20000, 'n_features': 20, 'n_informative': 10, 'n_redundant': 4,
                'n_repeated': 0, 'n_clusters_per_class': 3, 'flip_y': 0.05, 'class_sep': 0.8,
                'random_state': 7,
            },
            'missing': 'numpy default_rng(11): each cell of features 0,3,5,8,12,17 missing with probability 0.05',
            'rounding': '4 significant digits',
            'split': 'rows 0..14999 train, 15000..19999 test',
        },
    }


def read_daily(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return [r['Date'] for r in rows], np.array([float(r['Adj Close']) for r in rows]), np.array(
        [float(r['Volume']) for r in rows]
    )


MARKET_FEATURES = [
    'ret_1', 'ret_5', 'ret_10', 'ret_20', 'ret_60', 'vol_10', 'vol_20', 'vol_60', 'rsi_14',
    'dist_sma_50', 'volume_ratio_20', 'is_nvda',
]


def market_rows(dates, close, volume, is_nvda):
    """Features at each session t use sessions <= t only; the label looks 5 sessions ahead."""
    lr = np.diff(np.log(close), prepend=np.nan)
    out = []
    for t in range(60, len(close) - 5):
        def ret(h):
            return math.log(close[t] / close[t - h])

        def vol(w):
            return float(np.std(lr[t - w + 1:t + 1], ddof=1))

        d = np.diff(close[t - 14:t + 1])
        gain, loss = d[d > 0].sum() / 14, -d[d < 0].sum() / 14
        rsi = 100.0 if loss == 0 else 100 - 100 / (1 + gain / loss)
        sma50 = close[t - 49:t + 1].mean()
        vr = volume[t] / max(volume[t - 19:t + 1].mean(), 1.0)
        feats = [ret(1), ret(5), ret(10), ret(20), ret(60), vol(10), vol(20), vol(60), rsi,
                 close[t] / sma50 - 1, vr, float(is_nvda)]
        label = 1 if close[t + 5] > close[t] else 0
        out.append((dates[t], [float(v) for v in round_sig(np.array(feats), 6)], label))
    return out


def market():
    rows = []
    files = []
    for name, is_nvda in [('orcl-1995-2014.txt', 0), ('nvda-1999-2014.txt', 1)]:
        path = os.path.join(DATA, name)
        if not os.path.exists(path):
            continue
        files.append(name)
        rows += market_rows(*read_daily(path), is_nvda)
    # Time order (date, then symbol), so the split is by date.
    rows.sort(key=lambda r: (r[0], r[1][-1]))
    train = [r for r in rows if r[0] < '2010-01-01']
    test = [r for r in rows if r[0] >= '2010-01-01']
    as_xy = lambda rs: (np.array([r[1] for r in rs]), np.array([r[2] for r in rs]))
    return {
        'names': MARKET_FEATURES,
        'train': as_xy(train),
        'test': as_xy(test),
        'source': {
            'files': files,
            'from': '../shared/data/ (backtrader sample data, Yahoo Finance daily bars)',
            'features': 'log returns of the adjusted close over 1,5,10,20,60 sessions; sample std of daily log '
            'returns over 10,20,60; RSI 14 (simple means of gains and losses); adjusted close / SMA 50 - 1; '
            'volume / mean volume of 20 sessions; is_nvda; 6 significant digits; the first 60 sessions dropped',
            'label': '1 when the adjusted close 5 sessions ahead is higher than today\'s',
            'split': 'dates before 2010-01-01 train, later dates test (the last 5 sessions have no label)',
        },
    }


CASES = {
    'synthetic': (synthetic, {
        'objective': 'binary', 'num_iterations': 200, 'learning_rate': 0.1, 'num_leaves': 31, 'max_depth': -1,
        'min_data_in_leaf': 1, 'min_sum_hessian_in_leaf': 1.0, 'lambda_l1': 0.0, 'lambda_l2': 1.0,
        'min_gain_to_split': 0.0, 'max_bin': 255, 'seed': 0,
    }),
    'market': (market, {
        'objective': 'binary', 'num_iterations': 100, 'learning_rate': 0.05, 'num_leaves': 15, 'max_depth': -1,
        'min_data_in_leaf': 1, 'min_sum_hessian_in_leaf': 5.0, 'lambda_l1': 0.5, 'lambda_l2': 5.0,
        'min_gain_to_split': 0.0, 'max_bin': 255, 'seed': 0,
    }),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (build, params) in CASES.items():
        d = build()
        (xtr, ytr), (xte, yte) = d['train'], d['test']
        write_csv_gz(os.path.join(OUT, f'{name}-train.csv.gz'), d['names'], xtr, ytr)
        write_csv_gz(os.path.join(OUT, f'{name}-test.csv.gz'), d['names'], xte, yte)
        booster_params, metrics = train_xgb(params, params['num_iterations'], xtr, ytr, xte, yte)
        meta = {
            'dataset': name,
            'source': d['source'],
            'rows': {'train': int(len(ytr)), 'test': int(len(yte))},
            'positive_rate': {'train': float(np.mean(ytr)), 'test': float(np.mean(yte))},
            'features': list(d['names']),
            'learner_params': params,
            'xgboost': {'params': booster_params, 'num_boost_round': params['num_iterations'], **metrics},
            'provenance': {
                'script': 'scripts/ml-fixtures/generate.py',
                'python': platform.python_version(),
                'xgboost': xgb.__version__,
                'sklearn': sklearn.__version__,
                'numpy': np.__version__,
                'platform': platform.platform(),
            },
        }
        with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
            json.dump(meta, f, indent=2)
            f.write('\n')
        print(f"{name}: train {len(ytr)} test {len(yte)}  xgboost test logloss {metrics['test_logloss']:.6f} "
              f"auc {metrics['test_auc']:.6f}", file=sys.stderr)


if __name__ == '__main__':
    main()
