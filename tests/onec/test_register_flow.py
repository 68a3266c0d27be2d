"""The cashier's flow in кб_КэшбэкСервер, read from the BSL text (nothing here runs
BSL): one time budget (ТаймаутКассы) for a whole register call, handed to every
request the call can make; the fallback to the offline rules without another
request once it is spent; and the cashier's decision on an offline debit the
server refused later (queue state Конфликт), with the two decision values the
README documents."""

from __future__ import annotations

import re
from pathlib import Path

import onec_model as m

MODULES = m.EXTENSION / "CommonModules"
SERVER = MODULES / "кб_КэшбэкСервер" / "Ext" / "Module.bsl"
SERVER_CALL = MODULES / "кб_КэшбэкВызовСервера" / "Ext" / "Module.bsl"
README = m.REPO / "1c" / "README.md"
ENTRY_POINTS = ("СписатьКэшбэк", "БалансПокупателя")
HTTP = "кб_КэшбэкКлиентHTTP"
DEADLINE = "Срок"


def code_only(text: str) -> str:
    """The text with comments and the insides of string literals blanked (same length,
    same line breaks), so that parentheses and names in them are not read as code."""
    out, i, in_string = [], 0, False
    while i < len(text):
        char = text[i]
        if in_string:
            out.append(char if char in '"\n' else " ")
            in_string = char != '"'
        elif char == '"':
            out.append(char)
            in_string = True
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            out.append(" " * (end - i))
            i = end
            continue
        else:
            out.append(char)
        i += 1
    return "".join(out)


def methods(path: Path, raw: bool = False) -> dict[str, tuple[list[str], str]]:
    """Method name -> (parameter names, body) of one module; the body in code_only form,
    or as written (raw: string literals kept; code_only keeps the positions)."""
    text = m.bsl_text(path)
    code = code_only(text)
    found = {}
    for match in re.finditer(r"^(?:Функция|Процедура) (\w+)\(([^)]*)\)(.*?)^Конец(?:Функции|Процедуры)",
                             code, re.M | re.S):
        params = [re.sub(r"^Знач\s+", "", p.split("=")[0].strip()) for p in match.group(2).split(",") if p.strip()]
        found[match.group(1)] = (params, text[match.start(3):match.end(3)] if raw else match.group(3))
    return found


def all_methods() -> dict[str, dict[str, tuple[list[str], str]]]:
    return {p.parent.parent.name: methods(p) for p in MODULES.glob("*/Ext/Module.bsl")}


def arguments(body: str, open_paren: int) -> list[str]:
    """The top-level arguments of the call whose '(' is at open_paren."""
    depth, start, args = 0, open_paren + 1, []
    for i in range(open_paren, len(body)):
        if body[i] == "(":
            depth += 1
        elif body[i] == ")":
            depth -= 1
            if depth == 0:
                args.append(body[start:i])
                break
        elif body[i] == "," and depth == 1:
            args.append(body[start:i])
            start = i + 1
    args = [" ".join(a.split()) for a in args]
    return [] if args == [""] else args


def calls(module: str, body: str, known: dict) -> list[tuple[str, str, list[str]]]:
    """(module, method, arguments) of every call in body to a method of the extension."""
    found = []
    for match in re.finditer(r"(?<![\w.])(?:(кб_\w+)\.)?(\w+)\(", body):
        target = match.group(1) or module
        if match.group(2) in known.get(target, {}):
            found.append((target, match.group(2), arguments(body, match.end() - 1)))
    return found


def reachable(entry_points=ENTRY_POINTS) -> dict[tuple[str, str], list[tuple[str, str, list[str]]]]:
    """Every method reachable from the entry points of кб_КэшбэкСервер (across modules), with its calls."""
    known = all_methods()
    todo = [("кб_КэшбэкСервер", name) for name in entry_points]
    seen = {}
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen[node] = calls(node[0], known[node[0]][node[1]][1], known)
        todo.extend((target, method) for target, method, _ in seen[node])
    return seen


def server(name: str) -> str:
    """A method of кб_КэшбэкСервер as written."""
    return methods(SERVER, raw=True)[name][1]


