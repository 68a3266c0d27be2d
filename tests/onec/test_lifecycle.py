"""The receipt lifecycle the configurations really have, run through the model of the
extension's rules (lifecycle_model.py) against the real HTTP host: posting, deferred
posting, fiscalization, the archiving re-post, annulment, full and partial return
receipts, a lost answer followed by a re-post and a return, a persistent 5xx at the
queue's head, a 429 with Retry-After, an offline debit without funds, a handler that
failed. After each: exactly one accrual per sold receipt, one reversal per returned
amount, nothing for annulled receipts, nothing lost, nothing sent twice, and the
customer's balance on the server equal to what was sold minus what was returned."""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest

import lifecycle_model as lm
import onec_model as m

PROFILES = ["УТ11", "Розница3", "Розница23"]
USERS = itertools.count(7300)
NODES = itertools.count(1)
START = datetime.now().replace(microsecond=0) - timedelta(days=3)


@pytest.fixture(params=PROFILES)
def node(request, host):
    profile = lm.profiles()[request.param]
    transport = lm.Transport(host.port, host.api_key)
    infobase = lm.Infobase(profile, transport, now=START, prefix=f"N{next(NODES)}-")
    infobase.ledger = host.ledger
    return infobase


def customer(node) -> tuple[int, str, str]:
    """A new site user with a verified phone and a loyalty card that names them."""
    user = next(USERS)
    phone = f"+7 916 3{user:06d}"
    node.ledger.link_phones([(user, phone, True)])
    card = f"card-{user}"
    node.phones[card] = phone
    return user, phone, card


def eid(node, kind: str, number: str, date) -> str:
    """The external_id the node gives operation kind of its document number."""
    return node.external_id(kind, node.prefix + number, date)


def history(node, phone: str) -> list[dict]:
    answer = node.transport._forward("GET", f"transactions?user_phone={quote(m.phone_for_api(phone))}&limit=100", None)
    assert answer.status == 200, answer
    return answer.body["items"]


def ids_on_server(node, phone: str) -> list[str]:
    return sorted(item["external_id"] for item in history(node, phone))


def balance(node, user: int) -> Decimal:
    return node.ledger.balance(user)


def sold_status(node) -> str:
    return lm.first(node.profile["СтатусыПродан"])


def not_sold_status(node) -> str:
    """A value of the configuration's receipt status enum for a receipt not yet printed
    (1c/facts/configurations.json: УТ 11.5 КОплате, Розница 3 Отложен, Розница 2.x Отложенный)."""
    return {"УТ11": "КОплате", "Розница3": "Отложен", "Розница23": "Отложенный"}[node.profile["Имя"]]


def test_a_sold_receipt_accrues_once_and_re_posts_change_nothing(node):
    user, phone, card = customer(node)
    receipt = node.receipt("A-1", "1000.00", card)
    node.post(receipt)
    node.drain()
    node.post(receipt)  # an ordinary re-post
    node.archive(receipt)  # shift closing re-posts every receipt
    node.drain()
    accrual = eid(node, "Начисление", "A-1", receipt.date)
    assert ids_on_server(node, phone) == [accrual]
    assert node.transport.forwarded.count(accrual) == 1
    assert balance(node, user) == Decimal("50.00")
    assert not node.queue


def test_a_deferred_receipt_accrues_only_when_fiscalized_with_its_final_date(node):
    user, phone, card = customer(node)
    receipt = node.receipt("D-1", "400.00", card, status=not_sold_status(node))
    node.post(receipt)  # the register form writes deferred receipts with posting
    node.drain()
    assert not node.queue and not node.transport.forwarded
    node.advance(3600)
    receipt.date = node.now  # ... and resets the date when the receipt is finally printed
    receipt.attributes[node.profile["РеквизитСтатус"]] = sold_status(node)
    node.post(receipt)
    node.drain()
    assert ids_on_server(node, phone) == [eid(node, "Начисление", "D-1", receipt.date)]
    assert balance(node, user) == Decimal("20.00")


