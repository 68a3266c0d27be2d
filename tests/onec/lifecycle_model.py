"""A Python model of the 1C extension's receipt lifecycle and queue (кб_КэшбэкОчередь,
кб_КэшбэкДанныеЧека, кб_КэшбэкСобытия), for tests against the real HTTP host.

No 1C platform runs here, so the infobase is modelled: the documents (a receipt and a
return receipt whose attributes carry the names of a configuration profile read from
the BSL), the journal (кб_ОперацииЧековКэшбэк), the queue (кб_ОчередьКэшбэк) and the
session clock. The decisions are the BSL's: the event table (ДействияПоСобытиям), the
profiles, the outcome maps (onec_model), the constants (pauses, attempt cap, batch
limits) are read from the BSL text; the procedures below carry the BSL names they model,
and tests/onec/test_lifecycle.py keeps the two in agreement.

The network is the real host behind a scripted Transport that can fail a request before
it reaches the server (5xx, 429 with Retry-After) or lose the answer after the server
applied it.
"""

from __future__ import annotations

import http.client
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any, Callable

import onec_model as m

# НоваяОперация() copies these fields of ДанныеЧека (or of the original operation).
COPIED_FROM_DATA = ("Телефон", "Описание", "ИдентификаторМагазина", "ДатаДокумента", "КлючЧека", "ВидДокумента",
                    "СуммаЧека")

MODULES = m.EXTENSION / "CommonModules"
QUEUE = MODULES / "кб_КэшбэкОчередь" / "Ext" / "Module.bsl"
DATA = MODULES / "кб_КэшбэкДанныеЧека" / "Ext" / "Module.bsl"
EVENTS = MODULES / "кб_КэшбэкСобытия" / "Ext" / "Module.bsl"

# ---- facts read from the BSL -----------------------------------------------------------------


def function_text(path, name: str) -> str:
    return m.bsl_function(name, m.bsl_text(path))


def returned_literal(path, name: str) -> str:
    """The literal a one-line constant function returns (string or number)."""
    found = re.search(r'Возврат ("?)([^";]*)\1;', function_text(path, name))
    assert found, f"{name}: no literal return"
    return found.group(2)


def event_table() -> dict[str, str]:
    """ДействияПоСобытиям(): "<event>/<state>" -> action name."""
    body = function_text(QUEUE, "ДействияПоСобытиям")
    pairs = re.findall(r'Действия\.Вставить\("([^"]+)", (Действие[А-Яа-я]+)\(\)\)', body)
    return {key: returned_literal(QUEUE, action) for key, action in pairs}


def profiles() -> dict[str, dict[str, str]]:
    """Every Профиль<Имя>() of кб_КэшбэкДанныеЧека: name -> key -> value."""
    text = m.bsl_text(DATA)
    found = {}
    for name in re.findall(r"^Функция (Профиль[А-Яа-яA-Za-z0-9]+)\(\)\n", text, re.M):
        values = dict(re.findall(r'Профиль\.Вставить\("([А-Яа-яA-Za-z]+)", "([^"]*)"\)', m.bsl_function(name, text)))
        found[values["Имя"]] = values
    return found


def states() -> dict[str, str]:
    return {name: returned_literal(DATA, f"Состояние{name}") for name in ("Продан", "Аннулирован", "НеЗавершен", "Архивный")}


def events() -> dict[str, str]:
    return {name: returned_literal(QUEUE, f"Событие{name}")
            for name in ("Проведение", "Запись", "ОтменаПроведения", "ПроведениеВозврата")}


def kinds() -> dict[str, str]:
    return {name: returned_literal(QUEUE, f"Вид{name}")
            for name in ("Начисление", "Списание", "ВозвратСписания", "СторноНачисления", "СторноПоВозврату",
                         "ВозвратСписанияПоВозврату")}