def test_every_request_of_the_register_flow_gets_the_remaining_budget():
    known = all_methods()
    graph = reachable()
    senders = set()
    for (module, method), found in graph.items():
        params, body = known[module][method]
        for target, callee, args in found:
            callee_params = known[target][callee][0]
            if DEADLINE not in callee_params:
                continue
            position = callee_params.index(DEADLINE)
            assert len(args) > position, f"{module}.{method} calls {target}.{callee} without {DEADLINE}: {args}"
            arg = args[position]
            from_budget = arg == f"{HTTP}.СрокКассы(Настройки)" or (
                arg == DEADLINE and (DEADLINE in params or f"{DEADLINE} = {HTTP}.СрокКассы(" in body))
            assert from_budget, f"{module}.{method} -> {target}.{callee}({', '.join(args)}): not the register's deadline"
            if (target, callee) == (HTTP, "ОтправитьЗапрос"):
                senders.add(method)
    # the requests the flow can make: GET balance, POST the debit and its retry, GET transactions
    assert senders == {"БалансДоСрока", "ОтправитьСписание", "ЕстьВИстории"}, senders
    sends = [c for c in graph[("кб_КэшбэкСервер", "ОтправитьСписание")] if c[1] == "ОтправитьЗапрос"]
    assert len(sends) == 2  # the debit and its one retry
    # the deadline is taken once per register call, by the entry point only: no method it
    # reaches (БалансПокупателя from СписатьКэшбэк, say) starts a budget of its own
    for entry in ENTRY_POINTS:
        assert server(entry).count(f"{HTTP}.СрокКассы(") == 1, entry
        starters = {node for node, found in reachable((entry,)).items()
                    if any(c[:2] == (HTTP, "СрокКассы") for c in found)}
        assert starters == {("кб_КэшбэкСервер", entry)}, (entry, starters)


def test_the_deadline_is_the_connection_timeout_and_a_spent_one_sends_nothing():
    http = methods(m.HTTP_MODULE, raw=True)
    params, send = http["ОтправитьЗапрос"]
    assert params == ["ОписаниеЗапроса", "Настройки", DEADLINE]
    assert "Знач Срок = 0" in m.bsl_function("ОтправитьЗапрос")  # the queue sender calls it with two arguments
    budget = send.index("Таймаут = Мин(Таймаут, СекундДоСрока(Срок))")
    guard = re.search(r"Если Таймаут < 1 Тогда\s+Результат\.ОшибкаСоединения = [^;]+;\s+Возврат Результат;", send)
    connect = send.index("НовоеСоединение(Настройки, Таймаут)")
    assert guard and budget < guard.start() < connect
    assert send.count("НовоеСоединение(") == 1
    connection = http["НовоеСоединение"][1]
    assert http["НовоеСоединение"][0] == ["Настройки", "Таймаут"]
    assert re.search(r"Новый HTTPСоединение\(Настройки\.Сервер, Настройки\.Порт, , , , Таймаут, Защищенное\)", connection)
    # whole seconds, rounded down (the request never outlives the deadline), from the platform's ms clock
    assert "Цел((Срок - ТекущаяУниверсальнаяДатаВМиллисекундах()) / 1000)" in http["СекундДоСрока"][1]
    assert "ТекущаяУниверсальнаяДатаВМиллисекундах() + Настройки.ТаймаутКассы * 1000" in http["СрокКассы"][1]


def test_the_queue_sender_keeps_the_ordinary_timeout():
    queue = methods(MODULES / "кб_КэшбэкОчередь" / "Ext" / "Module.bsl")
    sends = [args for _, body in queue.values() for _, callee, args in calls("кб_КэшбэкОчередь", body, all_methods())
             if callee == "ОтправитьЗапрос"]
    assert sends and all(len(args) == 2 for args in sends), sends


def test_the_register_budget_is_a_setting_of_a_few_seconds():
    http = methods(m.HTTP_MODULE, raw=True)
    default = int(re.fullmatch(r"\s*Возврат (\d+);\s*", http["ТаймаутКассыПоУмолчанию"][1]).group(1))
    assert 1 <= default <= 10
    assert 'Настройки.Вставить("ТаймаутКассы", ТаймаутКассы(Запись.ТаймаутКассы));' in http["НастройкиПодключения"][1]
    assert re.search(r"Если Таймаут > 0 Тогда\s+Возврат Таймаут;\s+КонецЕсли;\s+Возврат ТаймаутКассыПоУмолчанию\(\);",
                     http["ТаймаутКассы"][1])
    rows = dict(re.findall(r"^\| (ТаймаутКассы|Таймаут) \|[^|]*\| ([^|]+) \|$", README.read_text(encoding="utf-8"), re.M))
    assert rows["ТаймаутКассы"].strip() == f"0 = {default}"
    ordinary = re.fullmatch(r"\s*Возврат (\d+);\s*", http["ТаймаутПоУмолчанию"][1]).group(1)
    assert rows["Таймаут"].strip() == f"0 = {ordinary}"