def test_a_receipt_printed_by_a_write_without_posting_accrues_once(node):
    user, phone, card = customer(node)
    receipt = node.receipt("W-1", "500.00", card, status=not_sold_status(node))
    node.post(receipt)  # Розница 2.x posts before the fiscal printer prints
    receipt.attributes[node.profile["РеквизитСтатус"]] = sold_status(node)
    node.write(receipt)  # ... and then writes Пробитый without posting
    node.post(receipt)
    node.drain()
    assert ids_on_server(node, phone) == [eid(node, "Начисление", "W-1", receipt.date)]
    assert balance(node, user) == Decimal("25.00")


def test_an_annulled_receipt_sends_nothing_and_gives_back_an_offline_cashback_payment(node):
    user, phone, card = customer(node)
    node.offline_debit("N-1", phone, "30.00")
    receipt = node.receipt("N-1", "300.00", card, status=not_sold_status(node))
    node.post(receipt)
    annulled = node.profile["СтатусыАннулирован"]
    if annulled:  # Розница 3: an annulled receipt is re-posted with its status
        receipt.attributes[node.profile["РеквизитСтатус"]] = lm.first(annulled)
        node.post(receipt)
    else:  # УТ 11.5 has no annulled status: an abandoned receipt is un-posted
        node.unpost(receipt)
        node.release_debit(receipt.number, receipt.date, "Отмена оплаты кэшбэком")  # кб_КэшбэкСервер.ОтменитьСписание
    node.drain()
    assert node.transport.forwarded == []
    assert not node.journal and not node.queue
    assert balance(node, user) == Decimal("0.00")


@pytest.mark.parametrize("returns", [["1000.00"], ["300.00", "700.00"], ["333.33", "333.33", "333.34"]],
                         ids=["full", "two-parts", "three-parts"])
def test_return_receipts_reverse_in_proportion_and_never_more_than_accrued(node, returns):
    user, phone, card = customer(node)
    receipt = node.receipt("R-1", "1000.00", card)
    node.post(receipt)
    node.drain()
    reversed_total = Decimal(0)
    for index, amount in enumerate(returns, 1):
        node.advance(60)
        refund = node.return_receipt(f"V-{index}", receipt, amount)
        node.post(refund)
        node.post(refund)  # a re-post of the return changes nothing
        node.drain()
        reversal_id = eid(node, "СторноПоВозврату", f"V-{index}", refund.date)
        item = next(i for i in history(node, phone) if i["external_id"] == reversal_id)
        assert item.get("original_external_id", eid(node, "Начисление", "R-1", receipt.date)) \
            == eid(node, "Начисление", "R-1", receipt.date)
        reversed_total += abs(Decimal(str(item["amount"])))
        assert node.transport.forwarded.count(reversal_id) == 1
    returned = sum(Decimal(a) for a in returns)
    assert reversed_total == Decimal("50.00") * returned / Decimal("1000.00")
    assert balance(node, user) == Decimal("50.00") - reversed_total == Decimal("0.00")


def test_a_partial_return_reverses_its_share(node):
    user, phone, card = customer(node)
    receipt = node.receipt("P-1", "999.99", card)
    node.post(receipt)
    node.drain()  # accrual 49.99
    node.post(node.return_receipt("PV-1", receipt, "333.33"))
    node.drain()
    assert balance(node, user) == Decimal("49.99") - Decimal("16.66")  # round(49.99 * 333.33 / 999.99, 2)


def test_a_lost_answer_then_a_re_post_and_a_return_reverses_on_the_server(node):
    user, phone, card = customer(node)
    receipt = node.receipt("L-1", "600.00", card)
    accrual = eid(node, "Начисление", "L-1", receipt.date)
    lost = {"armed": True}

    def lose_first_answer(method, path, payload):
        if lost["armed"] and isinstance(payload, list) and any(i["external_id"] == accrual for i in payload):
            lost["armed"] = False
            return ("after", lm.Answer(0, {}))
        return None
    node.transport.rules.append(lose_first_answer)
    node.post(receipt)
    node.send_queue()  # applied on the server, the answer lost: the record waits
    assert node.journal[accrual]["Отправлялась"] and not node.journal[accrual]["Подтверждена"]
    node.post(receipt)  # a re-post keeps the "sent" mark and queues nothing new
    assert node.journal[accrual]["Отправлялась"] and node.queue[accrual]["ЧислоПопыток"] == 1
    refund = node.return_receipt("LV-1", receipt, "600.00")
    node.post(refund)  # the return reverses on the server: the accrual may have landed
    node.drain()
    assert balance(node, user) == Decimal("0.00")
    assert ids_on_server(node, phone) == sorted([accrual, eid(node, "СторноПоВозврату", "LV-1", refund.date)])
    assert not node.queue