@dataclass(frozen=True)
class Constants:
    base_pause: int
    max_pause: int
    max_attempts: int
    max_batches: int
    window: int

    @classmethod
    def from_bsl(cls) -> "Constants":
        def number(name):
            return int(returned_literal(QUEUE, name))
        return cls(number("БазоваяПауза"), number("НаибольшаяПауза"), number("МаксимумПопытокПоУмолчанию"),
                   number("МаксимумПакетовЗаЗапуск"), number("ОкноВыборки"))


# ---- the network --------------------------------------------------------------------------


@dataclass
class Answer:
    status: int  # 0: no answer (timeout, connection lost)
    body: dict | list
    retry_after: int = 0


@dataclass
class Transport:
    """The real host, with scripted faults. A rule sees (method, path, payload) and returns
    None (forward), ("before", Answer) (fail without the server seeing it) or ("after", Answer)
    (forward, then lose the server's answer and return this one)."""
    port: int
    api_key: str
    rules: list[Callable] = field(default_factory=list)
    forwarded: list[str] = field(default_factory=list)  # external_ids that reached the server

    def request(self, method: str, path: str, payload: Any = None) -> Answer:
        for rule in list(self.rules):
            verdict = rule(method, path, payload)
            if verdict and verdict[0] == "before":
                return verdict[1]
            if verdict and verdict[0] == "after":
                self._forward(method, path, payload)
                return verdict[1]
        return self._forward(method, path, payload)

    def _forward(self, method: str, path: str, payload: Any) -> Answer:
        items = payload if isinstance(payload, list) else [payload] if payload else []
        self.forwarded.extend(item["external_id"] for item in items)
        body = m.write_json(payload).encode("utf-8") if payload is not None else None
        headers = {"X-API-Key": self.api_key, "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            connection.request(method, m.BASE_PATH + path, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            retry = response.getheader("Retry-After") or "0"
            return Answer(response.status, json.loads(raw) if raw else {}, int(retry) if retry.isdigit() else 0)
        finally:
            connection.close()


# ---- the infobase -------------------------------------------------------------------------


@dataclass
class Document:
    kind: str  # the profile's ДокументЧек or ДокументВозврат
    number: str
    date: datetime
    attributes: dict[str, Any]
    ref: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass
class Infobase:
    """Registers and rules of one 1C node (a store) with one configuration profile."""
    profile: dict[str, str]
    transport: Transport
    percent: Decimal = Decimal("5")
    batch_size: int = 3
    store_id: str = "store-1"
    phones: dict[str, str] = field(default_factory=dict)  # card -> owner's phone (contact information)
    now: datetime = field(default_factory=lambda: datetime(2026, 12, 2, 10, 0, 0))
    journal: dict[str, dict] = field(default_factory=dict)
    queue: dict[str, dict] = field(default_factory=dict)
    deferred: dict[str, dict] = field(default_factory=dict)
    constants: Constants = field(default_factory=Constants.from_bsl)
    order: int = 0
    prefix: str = ""  # document numbers start with it (one shared host, unique external_ids)

    # -- documents, as the configuration's register form writes them --------------------

    def receipt(self, number: str, amount: str, card: str = "", status: str = "", **extra) -> Document:
        p = self.profile
        attributes = {p["РеквизитСтатус"]: status or first(p["СтатусыПродан"]), p["РеквизитСумма"]: Decimal(amount)}
        if p["РеквизитКарта"]:
            attributes[p["РеквизитКарта"]] = card
        if p["РеквизитАрхивный"]:
            attributes[p["РеквизитАрхивный"]] = False
        attributes.update(extra)
        return Document(p["ДокументЧек"], self.prefix + number, self.now, attributes)

    def return_receipt(self, number: str, original: Document, amount: str) -> Document:
        p = self.profile
        attributes = {p["РеквизитСумма"]: Decimal(amount), p["РеквизитЧекОснование"]: original.ref}
        if p["РеквизитСтатусВозврата"]:
            attributes[p["РеквизитСтатусВозврата"]] = first(p["СтатусыПродан"])
        if p["РеквизитВидОперации"]:
            attributes[p["РеквизитВидОперации"]] = p["ВидОперацииВозврат"]
        return Document(p["ДокументВозврат"], self.prefix + number, self.now, attributes)

    def archive(self, document: Document) -> None:
        """Shift closing: the receipt is marked archived (Розница 2.x: the status Архивный) and re-posted."""
        p = self.profile
        if p["РеквизитАрхивный"]:
            document.attributes[p["РеквизитАрхивный"]] = True
        else:
            document.attributes[p["РеквизитСтатус"]] = "Архивный"
        self.post(document)

    # -- the subscriptions (кб_КэшбэкСобытия) ------------------------------------------

    def post(self, document: Document) -> None:
        event = "ПроведениеВозврата" if document.kind != self.profile["ДокументЧек"] else "Проведение"
        self.handle(document, events()[event])

    def write(self, document: Document) -> None:
        """A write without posting (ПриЗаписи): Розница 2.x prints a receipt this way."""
        self.handle(document, events()["Запись"])

    def unpost(self, document: Document) -> None:
        self.handle(document, events()["ОтменаПроведения"])

    def handle(self, document: Document, event: str, fail: Exception | None = None) -> None:
        """ОбработатьСобытие: a failure is deferred (кб_ОтложенныеЧекиКэшбэк), never raised."""
        try:
            if fail:
                raise fail
            self.process_event(document, event)
        except Exception as error:  # noqa: BLE001 - the model of Попытка ... Исключение
            self.deferred[document.ref] = {"document": document, "event": event, "error": str(error)}

    # -- кб_КэшбэкОчередь: the lifecycle ----------------------------------------------

    def state(self, document: Document, count_archive: bool = True) -> str:
        """кб_КэшбэкДанныеЧека.СостояниеДокумента."""
        p, names = self.profile, states()
        attribute = p["РеквизитСтатус"]
        if document.kind == p["ДокументВозврат"] != p["ДокументЧек"]:
            attribute = p["РеквизитСтатусВозврата"]
        status = document.attributes[attribute] if attribute else first(p["СтатусыПродан"])
        if count_archive and p["РеквизитАрхивный"] and document.attributes.get(p["РеквизитАрхивный"]) is True:
            return names["Архивный"]
        if status in split(p["СтатусыПродан"]):
            return names["Продан"]
        if status in split(p["СтатусыАннулирован"]):
            return names["Аннулирован"]
        return names["НеЗавершен"]

    def process_event(self, document: Document, event: str, after_error: bool = False) -> None:
        """ОбработатьСобытиеДокумента."""
        if event != events()["ОтменаПроведения"] and self.is_return(document):
            event = events()["ПроведениеВозврата"]
        action = event_table()[f"{event}/{self.state(document, not after_error)}"]
        if action == "Начислить":
            self.accrue(document)
        elif action == "ВернутьСписание":
            self.release_debit(document.number, document.date, "Отмена оплаты кэшбэком")
        elif action == "СторнироватьПоВозврату":
            self.reverse_by_return(document)
        elif action == "СторнироватьЧек":
            self.void(document)

    def is_return(self, document: Document) -> bool:
        """кб_КэшбэкДанныеЧека.ЭтоВозврат."""
        p = self.profile
        if document.kind != p["ДокументВозврат"]:
            return False
        return not p["РеквизитВидОперации"] or document.attributes.get(p["РеквизитВидОперации"]) == p["ВидОперацииВозврат"]

    def void(self, receipt: Document) -> None:
        """СторнироватьЧек."""
        accrual = self.document_operation(receipt.ref, "accrual", originals_only=True)
        reversal_id = self.external_id("СторноНачисления", receipt.number, receipt.date)
        if accrual is not None and reversal_id not in self.journal:
            earlier = [op for op in self.journal.values() if op["ИсходныйВнешнийИД"] == accrual["ВнешнийИД"]]
            left = accrual["Сумма"] - sum(abs(op["Сумма"]) for op in earlier)
            if left > 0:
                self.record_and_queue(self.reversing(accrual, "accrual", reversal_id, -left, f"Отмена чека {receipt.number}"), 2)
        self.release_debit(receipt.number, receipt.date, f"Отмена чека {receipt.number}")

    def external_id(self, kind: str, number: str, date: datetime) -> str:
        return f"{kinds()[kind]}_{number.strip()}_{date:%Y%m%d}"

    def accrue(self, receipt: Document) -> None:
        """Начислить + ДослатьСписание."""
        debit = self.active_debit(self.receipt_debit(receipt.number, receipt.date))
        data = self.receipt_data(receipt, debit)
        if debit is not None:
            if not debit["КлючЧека"]:
                debit.update(КлючЧека=receipt.ref, СуммаЧека=data["СуммаЧека"])
            if not debit["Подтверждена"] and not debit["ПоставленаВОчередь"]:
                self.record_and_queue(debit, 0)
        recorded = self.document_operation(receipt.ref, "accrual", originals_only=True)
        if recorded is None:
            recorded = self.journal.get(self.external_id("Начисление", receipt.number, receipt.date))
        if recorded is not None:
            return
        if data["СуммаНачисления"] <= 0 or not data["Телефон"]:
            return
        self.record_and_queue(self.operation("accrual", self.external_id("Начисление", receipt.number, receipt.date),
                                             data["СуммаНачисления"], data), 1)

    def receipt_data(self, receipt: Document, debit: dict | None) -> dict:
        """кб_КэшбэкДанныеЧека.ДанныеЧека."""
        p = self.profile
        total = receipt.attributes[p["РеквизитСумма"]]
        phone = debit["Телефон"] if debit and debit["Телефон"] else self.phones.get(receipt.attributes.get(p["РеквизитКарта"], ""), "")
        base = total - (debit["Сумма"] if debit else 0)
        accrual = (base * self.percent / 100).quantize(Decimal("0.01"), ROUND_DOWN) if base > 0 else Decimal(0)
        return {"Телефон": phone, "СуммаЧека": total, "СуммаНачисления": accrual, "КлючЧека": receipt.ref,
                "ДатаДокумента": receipt.date, "Описание": f"чек {receipt.number}", "ИдентификаторМагазина": self.store_id}

    def release_debit(self, number: str, date: datetime, description: str) -> None:
        """ВернутьСписание."""
        debit = self.active_debit(self.receipt_debit(number, date))
        release_id = self.external_id("ВозвратСписания", number, date)
        if debit is None:
            return
        if not debit["Отправлялась"]:
            self.queue.pop(debit["ВнешнийИД"], None)
            del self.journal[debit["ВнешнийИД"]]
            return
        self.record_and_queue(self.reversing(debit, "release", release_id, debit["Сумма"], description), 2)

    def reverse_by_return(self, document: Document) -> None:
        """СторнироватьПоВозврату + СторнироватьДолю + ДоляВозврата."""
        p = self.profile
        original = document.attributes.get(p["РеквизитЧекОснование"])
        if not original or self.document_operation(document.ref, "") is not None:
            return
        amount = document.attributes[p["РеквизитСумма"]]
        accrual = self.document_operation(original, "accrual", originals_only=True)
        debit = self.document_operation(original, "debit")
        if accrual is not None:
            self.reverse_share(accrual, "accrual", self.external_id("СторноПоВозврату", document.number, document.date),
                               -1, amount, document)
        if debit is not None and not debit["Решение"] and (debit["Отправлялась"] or debit["ПоставленаВОчередь"]):
            self.reverse_share(debit, "release",
                               self.external_id("ВозвратСписанияПоВозврату", document.number, document.date),
                               1, amount, document)

    def active_debit(self, debit: dict | None) -> dict | None:
        """ДействующееСписание: not released, not taken off by the cashier's decision."""
        if debit is None or debit["Решение"]:
            return None
        if any(op["ИсходныйВнешнийИД"] == debit["ВнешнийИД"] for op in self.journal.values()):
            return None
        return debit

    def reverse_share(self, original: dict, op_type: str, external_id: str, sign: int, returned: Decimal,
                      document: Document) -> None:
        earlier = [op for op in self.journal.values() if op["ИсходныйВнешнийИД"] == original["ВнешнийИД"]]
        left = original["Сумма"] - sum(abs(op["Сумма"]) for op in earlier)
        if original["СуммаЧека"] <= 0 or sum(op["СуммаЧека"] for op in earlier) + returned >= original["СуммаЧека"]:
            share = max(left, Decimal(0))
        else:
            exact = (original["Сумма"] * returned / original["СуммаЧека"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
            share = max(min(exact, left), Decimal(0))
        if share <= 0:
            return
        reversal = self.reversing(original, op_type, external_id, sign * share, f"Возврат по чеку {document.number}")
        reversal.update(КлючЧека=document.ref, СуммаЧека=returned)
        self.record_and_queue(reversal, 2)

    # -- the cashier's flow, as far as the queue sees it -------------------------------

    def offline_debit(self, number: str, phone: str, amount: str) -> dict:
        """кб_КэшбэкСервер.ПринятьОфлайн: the debit is journalled; posting the receipt queues it."""
        number = self.prefix + number
        op = self.operation("debit", self.external_id("Списание", number, self.now), Decimal(amount),
                            {"Телефон": phone, "ДатаДокумента": self.now, "Описание": f"чек {number}",
                             "ИдентификаторМагазина": self.store_id})
        self.journal[op["ВнешнийИД"]] = op
        return op

    def resolve_conflict(self, external_id: str, decision: str) -> None:
        """кб_КэшбэкСервер.РазрешитьКонфликтСписания."""
        assert self.queue[external_id]["Состояние"] == "Конфликт"
        del self.queue[external_id]
        self.journal[external_id]["Решение"] = decision

    # -- the journal ------------------------------------------------------------------------

    def operation(self, op_type: str, external_id: str, amount: Decimal, data: dict) -> dict:
        """НоваяОперация."""
        op = {"ВнешнийИД": external_id, "Операция": op_type, "Сумма": Decimal(amount), "ИсходныйВнешнийИД": "",
              "Отправлялась": False, "Подтверждена": False, "ПоставленаВОчередь": False, "КлючЧека": "", "Решение": "",
              "СуммаЧека": Decimal(0), "Телефон": "", "Описание": "", "ИдентификаторМагазина": "",
              "ДатаДокумента": self.now, "Зарегистрирована": self.now}
        op.update({k: v for k, v in data.items() if k in COPIED_FROM_DATA})
        return op

    def reversing(self, original: dict, op_type: str, external_id: str, amount: Decimal, description: str) -> dict:
        """СторнирующаяОперация."""
        op = self.operation(op_type, external_id, amount, original)
        op.update(ИсходныйВнешнийИД=original["ВнешнийИД"], ДатаДокумента=self.now, Описание=description,
                  КлючЧека="", СуммаЧека=Decimal(0))
        return op

    def receipt_debit(self, number: str, date: datetime) -> dict | None:
        """СписаниеЧека: by id, else the latest unattached debit with that number within the window."""
        found = self.journal.get(self.external_id("Списание", number, date))
        if found:
            return found
        prefix = f"{kinds()['Списание']}_{number.strip()}_"
        since = self.now - timedelta(seconds=86400)
        candidates = [op for op in self.journal.values() if op["Операция"] == "debit" and not op["КлючЧека"]
                      and op["Зарегистрирована"] >= since and op["ВнешнийИД"].startswith(prefix)]
        return max(candidates, key=lambda op: op["Зарегистрирована"]) if candidates else None

    def document_operation(self, ref: str, op_type: str, originals_only: bool = False) -> dict | None:
        """ОперацияДокумента."""
        for op in sorted(self.journal.values(), key=lambda op: op["Зарегистрирована"]):
            if op["КлючЧека"] == ref and (not op_type or op["Операция"] == op_type) \
                    and (not originals_only or not op["ИсходныйВнешнийИД"]):
                return op
        return None

    def record_and_queue(self, op: dict, order: int) -> None:
        """ЗаписатьИПоставить."""
        op["ПоставленаВОчередь"] = True
        self.journal[op["ВнешнийИД"]] = op
        self.order += 1
        body = m.operation_body(op["Операция"], op["Сумма"], op["ВнешнийИД"], op["Телефон"], op["Описание"],
                                f"{op['ДатаДокумента']:%Y-%m-%dT%H:%M:%S}", op["ИдентификаторМагазина"],
                                op["ИсходныйВнешнийИД"])
        self.queue[op["ВнешнийИД"]] = {"ВнешнийИД": op["ВнешнийИД"], "Тело": body, "Операция": op["Операция"],
                                       "Телефон": op["Телефон"], "ЧислоПопыток": 0, "СледующаяПопытка": self.now,
                                       "Состояние": "Ожидает", "Очередность": self.order * 10 + order,
                                       "ПоследняяОшибка": ""}

    # -- the sender (ОтправитьОчередь) ---------------------------------------------------

    def retry_deferred(self) -> None:
        """ОбработатьОтложенныеДокументы."""
        for ref, entry in list(self.deferred.items()):
            self.process_event(entry["document"], entry["event"], after_error=True)
            del self.deferred[ref]

    def send_queue(self) -> str:
        self.retry_deferred()
        size, probe_failed = self.batch_size, False
        for _ in range(self.constants.max_batches):
            batch = self.mark_attempt(self.next_batch(size))
            if not batch:
                return ""
            stop = self.send_batch(batch)
            if stop == "ПакетСлишкомБольшой" and size > 1:
                size = max(1, size // 2)
            elif stop == "ПовторитьПозже" and len(batch) == 1 and not probe_failed:  # ЭтоПерваяНеудачнаяПроба
                probe_failed = True
            elif stop:
                return stop
            else:
                probe_failed = False
        return ""

    def next_batch(self, size: int) -> list[dict]:
        """ОчереднойПакет: a waiting record holds back only later records of the same customer."""
        pending = sorted((r for r in self.queue.values() if r["Состояние"] in ("Ожидает", "Отложено")),
                         key=lambda r: (r["Очередность"], r["ВнешнийИД"]))[:size + self.constants.window]
        batch, waiting = [], set()
        for record in pending:
            if len(batch) >= size:
                break
            if record["Телефон"] in waiting:
                continue
            if record["СледующаяПопытка"] > self.now:
                waiting.add(record["Телефон"])
            else:
                batch.append(dict(record))
        if batch and batch[0]["ЧислоПопыток"] > 0:
            batch = batch[:1]  # a record that failed before goes alone (a probe)
        return batch

    def mark_attempt(self, batch: list[dict]) -> list[dict]:
        """ОтметитьПопытку: only records still there (and unchanged) are sent."""
        marked = []
        for row in batch:
            record = self.queue.get(row["ВнешнийИД"])
            if record is None or record["Тело"] != row["Тело"]:
                continue
            record["ЧислоПопыток"] += 1
            if row["ВнешнийИД"] in self.journal:
                self.journal[row["ВнешнийИД"]]["Отправлялась"] = True
            marked.append(dict(record))
        return marked

    def send_batch(self, batch: list[dict]) -> str:
        """ОтправитьПакет."""
        answer = self.transport.request("POST", "transactions/batch", [row["Тело"] for row in batch])
        outcome = self.outcome(answer)
        results = answer.body.get("results") if isinstance(answer.body, dict) else None
        if outcome == "Доставлено" and isinstance(results, list) and len(results) == len(batch):
            for row, item in zip(batch, results):
                item_outcome = m.item_outcome(item)
                if not self.result_belongs(item.get("external_id"), item_outcome, row):
                    item_outcome = "ПовторитьПозже"
                self.write_outcome(row, item_outcome, 0, item.get("error", ""))
            return ""
        if outcome == "ПакетСлишкомБольшой" and len(batch) > 1:
            return outcome
        if outcome in ("ОшибкаДанных", "ПакетСлишкомБольшой"):
            return self.send_one_by_one(batch)
        return self.defer(batch, 0, outcome, answer)

    def send_one_by_one(self, batch: list[dict]) -> str:
        """ОтправитьПоОдной: a retry outcome defers this row and every later one."""
        for index, row in enumerate(batch):
            answer = self.transport.request("POST", "transactions", row["Тело"])
            outcome = self.outcome(answer)
            if outcome == "ПакетСлишкомБольшой":
                outcome = "ОшибкаДанных"
            if outcome in ("ПовторитьПозже", "ОшибкаНастройки"):
                return self.defer(batch, index, outcome, answer)
            self.write_outcome(row, outcome, answer.retry_after, answer.body.get("error", ""))
        return ""

    def defer(self, batch: list[dict], start: int, outcome: str, answer: Answer) -> str:
        """ОтложитьПакет."""
        outcome = "ОшибкаНастройки" if outcome == "ОшибкаНастройки" else "ПовторитьПозже"
        for row in batch[start:]:
            self.write_outcome(row, outcome, answer.retry_after, "deferred")
        return outcome

    @staticmethod
    def result_belongs(external_id: str | None, outcome: str, row: dict) -> bool:
        """ИтогОтноситсяКСтроке."""
        if external_id is None:
            return outcome != "Доставлено"
        return external_id == row["ВнешнийИД"]

    def outcome(self, answer: Answer) -> str:
        if answer.status == 0:
            return "ПовторитьПозже"
        return m.outcome_of(answer.status, answer.body if isinstance(answer.body, dict) else {})

    def write_outcome(self, row: dict, outcome: str, retry_after: int, error: str) -> None:
        """ЗаписатьИтог + ЗаписатьИтогЗаписи."""
        record = self.queue.get(row["ВнешнийИД"])
        if record is None or record["Тело"] != row["Тело"]:
            return
        if outcome == "Доставлено":
            op = self.journal.get(row["ВнешнийИД"])
            if op:
                op.update(Отправлялась=True, Подтверждена=True)
            del self.queue[row["ВнешнийИД"]]
            return
        record["ПоследняяОшибка"] = error
        if outcome == "НедостаточноСредств" and record["Операция"] == "debit":
            record["Состояние"] = "Конфликт"
        elif outcome in ("ОшибкаДанных", "НедостаточноСредств"):
            record["Состояние"] = "ОшибкаДанных"
        elif outcome == "ПовторитьПозже" and record["ЧислоПопыток"] >= self.constants.max_attempts:
            record["Состояние"] = "ОшибкаДанных"
        else:
            record["Состояние"] = "Отложено"
            record["СледующаяПопытка"] = self.now + timedelta(seconds=self.pause(record["ЧислоПопыток"], retry_after))

    def pause(self, attempts: int, retry_after: int) -> int:
        """ПаузаПередПовтором."""
        pause = min(self.constants.base_pause * 2 ** min(max(attempts - 1, 0), 10), self.constants.max_pause)
        return max(pause, retry_after)

    def advance(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)

    def drain(self, rounds: int = 200) -> None:
        """Runs the scheduled job until nothing is due, moving the clock to the next attempt."""
        for _ in range(rounds):
            self.send_queue()
            due = [r["СледующаяПопытка"] for r in self.queue.values() if r["Состояние"] in ("Ожидает", "Отложено")]
            if not due:
                return
            later = [d for d in due if d > self.now]
            if later:
                self.now = min(later)
        raise AssertionError(f"the queue did not drain: {self.queue}")


def first(values: str) -> str:
    return split(values)[0]


def split(values: str) -> list[str]:
    return [v.strip() for v in values.split(",") if v.strip()]
