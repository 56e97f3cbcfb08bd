"""The sample shop's web server access logs: one file per day, combined log format.

Client addresses come from the documentation ranges (RFC 5737 and RFC 3849), so no real
address appears; about one line in five is a signed-in customer's page whose path carries the
customer id (``/api/customers/42/orders``), which a data-subject request must find.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

LOG_PREFIX = "access-"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
]
PAGES = ["/", "/produits", "/produits/carnet-de-notes-a5", "/produits/stylo-plume-acier", "/panier", "/connexion",
         "/newsletter/inscription", "/mentions-legales", "/politique-de-confidentialite", "/static/app.css"]
CUSTOMER_PAGES = ["/api/customers/{id}/orders", "/api/customers/{id}/profile", "/compte/commandes?customer_id={id}"]
TIMESTAMP_PATTERN = r"\[(?P<timestamp>[^\]]+)\]"
TIMESTAMP_FORMAT = "%d/%b/%Y:%H:%M:%S %z"


def write_access_logs(directory: Path, customer_ids: list[int], seed: int, now: datetime,
                      days: int = 30) -> tuple[int, int]:
    """Write one file per day for the ``days`` days before ``now``; returns (files, lines).
    Earlier files of this generator in ``directory`` are replaced, nothing else is touched."""
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob(f"{LOG_PREFIX}*.log"):
        old.unlink()
    rng = random.Random(seed * 7919 + 17)
    total = 0
    for back in range(days, 0, -1):
        day = (now - timedelta(days=back)).replace(hour=0, minute=0, second=0)
        moments = sorted(day + timedelta(seconds=rng.randrange(86_400)) for _ in range(rng.randint(60, 140)))
        lines = [_line(rng, moment, customer_ids) for moment in moments]
        (directory / f"{LOG_PREFIX}{day:%Y-%m-%d}.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
        total += len(lines)
    return days, total


def _line(rng: random.Random, moment: datetime, customer_ids: list[int]) -> str:
    if customer_ids and rng.random() < 0.2:
        page = rng.choice(CUSTOMER_PAGES).format(id=rng.choice(customer_ids))
    else:
        page = rng.choice(PAGES)
    method = "POST" if page in ("/connexion", "/newsletter/inscription") and rng.random() < 0.5 else "GET"
    status = rng.choice([200] * 12 + [304, 302, 404])
    size = rng.randint(200, 48_000) if status == 200 else 0
    referer = rng.choice(["-", "https://shop.example.com/", "https://www.example.com/recherche?q=papeterie"])
    stamp = f"{moment.day:02d}/{MONTHS[moment.month - 1]}/{moment.year}:{moment:%H:%M:%S} +0000"
    return (f'{_address(rng)} - - [{stamp}] "{method} {page} HTTP/1.1" {status} {size} "{referer}" '
            f'"{rng.choice(AGENTS)}"')


def _address(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return f"2001:db8:{rng.randrange(0x10000):x}::{rng.randrange(1, 0x10000):x}"
    prefix = rng.choice(["192.0.2", "198.51.100", "203.0.113"])
    return f"{prefix}.{rng.randint(1, 254)}"
