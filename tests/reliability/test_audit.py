"""The audit itself must catch what it is there to catch: each broken guarantee,
planted in an otherwise clean ledger, is reported. (Pure Python, milliseconds.)"""

from __future__ import annotations

import copy

import pytest

from ledger_model import ItemOutcome, audit

PHONES = {"79160000101": 101, "79160000102": 102}


def entry(id_, ext, user, kind, amount, original=None, original_ext=None, phone=None):
    return {"id": id_, "external_id": ext, "user_id": user, "phone": phone, "kind": kind, "amount": amount,
            "original_id": original, "original_external_id": original_ext}


def told(ext, status, index=0, **detail):
    kind, amount, user = {"a1": ("accrual", "100.00", 101), "d1": ("debit", "60.00", 101),
                          "r1": ("release", "10.00", 101), "a2": ("accrual", "5.00", 102),
                          "d2": ("debit", "500.00", 101)}[ext]
    payload = {"external_id": ext, "type": kind, "amount": amount, "user_id": user}
    if ext == "r1":
        payload["original_external_id"] = "d1"
    return ItemOutcome("w", index, 0, payload, status, {"external_id": ext, "status": status, **detail})


def clean():
    entries = [entry(1, "a1", 101, 1, 10000), entry(2, "d1", 101, 2, 6000),
               entry(3, "r1", 101, 3, 1000, 2, "d1"), entry(4, "a2", 102, 1, 500)]
    outcomes = [told("a1", "success", 1, transaction_id=1, user_id=101, balance=100.0),
                told("d1", "success", 2, transaction_id=2, user_id=101, balance=40.0),
                told("r1", "success", 3, transaction_id=3, user_id=101, balance=50.0),
                told("a2", "success", 4, transaction_id=4, user_id=102, balance=5.0),
                told("a1", "duplicate", 5, transaction_id=1, user_id=101),
                told("d2", "error", 6, error="insufficient_balance", balance=40.0)]
    accounts = {101: 5000, 102: 500}
    return outcomes, entries, accounts


def run(outcomes, entries, accounts, verify=None, integrity="ok"):
    return audit(outcomes, entries, accounts, PHONES, verify or {"ok": True, "problems": []}, integrity)


def test_a_clean_ledger_passes():
    result = run(*clean())
    assert result.problems == []
    assert result.figures["lost"] == result.figures["doubled"] == result.figures["overdrawn"] == 0


def plant(change):
    outcomes, entries, accounts = copy.deepcopy(clean())
    change(outcomes, entries, accounts)
    return run(outcomes, entries, accounts)


@pytest.mark.parametrize("name, change, expected", [
    ("lost", lambda o, e, a: e.pop(3) and a.pop(102), "LOST"),
    ("doubled", lambda o, e, a: o.append(told("a2", "success", 9, transaction_id=4, user_id=102, balance=5.0)),
     "APPLIED TWICE"),
    ("extra", lambda o, e, a: o.pop(3), "EXTRA"),
    ("overdraft", lambda o, e, a: e.__setitem__(1, entry(2, "d1", 101, 2, 16000)), "OVERDRAFT"),
    ("cached balance", lambda o, e, a: a.__setitem__(101, 5100), "cached balance"),
    ("told balance", lambda o, e, a: o[1].detail.__setitem__("balance", 45.0), "told balance"),
    ("transaction id", lambda o, e, a: o[4].detail.__setitem__("transaction_id", 2), "reported transaction_id"),
    ("refusal on money it had", lambda o, e, a: o[5].detail.__setitem__("balance", 600.0), "refused a debit"),
    ("refusal on money it never had", lambda o, e, a: o[5].detail.__setitem__("balance", 41.0), "never had"),
    ("release beyond its debit", lambda o, e, a: e.__setitem__(2, entry(3, "r1", 101, 3, 7000, 2, "d1")),
     "corrected of"),
])
def test_a_planted_fault_is_reported(name, change, expected):
    result = plant(change)
    assert any(expected in problem for problem in result.problems), (name, result.problems)


def test_a_dirty_verify_or_file_is_reported():
    outcomes, entries, accounts = clean()
    assert any("verify()" in p for p in run(outcomes, entries, accounts, {"ok": False, "problems": [1]}).problems)
    assert any("integrity_check" in p for p in run(outcomes, entries, accounts, integrity="bad page").problems)


def lost_answer(outcomes, index):
    o = outcomes[index]
    outcomes[index] = ItemOutcome(o.worker, o.seq, o.index, o.payload, "unknown", {"error": "database_outcome_unknown"})


def test_an_operation_whose_answer_was_lost_joins_the_model():
    """a1's answer was lost (e.g. 503 database_outcome_unknown), yet it landed: d1 spent it, which the
    model must accept, and the balances must still be checked against the model."""
    outcomes, entries, accounts = clean()
    lost_answer(outcomes, 0)
    outcomes.pop(4)  # a1's later duplicate answer: no client was told anything about a1
    result = run(outcomes, entries, accounts)
    assert result.problems == [], result.problems
    assert result.figures["landed_unanswered"] == 1
    accounts[101] = 4000
    assert any("cached balance" in p for p in run(outcomes, entries, accounts).problems)


def test_an_entry_whose_lost_answers_had_other_values_is_reported():
    outcomes, entries, accounts = clean()
    lost_answer(outcomes, 0)
    outcomes.pop(4)
    entries[0] = entry(1, "a1", 101, 1, 12000)
    accounts[101] = 7000
    result = run(outcomes, entries, accounts)
    assert any("no client sent these values" in p for p in result.problems), result.problems