def test_a_persistent_5xx_at_the_head_holds_back_only_that_customer_and_ends_with_the_operator(node):
    stuck_user, stuck_phone, stuck_card = customer(node)
    user, phone, card = customer(node)
    stuck = node.receipt("H-1", "100.00", stuck_card)
    node.post(stuck)
    stuck_id = eid(node, "Начисление", "H-1", stuck.date)
    node.post(node.receipt("H-2", "100.00", stuck_card))  # the same customer: must wait behind H-1
    others = [node.receipt(f"H-{n}", "200.00", card) for n in range(3, 7)]
    for receipt in others:
        node.post(receipt)

    def always_503(method, path, payload):
        items = payload if isinstance(payload, list) else [payload] if payload else []
        if any(i["external_id"] == stuck_id for i in items):
            return ("before", lm.Answer(503, {"error": "database_busy"}, 1))
        return None
    node.transport.rules.append(always_503)
    node.drain(rounds=node.constants.max_attempts + 20)
    assert balance(node, user) == Decimal("40.00")  # every other customer's receipt delivered
    assert node.queue[stuck_id]["Состояние"] == "ОшибкаДанных"  # attempts exhausted: the operator's list
    assert node.queue[stuck_id]["ЧислоПопыток"] == node.constants.max_attempts
    second = eid(node, "Начисление", "H-2", stuck.date)
    assert second not in node.queue and second in ids_on_server(node, stuck_phone)  # released once H-1 left
    assert balance(node, stuck_user) == Decimal("5.00")


def test_a_retry_while_sending_one_by_one_holds_back_the_rest_of_the_batch(node):
    user, phone, card = customer(node)
    receipts = [node.receipt(f"O-{n}", "100.00", card) for n in range(1, 4)]
    for receipt in receipts:
        node.post(receipt)
    first = eid(node, "Начисление", "O-1", receipts[0].date)
    busy = {"left": 1}

    def reject_batch_then_busy(method, path, payload):
        if path == "transactions/batch" and not node.transport.forwarded:
            return ("before", lm.Answer(400, {"error": "validation_failed"}))  # the whole batch refused
        if path == "transactions" and payload["external_id"] == first and busy["left"]:
            busy["left"] -= 1
            return ("before", lm.Answer(503, {"error": "database_busy"}, 5))
        return None
    node.transport.rules.append(reject_batch_then_busy)
    node.send_queue()
    assert node.transport.forwarded == []  # O-2 and O-3 did not overtake O-1
    assert {r["Состояние"] for r in node.queue.values()} == {"Отложено"}
    node.drain()
    assert balance(node, user) == Decimal("15.00")


def test_an_amount_changed_on_re_post_neither_conflicts_nor_reverses_a_wrong_sum(node):
    user, phone, card = customer(node)
    receipt = node.receipt("M-1", "100.00", card)
    node.post(receipt)
    node.drain()
    receipt.attributes[node.profile["РеквизитСумма"]] = Decimal("300.00")
    node.post(receipt)  # the accrual stays what it was (a warning in the event log)
    node.drain()
    refund = node.return_receipt("MV-1", receipt, "100.00")
    node.post(refund)
    node.drain()
    assert node.transport.forwarded.count(eid(node, "Начисление", "M-1", receipt.date)) == 1
    assert balance(node, user) == Decimal("0.00")  # the reversal is of the recorded 5.00


def test_a_429_with_retry_after_is_waited_for(node):
    user, phone, card = customer(node)
    receipt = node.receipt("T-1", "100.00", card)
    node.post(receipt)
    throttled = {"left": 1}

    def throttle(method, path, payload):
        if throttled["left"]:
            throttled["left"] -= 1
            return ("before", lm.Answer(429, {"error": "rate_limited"}, 600))
        return None
    node.transport.rules.append(throttle)
    started = node.now
    node.send_queue()
    record = next(iter(node.queue.values()))
    assert record["СледующаяПопытка"] - started >= timedelta(seconds=600)
    node.advance(599)
    node.send_queue()
    assert node.transport.forwarded == []  # not before Retry-After
    node.drain()
    assert balance(node, user) == Decimal("5.00")


