"""Where the load tool finds the run's Kafka and the broker's pid: the target, or the lock."""

from __future__ import annotations

import json
from pathlib import Path

from lienthong.cli.data_dir import LOCK_FILE_NAME
from lienthong.cli.target import Target
from lienthong.load.lag import bootstrap_of, lock_info

URLS = {"gateway": "http://127.0.0.1:1"}


def test_the_targets_address_comes_first_then_the_lock_of_up(tmp_path: Path) -> None:
    (tmp_path / LOCK_FILE_NAME).write_text(
        json.dumps({"bootstrap_servers": "127.0.0.1:9", "broker_pid": 42}), encoding="utf-8"
    )
    assert bootstrap_of(Target(URLS, bootstrap_servers="127.0.0.1:7", data_dir=tmp_path)) == (
        "127.0.0.1:7"
    )
    assert bootstrap_of(Target(URLS, data_dir=tmp_path)) == "127.0.0.1:9"
    assert lock_info(Target(URLS, data_dir=tmp_path))["broker_pid"] == 42


def test_without_either_there_is_no_address(tmp_path: Path) -> None:
    assert bootstrap_of(Target(URLS)) is None
    assert lock_info(Target(URLS)) == {}
    (tmp_path / LOCK_FILE_NAME).write_text("not json", encoding="utf-8")
    assert bootstrap_of(Target(URLS, data_dir=tmp_path)) is None
