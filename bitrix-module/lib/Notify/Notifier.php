<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Notify;

/**
 * How the module tells people about something: an admin-area sticker and a
 * mail event. The Bitrix side (CAdminNotify, Bitrix\Main\Mail\Event) lives in
 * BitrixNotifier only, so whatever decides *when* to notify can be tested
 * without the Bitrix core.
 */
interface Notifier
{
    /**
     * Shows a sticker in the admin area. A sticker with the same tag is
     * replaced, never duplicated.
     *
     * @param string $html Already escaped: the admin area prints it as HTML.
     * @throws NotifyException when Bitrix refuses it
     */
    public function addSticker(string $tag, string $html): void;

    /**
     * Removes the sticker with this tag; nothing happens when there is none.
     * Bitrix removes every sticker whose tag merely contains $tag (and Add()
     * does the same first): callers make sure no tag contains another's.
     */
    public function deleteSticker(string $tag): void;

    /**
     * Removes every sticker whose tag contains $fragment, matched as
     * CAdminNotify::DeleteByTag() matches (SQL LIKE '%fragment%').
     *
     * @throws NotifyException when Bitrix refuses it
     */
    public function deleteStickersContaining(string $fragment): void;

    /**
     * Queues a mail event (the module's mail template decides the text).
     *
     * @param array<string, string> $fields The template's #FIELDS#, raw (not HTML-escaped).
     * @throws NotifyException when Bitrix refuses it
     */
    public function sendMail(string $eventName, array $fields): void;
}