def test_an_offline_debit_without_funds_waits_for_the_cashier(node):
    user, phone, card = customer(node)
    node.offline_debit("C-1", phone, "10.00")  # the register believed the balance was there
    receipt = node.receipt("C-1", "100.00", card)
    node.post(receipt)
    node.drain()
    debit = eid(node, "Списание", "C-1", node.now)
    assert node.queue[debit]["Состояние"] == "Конфликт"
    attempts = node.queue[debit]["ЧислоПопыток"]
    node.post(receipt)  # a re-post neither revives the debit nor resets its attempts
    node.archive(receipt)
    assert node.queue[debit]["Состояние"] == "Конфликт" and node.queue[debit]["ЧислоПопыток"] == attempts
    accrual = eid(node, "Начисление", "C-1", node.now)
    assert ids_on_server(node, phone) == [accrual]  # the accrual of the same receipt still went
    assert balance(node, user) == Decimal("4.50")  # 5 % of (100 - 10)


def test_a_conflict_resolved_by_the_cashier_is_never_released_later(node):
    user, phone, card = customer(node)
    node.offline_debit("C-2", phone, "10.00")
    receipt = node.receipt("C-2", "100.00", card)
    node.post(receipt)
    node.drain()
    debit = eid(node, "Списание", "C-2", receipt.date)
    node.resolve_conflict(debit, "Доплата")
    node.unpost(receipt)  # even a void of the receipt sends no release of a debit the server never had
    node.drain()
    assert not node.queue
    assert eid(node, "ВозвратСписания", "C-2", receipt.date) not in node.transport.forwarded


def test_a_released_debit_is_not_sent_when_the_receipt_is_sold_after_all(node):
    user, phone, card = customer(node)
    debit = node.offline_debit("C-3", phone, "10.00")
    debit["Отправлялась"] = True  # the register sent it and lost the answer (НетСвязи)
    node.release_debit(node.prefix + "C-3", node.now, "Отмена оплаты кэшбэком")  # кб_КэшбэкСервер.ОтменитьСписание
    receipt = node.receipt("C-3", "100.00", card)  # then sold without the cashback payment
    node.post(receipt)
    node.drain()
    assert debit["ВнешнийИД"] not in node.transport.forwarded
    assert balance(node, user) == Decimal("5.00")  # the accrual's base is the whole receipt


def test_a_failed_handler_never_blocks_the_sale_and_is_processed_by_the_job(node):
    user, phone, card = customer(node)
    receipt = node.receipt("F-1", "100.00", card)
    node.handle(receipt, lm.events()["Проведение"], fail=RuntimeError("contact information locked"))
    assert receipt.ref in node.deferred and not node.queue
    node.drain()
    assert not node.deferred
    assert ids_on_server(node, phone) == [eid(node, "Начисление", "F-1", receipt.date)]


def test_a_record_deleted_after_selection_is_not_sent(node):
    user, phone, card = customer(node)
    node.post(node.receipt("X-1", "100.00", card))
    node.post(node.receipt("X-2", "100.00", card))
    batch = node.next_batch(10)
    gone = batch[0]["ВнешнийИД"]
    del node.queue[gone]
    node.send_batch(node.mark_attempt(batch))
    assert gone not in node.transport.forwarded and len(node.transport.forwarded) == 1


def test_a_result_without_external_id_is_not_taken_for_a_delivery(node):
    user, phone, card = customer(node)
    node.post(node.receipt("Z-1", "100.00", card))
    accrual = next(iter(node.queue))
    node.transport.rules.append(lambda method, path, payload: (
        "before", lm.Answer(200, {"results": [{"external_id": None, "status": "success"}]})))
    node.send_queue()
    assert node.queue[accrual]["Состояние"] == "Отложено"
    node.transport.rules[:] = [lambda method, path, payload: (
        "before", lm.Answer(200, {"results": [{"external_id": None, "status": "error", "error": "validation_failed"}]}))]
    node.advance(3600)
    node.send_queue()
    assert node.queue[accrual]["Состояние"] == "ОшибкаДанных"  # an error at that position is that item's


