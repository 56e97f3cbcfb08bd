"""The company's databases a request runs on: dataset files loaded and their databases opened."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from egide.domain.errors import InvalidInputError, Problem


def open_databases(dataset_files: list[Path], register, database_url: str | None,  # type: ignore[no-untyped-def]
                   log_root: Path | None) -> list:
    """Load dataset files and open their databases: the URL from --database-url or the dataset's
    variable; log directories under --log-root (default: beside a SQLite database, else beside the file)."""
    from egide.adapters.connectors.sql import open_database
    from egide.datasets.loader import load_dataset
    from egide.services.request_runner import CompanyDatabase

    databases = []
    for file in dataset_files:
        dataset = load_dataset(file, register=register).dataset
        url = database_url or (os.environ.get(dataset.database_url_env) if dataset.database_url_env else None)
        if not url:
            raise InvalidInputError(f"{file}: no database URL: set {dataset.database_url_env or 'a variable'} "
                                    "or give --database-url", problems=[Problem("missing URL", path="database_url")])
        root = log_root
        if root is None:
            parsed = make_url(url)
            root = (Path(parsed.database).resolve().parent if parsed.get_backend_name() == "sqlite" and parsed.database
                    else Path(file).resolve().parent)
        databases.append(CompanyDatabase(dataset, open_database(url), root))
    return databases


def close_databases(databases: list) -> None:  # type: ignore[type-arg]
    for db in databases:
        db.engine.dispose()
