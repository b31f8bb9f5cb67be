"""Seeded generator for a realistic customer-churn table (standard library only).

    python3 generate_data.py --rows 3000 --seed 7 --out data/churn.csv
    python3 generate_data.py --rows 2000 --seed 11 --shift 0.0 --out data/reference.csv

The same seed always gives the same bytes, so the committed files can be checked against it.
"""
import argparse
import csv
import datetime
import math
import random

CONTRACTS = ["month-to-month", "one-year", "two-year"]
PAYMENTS = ["electronic-check", "mailed-check", "bank-transfer", "credit-card"]
INTERNET = ["dsl", "fiber", "none"]
REGIONS = ["north", "south", "east", "west", "central"]


def customer(rng, index, shift):
    contract = rng.choices(CONTRACTS, weights=[0.55 + shift, 0.25, 0.20 - shift])[0]
    internet = rng.choices(INTERNET, weights=[0.35, 0.45 + shift, 0.20 - shift])[0]
    payment = rng.choices(PAYMENTS, weights=[0.35, 0.20, 0.22, 0.23])[0]
    tenure = max(0, min(72, int(rng.expovariate(1 / (24 if contract == "month-to-month" else 40)))))
    base = {"dsl": 45.0, "fiber": 80.0, "none": 22.0}[internet]
    monthly = round(max(18.0, rng.gauss(base * (1 + shift), 12.0)), 2)
    total = round(monthly * tenure + rng.uniform(0, monthly), 2) if tenure > 0 else None
    calls = min(12, int(rng.expovariate(1 / (1.5 + 3 * shift))))
    senior = rng.random() < 0.16
    signup = datetime.date(2024, 12, 31) - datetime.timedelta(days=30 * tenure + rng.randint(0, 29))
    logit = (
        -1.2
        + 1.1 * (contract == "month-to-month")
        - 0.9 * (contract == "two-year")
        + 0.6 * (internet == "fiber")
        + 0.45 * (payment == "electronic-check")
        - 0.035 * tenure
        + 0.012 * (monthly - 60)
        + 0.28 * calls
        + 0.35 * senior
    )
    churned = rng.random() < 1 / (1 + math.exp(-logit))
    return {
        "customer_id": f"C{index:06d}",
        "signup_date": signup.isoformat(),
        "region": rng.choice(REGIONS),
        "contract": contract,
        "internet_service": internet,
        "payment_method": payment,
        "tenure_months": tenure,
        "monthly_charges": f"{monthly:.2f}",
        "total_charges": "" if total is None else f"{total:.2f}",
        "support_calls": calls,
        "senior": "true" if senior else "false",
        "churned": int(churned),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shift", type=float, default=0.0, help="moves the distributions, for drift demos")
    parser.add_argument("--out", default="data/churn.csv")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rows = [customer(rng, i + 1, args.shift) for i in range(args.rows)]
    with open(args.out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
