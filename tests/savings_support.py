"""Writing a few dataset rows into a test store, through the same validation as an import."""

from __future__ import annotations

from data_access.datasets import DATASETS, stored_frame
from data_access.store import Store


def write_rows(store: Store, dataset: str, rows: list[dict]) -> None:
    spec = DATASETS[dataset]
    records = [spec.model.model_validate(row) for row in rows]
    with store.write("test:savings-pages") as tx:
        spec.write(tx, stored_frame(spec.model, records))
