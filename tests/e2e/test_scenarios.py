"""End-to-end scenarios: simulated 1C registers and the online shop against the
running host, at the same time, with offline periods, lost responses and bad
keys. Each scenario checks that every balance equals the sum of what the
simulators saw accepted; the last test runs the ledger's own verify()."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from hosting import MAX_BATCH
from register_sim import Channel, Customer, RegisterSim, WebShop, expected_balances, fetch_history, money

SCENARIO_DEADLINE = 45  # seconds for the concurrent part; the loops below are bounded well under it


class Book:
    """Every channel and customer of this module, for the final reconciliation."""

    def __init__(self):
        self.channels: list[Channel] = []
        self.customers: list[Customer] = []

    def add(self, *channels: Channel) -> None:
        self.channels.extend(channels)


@pytest.fixture(scope="module")
def book() -> Book:
    return Book()


@pytest.fixture
def shop_and_registers(site, api, book):
    """Register A (store-1), register B (store-2) and the shop, each with its own key."""
    tag = f"{int(time.time() * 1000) % 10**8}"

    def make(offline_batch_form: str = "array"):
        reg_a = RegisterSim("A", api.with_key(site.keys["register-store-1"][1]), store_id="store-1",
                            doc_prefix=f"ЧКА1-{tag}", max_batch=MAX_BATCH, batch_form="object",
                            amount_style="number", phone_style=0)
        reg_b = RegisterSim("B", api.with_key(site.keys["register-store-2"][1]), store_id="store-2",
                            doc_prefix=f"KB02-{tag}", max_batch=MAX_BATCH, batch_form=offline_batch_form,
                            amount_style="string", phone_style=1)
        web = WebShop("web", api.with_key(site.keys["bitrix-web"][1]), order_prefix=tag)
        for channel in (reg_a, reg_b, web):
            channel.on_retry = wait_for_lost_request(site)
        book.add(reg_a, reg_b, web)
        return reg_a, reg_b, web
    return make


def wait_for_lost_request(site):
    """An on_retry hook: before 1C resends, let the server finish the lost attempt (bounded wait on the
    sync log, which is written in the same commit). Without it a resend can overtake the lost attempt,
    and a refusal seen by the resend may be followed by the lost attempt succeeding."""
    def hook(channel, attempt, error, external_ids):
        if external_ids:
            site.ledger.wait_processed(external_ids)
    return hook


def assert_books_match(api, channels: list[Channel], customers: list[Customer]) -> None:
    """Every balance equals the sum of what the channels saw accepted, and the history holds exactly
    the accepted operations, each once."""
    expected = expected_balances(channels, customers)
    accepted: dict[int, list] = {c.user_id: [] for c in customers}
    for channel in channels:
        for op in channel.accepted_ops():
            if op.customer.user_id in accepted:
                accepted[op.customer.user_id].append(op)
    for customer in customers:
        reply = api.get("balance", user_phone=customer.phone(2))
        assert reply.status == 200
        assert money(reply.body["balance"]) == expected[customer.user_id], (
            f"user {customer.user_id}: ledger {reply.body['balance']}, simulators {expected[customer.user_id]}")
        history = fetch_history(api, customer.phone(1), limit=7)
        ids = [item["external_id"] for item in history]
        assert len(ids) == len(set(ids)), "an external_id appears twice in the history"
        ops = {op.external_id: op for op in accepted[customer.user_id]}
        assert set(ids) == set(ops), (
            f"user {customer.user_id}: in ledger only {sorted(set(ids) - set(ops))}, "
            f"accepted but missing {sorted(set(ops) - set(ids))}")
        for item in history:
            op = ops[item["external_id"]]
            assert money(item["effect"]) == op.effect, item
            assert item["source"] == ("web" if op.channel == "web" else "1c_retail")


# ------------------------------------------------------------------------

def run_register_a(reg: RegisterSim, customers: list[Customer], rng: random.Random) -> None:
    for n in range(36):
        if n == 9:
            reg.faults.append("drop")  # the answer to the next request is lost after the server got it
        customer = rng.choice(customers)
        redeem = rng.choice([0, 0, 0, 25, 60, 150])
        receipt = reg.sell(customer, rng.randrange(200, 3000), redeem)
        if n % 6 == 5:
            reg.void(reg.receipts[rng.randrange(len(reg.receipts) - 1)] if len(reg.receipts) > 1 else receipt)


def run_register_b(reg: RegisterSim, customers: list[Customer], rng: random.Random) -> None:
    for _ in range(8):
        reg.sell(rng.choice(customers), rng.randrange(200, 3000), rng.choice([0, 40]))
    reg.go_offline()
    for n in range(28):
        customer = rng.choice(customers)
        receipt = reg.sell(customer, rng.randrange(200, 3000), rng.choice([0, 0, 30, 80]))
        if n % 5 == 4:
            reg.void(receipt)
    assert len(reg.queue) > MAX_BATCH, "the offline queue must need more than one batch"
    reg.faults.append("drop")  # the first batch's answer is lost after the server committed it
    results = reg.reconnect()
    assert len(results) >= 2
    # the resend of the first batch: what the lost attempt applied comes back as duplicates
    assert any(r["status"] == "duplicate" for r in results[0]) and not any(r["status"] == "duplicate" for r in results[1])
    for _ in range(6):
        reg.sell(rng.choice(customers), rng.randrange(200, 3000), rng.choice([0, 50]))


def run_web(web: WebShop, customers: list[Customer], rng: random.Random) -> None:
    debits = []
    for n in range(36):
        customer = rng.choice(customers)
        action = rng.random()
        if action < 0.55:
            op = web.redeem(customer, rng.choice([20, 75, 200, 500, 800]), by="user_id" if n % 2 else "phone",
                            check_first=n % 3 != 0)
            if op is not None and op.accepted:
                debits.append(op)
        elif action < 0.8 or not debits:
            web.accrue(customer, Decimal(rng.randrange(100, 5000)) / 100, by="phone" if n % 2 else "user_id")
        else:
            web.cancel(debits.pop(rng.randrange(len(debits))))


def test_two_registers_and_the_shop_at_once(api, new_customers, shop_and_registers, book):
    customers = new_customers(4)
    book.customers.extend(customers)
    reg_a, reg_b, web = shop_and_registers()
    # everyone starts with some cashback so that redemptions happen from the first minute
    for customer in customers:
        reg_a.sell(customer, 4000)

    start = threading.Barrier(3, timeout=10)

    def run(fn, channel, seed):
        start.wait()
        fn(channel, customers, random.Random(seed))

    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(run, run_register_a, reg_a, 1), pool.submit(run, run_register_b, reg_b, 2),
                   pool.submit(run, run_web, web, 3)]
        for future in futures:
            future.result(timeout=SCENARIO_DEADLINE)

    for channel in (reg_a, reg_b, web):
        assert channel.accepted_ops(), f"{channel.name} got nothing accepted"
        refused = {op.outcome for op in channel.ops.values() if op.state == "refused"}
        # only business refusals; never validation errors, conflicts or unknown customers
        assert refused <= {"insufficient_balance", "original_not_found"}, (channel.name, refused)
        assert not [op for op in channel.ops.values() if op.state in ("new", "queued", "unsent")]
    assert any("lost" in e for e in reg_a.events) and any("lost" in e for e in reg_b.events)
    # the offline queue went up in batches of at most MAX_BATCH, results in order
    assert all(len(results) <= MAX_BATCH for results in reg_b.batches)
    assert_books_match(api, [reg_a, reg_b, web], customers)


def test_brief_conflict_online_redemption_while_register_offline(api, new_customers, shop_and_registers, book):
    """500 redeemed online while the register is offline; its 300 debit comes back insufficient_balance."""
    customer, = new_customers(1)
    book.customers.append(customer)
    reg_a, reg_b, web = shop_and_registers()
    reg_a.sell(customer, 10000)  # 5% cashback: 500.00
    assert reg_b.check_balance(customer) == Decimal("500.00")
    reg_b.go_offline()
    online = web.redeem(customer, 500, by="user_id")
    assert online.outcome == "ok" and online.response["balance"] == 0
    receipt = reg_b.sell(customer, 1000, redeem=300)  # the register still believes 500
    assert receipt.debit is not None and receipt.debit.state == "queued"
    assert receipt.accrual is not None and receipt.accrual.state == "queued"

    (results,) = reg_b.reconnect()
    assert results[0] == {"external_id": receipt.debit.external_id, "status": "error",
                          "error": "insufficient_balance", "balance": 0}
    assert results[1]["status"] == "success" and results[1]["balance"] == 35
    assert receipt.debit.state == "refused"
    assert receipt.extra_payment == Decimal("300.00")  # 1C voids the discount / asks for the money
    assert_books_match(api, [reg_a, reg_b, web], [customer])


def test_lost_response_after_commit_is_credited_once(site, api, new_customers, shop_and_registers, book):
    customer, = new_customers(1)
    book.customers.append(customer)
    reg_a, reg_b, _ = shop_and_registers()
    retries: list[tuple[int, str, list[str]]] = []
    lock = None  # the ledger's write lock, held by another writer

    def release_then_wait(channel, attempt, error, external_ids):
        retries.append((attempt, type(error).__name__, external_ids))
        if lock is not None:
            lock.release()  # the long writer finishes; the lost attempt commits
        site.ledger.wait_processed(external_ids)

    reg_a.on_retry = reg_b.on_retry = release_then_wait

    # 1. the connection drops right after the request was sent
    reg_a.faults.append("drop")
    receipt = reg_a.sell(customer, 2000)  # 100.00 cashback
    assert receipt.accrual.outcome == "already_exists" and receipt.accrual.accepted
    assert retries == [(1, "LostResponse", [receipt.accrual.external_id])]

    # 2. a client-side timeout while the server waits for another writer, then commits anyway
    retries.clear()
    lock = site.ledger.tables.write_lock()  # SQLite's write lock, or MySQL's writers' lock row
    reg_a.faults.append("timeout")
    try:
        receipt = reg_a.sell(customer, 1000)  # 50.00 cashback
    finally:
        lock.release()
    assert receipt.accrual.outcome == "already_exists"
    assert len(retries) == 1 and retries[0][1] in ("TimeoutError", "URLError"), retries

    # 3. an offline queue whose batch answer is lost
    retries.clear()
    assert reg_b.check_balance(customer) == Decimal("150.00")
    reg_b.go_offline()
    receipts = [reg_b.sell(customer, 600 + i * 100, redeem=20 if i == 1 else 0) for i in range(3)]
    sent = [op for r in receipts for op in (r.debit, r.accrual) if op is not None]
    assert len(sent) == 4
    reg_b.faults.append("drop")
    (results,) = reg_b.reconnect()
    assert [r["status"] for r in results] == ["duplicate"] * len(sent)
    assert len(retries) == 1 and retries[0][2] == [op.external_id for op in sent]

    assert_books_match(api, [reg_a, reg_b], [customer])
    expected = Decimal("150.00") + sum(op.effect for op in sent)
    assert money(api.get("balance", user_phone=customer.phone(0)).body["balance"]) == expected


def test_unauthorized_and_revoked_register_keys(site, api, anon, new_customers, book):
    customer, = new_customers(1)
    book.customers.append(customer)
    key_id, key = site.ledger.create_key("register-store-3", "store-3")
    reg = RegisterSim("C", anon.with_key(key), store_id="store-3", doc_prefix=f"KC03-{int(time.time()) % 10**6}",
                      max_batch=MAX_BATCH)
    intruder = RegisterSim("X", anon.with_key("cbk_forged_" + "f" * 40), store_id="store-x", doc_prefix="KX99")
    book.add(reg, intruder)

    reg.sell(customer, 2000)  # 100.00
    assert reg.receipts[0].accrual.outcome == "ok"

    assert site.ledger.revoke_key(key_id)
    late = reg.sell(customer, 1000, redeem=50)  # the balance check is refused, so no redemption
    assert reg.unauthorized >= 2 and late.debit is None
    assert late.accrual.state == "queued"  # 1C keeps the document until the key is fixed
    assert reg.reconnect() == [] and late.accrual.state == "queued"

    stolen = intruder.sell(customer, 5000)
    assert intruder.unauthorized == 1 and stolen.accrual.state == "queued"

    assert money(api.get("balance", user_phone=customer.phone(0)).body["balance"]) == Decimal("100.00")
    reg.use_key(site.ledger.create_key("register-store-3b", "store-3")[1])
    (results,) = reg.reconnect()
    assert [r["status"] for r in results] == ["success"]
    assert_books_match(api, [reg, intruder], [customer])


def test_ledger_verifies_and_every_balance_matches(site, api, book):
    """After all scenarios: the ledger's own invariants, and each customer's balance (read directly from
    the ledger too) equals the sum of what the simulators saw accepted."""
    if not book.customers:
        pytest.skip("no scenario ran")
    report = site.ledger.verify()
    assert report["ok"] is True and report["problems"] == [], report
    assert report["entries"] >= sum(len(c.accepted_ops()) for c in book.channels)
    expected = expected_balances(book.channels, book.customers)
    for customer in book.customers:
        assert site.ledger.balance(customer.user_id) == expected[customer.user_id]
    assert_books_match(api, book.channels, book.customers)