def test_unposting_a_sold_receipt_where_the_configuration_allows_it_voids_the_accrual(node):
    user, phone, card = customer(node)
    receipt = node.receipt("U-1", "200.00", card)
    node.post(receipt)
    node.drain()
    node.unpost(receipt)  # Розница 3 without fiscal equipment, before the shift is closed
    node.unpost(receipt)
    node.drain()
    assert ids_on_server(node, phone) == sorted([eid(node, "Начисление", "U-1", receipt.date),
                                                 eid(node, "СторноНачисления", "U-1", receipt.date)])
    assert balance(node, user) == Decimal("0.00")


# ---- the model and the BSL agree --------------------------------------------------------------

def test_the_event_table_covers_every_event_and_state_and_the_bsl_dispatches_every_action():
    table = lm.event_table()
    assert set(table) == {f"{e}/{s}" for e in lm.events().values() for s in lm.states().values()}
    dispatch = lm.function_text(lm.QUEUE, "ОбработатьСобытиеДокумента")
    model = lm.Infobase.process_event.__code__.co_consts
    for action in set(table.values()) - {"Ничего"}:
        function = next(name for name in re.findall(r"Функция (Действие[А-Яа-я]+)\(\)", m.bsl_text(lm.QUEUE))
                        if lm.returned_literal(lm.QUEUE, name) == action)
        assert f"Действие = {function}()" in dispatch, action
        assert action in model, f"the model does not handle {action}"
    assert table["Проведение/Архивный"] == table["ПроведениеВозврата/Архивный"] == "Ничего"
    assert table["Проведение/НеЗавершен"] == "Ничего" and table["Проведение/Продан"] == "Начислить"


def test_every_subscription_handler_catches_and_defers():
    events_text = m.bsl_text(lm.EVENTS)
    handlers = re.findall(r"^Процедура (ЧекККМ\w+Кэшбэк)\(", events_text, re.M)
    assert len(handlers) == 4
    for handler in handlers:
        assert "ОбработатьСобытие(Источник, Отказ," in m.bsl_function(handler, events_text)
    wrapper = m.bsl_function("ОбработатьСобытие", events_text)
    assert re.search(r"Попытка\s+кб_КэшбэкОчередь\.ОбработатьСобытиеДокумента\(Источник, Событие\);\s+Исключение\s+"
                     r"кб_КэшбэкОчередь\.ОтложитьДокумент\(", wrapper)
    assert "ВызватьИсключение" not in m.bsl_function("ОтложитьДокумент", m.bsl_text(lm.QUEUE))


@pytest.mark.parametrize("function, fragments", [
    ("ОчереднойПакет", ["Ждут.Вставить(Кандидат.Телефон, Истина)", "Пакет[0].ЧислоПопыток > 0"]),
    ("ОтметитьПопытку", ["Запись.ТелоJSON <> Строка.ТелоJSON", "Возврат Отмеченные;"]),
    ("ОтправитьПоОдной", ["Возврат ОтложитьПакет(Пакет, Индекс, Разбор, Настройки);"]),
    ("ЗаписатьИтогЗаписи", ["СостояниеКонфликт()", "Запись.ЧислоПопыток >= Настройки.МаксимумПопыток"]),
    ("ЗаписатьИПоставить", ["Операция.ПоставленаВОчередь = Истина;"]),
    ("ДослатьСписание", ["Списание.Подтверждена Или Списание.ПоставленаВОчередь"]),
    ("ИтогОтноситсяКСтроке", ["Возврат Разбор.Итог <> кб_КэшбэкКлиентHTTP.ИтогДоставлено();"]),
    ("ДоляВозврата", ["Прежние.СуммаЧеков + СуммаВозврата >= Исходная.СуммаЧека",
                      "Окр(Исходная.Сумма * СуммаВозврата / Исходная.СуммаЧека, 2)"]),
])
def test_the_bsl_makes_the_decisions_the_model_makes(function, fragments):
    body = lm.function_text(lm.QUEUE, function)
    for fragment in fragments:
        assert fragment in body, f"{function}: {fragment}"


def test_the_model_reads_every_profile_key_it_uses():
    used = set(re.findall(r'(?<![A-Za-z_])p\["([А-Яа-я]+)"\]', Path(lm.__file__).read_text(encoding="utf-8")))
    for name, profile in lm.profiles().items():
        assert used <= set(profile), (name, used - set(profile))