def test_a_spent_budget_falls_back_to_the_offline_rules_without_another_request():
    send = server("ОтправитьСписание")
    # spent before the debit: no journal write, no request, НетСвязи
    spent = re.search(r"Если кб_КэшбэкКлиентHTTP\.СекундДоСрока\(Срок\) < 1 Тогда(.*?)Возврат Результат;", send, re.S)
    assert spent and "СтатусНетСвязи()" in spent.group(1)
    assert spent.end() < send.index("ЗаписатьОперациюЧека(") < send.index("ОтправитьЗапрос(")
    # the one retry only while a second is left
    retry = re.search(r"Повтор = Разбор\.Итог = кб_КэшбэкКлиентHTTP\.ИтогПовторитьПозже\(\)\s+"
                      r"И кб_КэшбэкКлиентHTTP\.СекундДоСрока\(Срок\) >= 1;\s+Если Повтор Тогда(.*?)КонецЕсли;", send, re.S)
    assert retry and retry.group(1).count("ОтправитьЗапрос(") == 1
    assert send.count("ОтправитьЗапрос(") == 2
    # no answer (or no time left) -> the offline rules: ПринятьОфлайн, which needs РазрешитьОфлайн
    debit = server("СписатьКэшбэк")
    assert re.search(r"Результат = ОтправитьСписание\(Операция, Настройки, Результат, Срок\);\s+"
                     r"Если Результат\.Статус = СтатусНетСвязи\(\) Тогда(?:\s|//[^\n]*)+"
                     r"Результат = ПринятьОфлайн\(Операция, Баланс, ПараметрыСписания, Результат\);", debit)
    offline = server("ПринятьОфлайн")
    assert re.search(r"Если Не ПараметрыСписания\.РазрешитьОфлайн Или Не БалансИзвестен Тогда\s+"
                     r"Результат\.Статус = СтатусНетСвязи\(\);\s+Возврат Результат;", offline)
    # a balance request without an answer in time: the last known balance
    balance = server("БалансДоСрока")
    assert re.search(r"ИначеЕсли Разбор\.Итог = кб_КэшбэкКлиентHTTP\.ИтогПовторитьПозже\(\) Тогда\s+"
                     r"ИзвестныйБаланс = ИзвестныйБаланс\(Телефон\);", balance)
    # a history check that got no answer leaves the outcome unknown (a lost answer), not "refused"
    history = server("ЕстьВИстории")
    assert re.search(r"Если Ответ\.КодСостояния <> 200 Или [^\n]*Тогда\s+Возврат Неопределено;", history)
    assert re.search(r"Если ВИстории = Неопределено Тогда\s+Разбор\.Итог = кб_КэшбэкКлиентHTTP\.ИтогПовторитьПозже\(\);",
                     server("УточнитьПоИстории"))


def decision_values() -> dict[str, str]:
    text = m.bsl_text(SERVER)
    return dict(re.findall(r'Функция (Решение[А-Яа-яЁё]+)\(\) Экспорт\s*\n\s*Возврат "([^"]+)";', text))


def test_the_decisions_are_exactly_those_of_the_readme():
    assert decision_values() == {"РешениеОтменаСкидки": "ОтменаСкидки", "РешениеДоплата": "Доплата"}
    readme = README.read_text(encoding="utf-8")
    flow = readme[readme.index("## The cashier's flow"):readme.index("## Testing against")]
    table = re.search(r"^\| Решение \| Meaning \|\n\|---\|---\|\n((?:\|.*\|\n)+)", flow, re.M)
    assert table, "the decision table is missing from the cashier's flow section"
    documented = re.findall(r"^\| `([^`]+)` \|", table.group(1), re.M)
    assert sorted(documented) == sorted(decision_values().values())


