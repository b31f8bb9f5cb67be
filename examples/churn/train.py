"""Trains a logistic-regression churn model by gradient descent (standard library only).

Reads data/churn.csv and params.json; writes model.json, metrics.json and predictions.csv
(customer_id, label, score for the held-out rows). Deterministic for a given seed.
"""
import csv
import json
import math
import os
import random

CATEGORICAL = ["region", "contract", "internet_service", "payment_method"]
NUMERIC = ["tenure_months", "monthly_charges", "total_charges", "support_calls"]
BOOLEAN = ["senior"]
LABEL = "churned"


def load_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def is_test_row(customer_id, test_fraction):
    # A stable split: the same customer is always on the same side.
    return (int(customer_id[1:]) * 2654435761 % 2**32) / 2**32 < test_fraction


def build_encoder(rows):
    levels = {name: sorted({row[name] for row in rows}) for name in CATEGORICAL}
    stats = {}
    for name in NUMERIC:
        values = [float(row[name]) for row in rows if row[name] != ""]
        mean = sum(values) / len(values)
        std = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) or 1.0
        stats[name] = (mean, std)
    return {"levels": levels, "stats": stats}


def encode(row, encoder):
    features = []
    for name in NUMERIC:
        mean, std = encoder["stats"][name]
        value = float(row[name]) if row[name] != "" else mean
        features.append((value - mean) / std)
    features += [1.0 if row[name] == "true" else 0.0 for name in BOOLEAN]
    for name in CATEGORICAL:
        features += [1.0 if row[name] == level else 0.0 for level in encoder["levels"][name][1:]]
    return features


def sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def train(xs, ys, params):
    rng = random.Random(params["seed"])
    weights = [rng.gauss(0, 0.01) for _ in xs[0]]
    bias = 0.0
    rate, l2, n = params["learning_rate"], params["l2"], len(xs)
    for _ in range(params["epochs"]):
        grad_w = [0.0] * len(weights)
        grad_b = 0.0
        for x, y in zip(xs, ys):
            error = sigmoid(bias + sum(w * v for w, v in zip(weights, x))) - y
            grad_b += error
            for j, v in enumerate(x):
                grad_w[j] += error * v
        weights = [w - rate * (g / n + l2 * w) for w, g in zip(weights, grad_w)]
        bias -= rate * grad_b / n
    return weights, bias


def roc_auc(labels, scores):
    ranked = sorted(zip(scores, labels))
    positives = sum(labels)
    negatives = len(labels) - positives
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        average_rank = (i + j + 1) / 2
        rank_sum += average_rank * sum(label for _, label in ranked[i:j])
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def main():
    with open("params.json", encoding="utf-8") as handle:
        params = json.load(handle)
    params.update(json.loads(os.environ.get("MODELCI_PARAMS", "{}")))
    rows = load_rows(params.get("data", "data/churn.csv"))
    train_rows = [row for row in rows if not is_test_row(row["customer_id"], params["test_fraction"])]
    test_rows = [row for row in rows if is_test_row(row["customer_id"], params["test_fraction"])]
    encoder = build_encoder(train_rows)
    weights, bias = train([encode(r, encoder) for r in train_rows], [int(r[LABEL]) for r in train_rows], params)

    labels = [int(r[LABEL]) for r in test_rows]
    scores = [sigmoid(bias + sum(w * v for w, v in zip(weights, encode(r, encoder)))) for r in test_rows]
    eps = 1e-15
    metrics = {
        "accuracy": sum((s >= 0.5) == bool(y) for s, y in zip(scores, labels)) / len(labels),
        "log_loss": -sum(y * math.log(max(s, eps)) + (1 - y) * math.log(max(1 - s, eps)) for s, y in zip(scores, labels)) / len(labels),
        "roc_auc": roc_auc(labels, scores),
        "train": {"rows": len(train_rows)},
        "test": {"rows": len(test_rows), "positive_rate": sum(labels) / len(labels)},
    }
    with open("model.json", "w", encoding="utf-8") as handle:
        json.dump({"kind": "logistic-regression", "weights": weights, "bias": bias, "encoder": encoder}, handle, indent=1)
    with open("metrics.json", "w", encoding="utf-8") as handle:
        json.dump(metrics, handle, indent=2)
    with open("predictions.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["customer_id", "contract", "label", "score"])
        for row, label, score in zip(test_rows, labels, scores):
            writer.writerow([row["customer_id"], row["contract"], label, f"{score:.6f}"])
    print(f"trained on {len(train_rows)} rows; test roc_auc={metrics['roc_auc']:.4f} accuracy={metrics['accuracy']:.4f}")


if __name__ == "__main__":
    main()
