<?php

declare(strict_types=1);

namespace Retaillab\Cashback\Notify;

use Bitrix\Main\Mail\Event;

/**
 * The Bitrix adapter of Notifier: CAdminNotify stickers and mail events.
 * Deliberately thin; the decisions are in the callers (SilenceMonitor).
 *
 * CAdminNotify (main/classes/general/admin_notify.php) matches tags loosely:
 * DeleteByTag($tag) deletes every row whose TAG LIKE '%$tag%', and Add() calls
 * DeleteByTag() with the new row's trimmed TAG before writing it. Tags must
 * therefore never be found inside one another (SilenceMonitor::tag()).
 */
final class BitrixNotifier implements Notifier
{
    /**
     * @param string $moduleId The stickers' MODULE_ID (the module id).
     * @param string|null $siteId Site of the mail event (its template is bound to sites);
     *     null: the default site.
     */
    public function __construct(private readonly string $moduleId, private readonly ?string $siteId = null)
    {
    }

    public function addSticker(string $tag, string $html): void
    {
        $id = \CAdminNotify::Add([
            'MESSAGE' => $html,
            'TAG' => $tag,
            'MODULE_ID' => $this->moduleId,
            'ENABLE_CLOSE' => 'Y',
            'NOTIFY_TYPE' => \CAdminNotify::TYPE_ERROR,
        ]);
        if (!$id) {
            throw new NotifyException("CAdminNotify::Add refused the sticker $tag");
        }
    }

    public function deleteSticker(string $tag): void
    {
        \CAdminNotify::DeleteByTag($tag);
    }

    public function deleteStickersContaining(string $fragment): void
    {
        if ($fragment === '' || \CAdminNotify::DeleteByTag($fragment) === false) {
            throw new NotifyException("CAdminNotify::DeleteByTag refused '$fragment'");
        }
    }

    public function sendMail(string $eventName, array $fields): void
    {
        $result = Event::send([
            'EVENT_NAME' => $eventName,
            'LID' => $this->siteId ?? (string) \CSite::GetDefSite(),
            'C_FIELDS' => $fields,
        ]);
        if (!$result->isSuccess()) {
            throw new NotifyException("Mail event $eventName refused: " . implode('; ', $result->getErrorMessages()));
        }
    }
}