def test_resolving_a_conflict_checks_the_state_and_records_the_decision():
    resolve = server("РазрешитьКонфликтСписания")
    # an unknown decision is refused before anything happens
    check = re.search(r"Если Решение <> РешениеОтменаСкидки\(\) И Решение <> РешениеДоплата\(\) Тогда\s+ВызватьИсключение",
                      resolve)
    assert check and check.start() < resolve.index("НачатьТранзакцию()")
    # the cashier's right before the privileged mode
    assert resolve.index("ПроверитьПравоКассира()") < resolve.index("УстановитьПривилегированныйРежим(Истина)")
    # everything written happens inside one transaction, in the methods it calls there
    inside = resolve[resolve.index("НачатьТранзакцию()"):resolve.index("ЗафиксироватьТранзакцию()")]
    called = [name for name in re.findall(r"(?<![\w.])(\w+)\(", inside) if name in methods(SERVER)]
    assert called, inside
    body = "\n".join(server(name) for name in called)
    assert re.search(r"Исключение\s+ОтменитьТранзакцию\(\);", resolve)
    assert "УровеньЖурналаРегистрации.Информация" in resolve[resolve.index("ЗафиксироватьТранзакцию()"):]
    # the lock: both registers, by ВнешнийИД, exclusive, before reading
    for register in ("РегистрСведений.кб_ОчередьКэшбэк", "РегистрСведений.кб_ОперацииЧековКэшбэк"):
        assert register in body
    assert 'Элемент.УстановитьЗначение("ВнешнийИД", ВнешнийИД);' in body
    assert "РежимБлокировкиДанных.Исключительный" in body
    assert body.index("Блокировка.Заблокировать()") < body.index("Прочитать()")
    # the state Конфликт is required before anything is written or deleted
    state = re.search(r"Если Запись\.Состояние <> кб_КэшбэкОчередь\.СостояниеКонфликт\(\) Тогда(.*?)КонецЕсли;", body, re.S)
    assert state and "Возврат" in state.group(1)
    missing = re.search(r"Если Не Запись\.Выбран\(\) Тогда(.*?)КонецЕсли;", body, re.S)
    assert missing and "Возврат" in missing.group(1)
    first_write = min(body.index(w) for w in ("Записать(", "Удалить("))
    assert state.end() < first_write and missing.end() < first_write
    # what is recorded, and the queue record removed
    assert "Операция.Решение = Решение;" in body
    assert re.search(r"Операция\.РешениеПринял = Лев\(Пользователь, 100\);", body)
    assert "Пользователь = ИмяПользователя();" in resolve
    assert "Операция.ДатаРешения = ТекущаяДатаСеанса();" in body
    assert "Запись.Удалить();" in body
    # a refusal found inside the transaction is raised after it
    assert re.search(r"Если ЗначениеЗаполнено\(Отказ\) Тогда\s+ВызватьИсключение Отказ;", resolve)


def test_the_conflict_list_and_the_rights():
    listing = server("КонфликтыСписания")
    assert listing.index("ПроверитьПравоКассира()") < listing.index("УстановитьПривилегированныйРежим(Истина)")
    assert 'Запрос.УстановитьПараметр("Состояние", кб_КэшбэкОчередь.СостояниеКонфликт());' in listing
    raw = m.bsl_function("КонфликтыСписания", m.bsl_text(SERVER))
    assert raw.endswith(listing + "КонецФункции")
    assert "Очередь.Состояние = &Состояние" in raw
    fields = re.search(r'Конфликт = Новый Структура\("([^"]+)"\);', raw).group(1)
    assert [f.strip() for f in fields.split(",")] == ["ВнешнийИД", "Телефон", "Сумма", "Описание", "ДатаДокумента",
                                                      "ПоследняяОшибка"]
    for field in ("ВнешнийИД", "Телефон", "Сумма", "Описание", "ДатаДокумента", "ПоследняяОшибка"):
        assert re.search(rf"КАК {field},?\n", raw), field
    rights = server("ПроверитьПравоКассира")
    assert 'ПравоДоступа("Проведение", Метаданные.Документы.ЧекККМ)' in rights
    assert "ВызватьИсключение" in rights


def test_the_operator_may_return_a_conflict_to_the_queue():
    retry = server("ПовторитьОтправку")
    # no filter on the state: ОшибкаДанных and Конфликт records alike go back to Ожидает, attempts anew
    assert re.findall(r"Запись\.Состояние\b[^;\n]*", retry) == ["Запись.Состояние = кб_КэшбэкОчередь.СостояниеОжидает()"]
    assert "Запись.ЧислоПопыток = 0;" in retry
    assert "ПроверитьПравоОператора()" in retry


def test_client_code_reaches_the_conflict_functions_through_the_server_call_module():
    wrappers = methods(SERVER_CALL, raw=True)
    server_methods = methods(SERVER)
    for name in ("КонфликтыСписания", "РазрешитьКонфликтСписания", "РешениеОтменаСкидки", "РешениеДоплата",
                 "СписатьКэшбэк", "БалансПокупателя"):
        params, body = wrappers[name]
        assert params == server_methods[name][0], name
        assert re.search(rf"кб_КэшбэкСервер\.{name}\({', '.join(params)}\);", body), name
